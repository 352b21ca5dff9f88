// Publish in bounded batches (publish.ts, PUBLISH_BATCH): a queue published a few stories at a time
// gives the same public files and notifications as one batch, on the replica and on synthetic stories
// whose batches push each other's stories out of the windows into the archive, also across a change
// of content mode; and a publish stopped at a batch's end is finished by the next ordinary publish.
import { describe, expect, it } from 'vitest';
import type { PipelinePorts, Store } from '#pipeline/ports.js';
import { type PublishSettings, publishPending } from '#pipeline/publish/publish.js';
import { FaultyStore } from '#test/helpers/faulty-store.js';
import { MemoryStore } from '#test/helpers/memory-store.js';
import { RecordingNotifier, pipelineHarness, silentLogger, testTokens } from '#test/helpers/pipeline-harness.js';
import { publicFiles } from '#test/helpers/public-files.js';
import { PUBLIC_URL, dayOf, storeSyntheticStory } from '#test/helpers/synthetic-stories.js';

const T0 = Date.parse('2026-11-25T12:00:00Z');
const FULL: PublishSettings = { publicUrl: PUBLIC_URL, contentMode: 'full', generator: 'test' };
const PUBLIC = ['articles/', 'exports/', 'feeds/', 'index.html', 'feeds.opml'];

function ports(store: Store, notifier: RecordingNotifier): PipelinePorts {
  return {
    store,
    notifier,
    fetcher: {
      fetch: async () => {
        throw new Error('publish fetches nothing');
      },
    },
    clock: { now: () => new Date(T0) },
    tokens: testTokens(),
    logger: silentLogger,
  };
}

/** Publishes a copy of `queued` in one batch and another copy in batches of `batchSize`; both results. */
async function bothWays(queued: MemoryStore, batchSize: number, settings = FULL) {
  const results = [];
  for (const size of [undefined, batchSize]) {
    const store = queued.clone();
    const notifier = new RecordingNotifier();
    const report = await publishPending(ports(store, notifier), settings, size ? { batchSize: size } : {});
    results.push({ store, notifier, report, files: await publicFiles(store, PUBLIC) });
  }
  const [one, batched] = results as [(typeof results)[0], (typeof results)[0]];
  return { one, batched };
}

async function expectSameResult(queued: MemoryStore, batchSize: number, settings = FULL): Promise<void> {
  const { one, batched } = await bothWays(queued, batchSize, settings);
  expect(Object.keys(batched.files).length).toBeGreaterThan(0);
  expect(batched.files).toEqual(one.files);
  expect(batched.notifier.keys()).toEqual(one.notifier.keys());
  expect(batched.report).toMatchObject({
    versions: one.report.versions,
    notificationsSent: one.report.notificationsSent,
    rerendered: one.report.rerendered,
  });
  // Nothing left queued.
  for (const { store } of [one, batched]) {
    const left = [];
    for await (const key of store.list('state/outbox/')) left.push(key);
    expect(left).toEqual([]);
  }
}

/** A run over the replica that stops where its publish would start. */
async function ingestedReplica(): Promise<MemoryStore> {
  const store = new MemoryStore();
  const stopAtPublish = new FaultyStore(store, {
    trigger: { match: (op) => op.kind === 'list' && op.key === 'state/outbox/' },
    mode: 'crash-before',
  });
  await expect(pipelineHarness({ store: stopAtPublish }).run()).rejects.toThrow(/injected fault/);
  return store;
}

/** `count` synthetic stories queued (from `from`), two a day going back from 2025-12-31. */
async function queueSynthetic(store: MemoryStore, from: number, count: number, edit?: string): Promise<void> {
  for (let n = from; n < from + count; n++) {
    await storeSyntheticStory(store, n, dayOf(n), { now: new Date(T0 - 3_600_000), ...(edit ? { edit } : {}) });
  }
}

describe('publish in batches', () => {
  it('writes the same public files and notifications as one batch, on the replica', async () => {
    await expectSameResult(await ingestedReplica(), 2);
  });

  it('writes the same public files as one batch when batches push stories into the archive, also with a story queued twice and a new content mode', async () => {
    // An archive, published in summary mode; then 80 stories (older and newer ones among them, a
    // story with two versions queued) published in full mode.
    const store = new MemoryStore();
    await queueSynthetic(store, 200, 40);
    await publishPending(ports(store, new RecordingNotifier()), { ...FULL, contentMode: 'summary' });
    await queueSynthetic(store, 0, 80);
    await queueSynthetic(store, 7, 1, ' (corrected)');
    await queueSynthetic(store, 230, 2, ' (corrected)');
    await queueSynthetic(store, 230, 1, ' (corrected again)');
    await expectSameResult(store, 15);
    // And in the same mode (no re-render): the batches alone.
    const same = store.clone();
    await publishPending(ports(same, new RecordingNotifier()), FULL);
    await queueSynthetic(same, 400, 60);
    await expectSameResult(same, 7);
  });

  it('restarts at a batch boundary: a publish stopped after its first batch is finished by the next', async () => {
    const queued = await ingestedReplica();
    const { one } = await bothWays(queued, 2);
    const store = queued.clone();
    const notifier = new RecordingNotifier();
    // Stopped as the second batch reads its first story's full copy.
    let fullCopies = 0;
    const stopped = new FaultyStore(store, {
      trigger: { match: (op) => op.kind === 'get' && op.key.startsWith('state/articles/') && ++fullCopies === 3 },
      mode: 'crash-before',
    });
    await expect(publishPending(ports(stopped, notifier), FULL, { batchSize: 2 })).rejects.toThrow(/injected fault/);
    expect(notifier.keys()).toHaveLength(2);
    await publishPending(ports(store, notifier), FULL);
    expect(await publicFiles(store, PUBLIC)).toEqual(one.files);
    expect(notifier.keys().sort()).toEqual(one.notifier.keys().sort());
  });
});
