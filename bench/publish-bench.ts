// Publishing cost against the size of the archive: publish ten new stories into archives of 100 and
// 10,000 synthetic stories, and compare time and store operations. Publishing works on windows of
// the newest stories and the months touched, so neither may grow with the archive.
import type { PipelinePorts } from '../functions/pipeline/ports.js';
import { publishPending } from '../functions/pipeline/publish/publish.js';
import { randomTokens } from '../functions/adapters/random-tokens.js';
import { PUBLIC_URL, dayOf, storeSyntheticStory } from '../test/helpers/synthetic-stories.js';
import { MemoryStore, type StoreCounts } from '../test/helpers/memory-store.js';

const settings = { publicUrl: PUBLIC_URL, contentMode: 'full' as const, generator: 'bench' };
const silent = { info() {}, warn() {}, error() {} };

function ports(store: MemoryStore): PipelinePorts {
  let sent = 0;
  return {
    store,
    notifier: { publish: async () => ({ messageId: `m-${++sent}` }) },
    fetcher: {
      fetch: async () => {
        throw new Error('no fetching in this benchmark');
      },
    },
    clock: { now: () => new Date('2026-11-25T12:00:00Z') },
    tokens: randomTokens,
    logger: silent,
  };
}

export interface PublishBenchResult {
  archive: number;
  medianMs: number;
  counts: StoreCounts;
}

export async function benchPublish(archive: number, rounds = 7): Promise<PublishBenchResult> {
  const store = new MemoryStore();
  const now = new Date('2026-11-25T12:00:00Z');
  // Two stories a day before 2026: an archive of 10,000 spans about 14 years of monthly pages.
  // Build the archive the way it grows: stories published in batches, oldest first.
  for (let n = archive - 1; n >= 0; n -= 500) {
    for (let i = n; i > n - 500 && i >= 0; i--) await storeSyntheticStory(store, i, dayOf(i), { now });
    await publishPending(ports(store), settings);
  }
  const times: number[] = [];
  let counts = MemoryStore.zero();
  for (let round = 0; round < rounds; round++) {
    // Ten new stories, newer than everything in the archive.
    for (let i = 0; i < 10; i++)
      await storeSyntheticStory(store, 1_000_000 + round * 10 + i, `2026-01-${String(1 + round).padStart(2, '0')}`, {
        now,
      });
    store.counts = MemoryStore.zero();
    const start = process.hrtime.bigint();
    await publishPending(ports(store), settings);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    counts = store.counts;
  }
  times.sort((a, b) => a - b);
  return { archive, medianMs: times[Math.floor(times.length / 2)]!, counts };
}
