// One publish of everything queued in a data folder, in a process of its own: `node publish-run.mjs
// DIR [BATCH]` prints one JSON line with its time, the process's peak RSS and what it published
// (BATCH: stories per batch, PUBLISH_BATCH when left out). Built and run by bench/publish-memory.ts.
import { FsStore } from '../functions/adapters/fs-store.js';
import { OutboxNotifier } from '../functions/adapters/outbox-notifier.js';
import { randomTokens } from '../functions/adapters/random-tokens.js';
import { publishPending } from '../functions/pipeline/publish/publish.js';

const dir = process.argv[2] ?? '.';
const batchSize = process.argv[3] ? Number(process.argv[3]) : undefined;
const store = await FsStore.open(dir);
const silent = { info() {}, warn() {}, error() {} };
const started = process.hrtime.bigint();
const report = await publishPending(
  {
    store,
    notifier: new OutboxNotifier(`${dir}/notifications.jsonl`),
    fetcher: {
      fetch: async () => {
        throw new Error('publish fetches nothing');
      },
    },
    clock: { now: () => new Date('2026-11-25T12:00:00Z') },
    tokens: randomTokens,
    logger: silent,
  },
  { publicUrl: 'https://feeds.example.org', contentMode: 'full', generator: 'bench' },
  batchSize ? { batchSize } : {},
);
const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
process.stdout.write(
  `${JSON.stringify({ durationMs, peakRssMb: process.resourceUsage().maxRSS / 1024, versions: report.versions, sent: report.notificationsSent, filesWritten: report.filesWritten.length })}\n`,
);
