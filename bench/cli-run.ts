// One `syndicate run` in a process of its own, as a user starts it (the CLI's own main), with the
// folder store's operations counted: `node cli-run.mjs '<argv as JSON>'` prints one JSON line with
// the run's counts, its time and the process's peak RSS. Built by bench/scale.ts.
import { FsStore } from '../functions/adapters/fs-store.js';
import { main } from '../functions/cli/main.js';
import type { PutOptions, StoredObject } from '../functions/pipeline/ports.js';

export interface StoreOperations {
  get: number;
  put: number;
  list: number;
  listed: number;
  delete: number;
  bytesRead: number;
  bytesWritten: number;
  /** get/put per kind of private key (state/crawl.json, state/sources/...), to see where they go. */
  byKind: Record<string, { get: number; put: number; bytesRead: number; bytesWritten: number }>;
}

export interface CliRunResult {
  exitStatus: number;
  durationMs: number;
  peakRssMb: number;
  /** The peak before publish started (discovery and ingest): publish's own peak is above it when peakRssMb is. */
  peakRssMbBeforePublish: number;
  operations: StoreOperations;
  newStories: number;
  updatedStories: number;
  failed: number;
  pendingPages: number;
  publishedVersions: number;
}

const operations: StoreOperations = {
  get: 0,
  put: 0,
  list: 0,
  listed: 0,
  delete: 0,
  bytesRead: 0,
  bytesWritten: 0,
  byKind: {},
};
const kindOf = (key: string) =>
  key.startsWith('state/')
    ? key
        .split('/')
        .slice(0, 2)
        .join('/')
        .replace(/\.json$/, '')
    : key.split('/')[0]!;
const kind = (key: string) => (operations.byKind[kindOf(key)] ??= { get: 0, put: 0, bytesRead: 0, bytesWritten: 0 });

// Counted at the folder store itself, so every reader and writer of the run is seen.
const { get, put, list, delete: remove } = FsStore.prototype;
FsStore.prototype.get = async function (this: FsStore, key: string): Promise<StoredObject | undefined> {
  const object = await get.call(this, key);
  const bytes = object ? Buffer.byteLength(object.body) : 0;
  operations.get++;
  operations.bytesRead += bytes;
  kind(key).get++;
  kind(key).bytesRead += bytes;
  return object;
};
FsStore.prototype.put = async function (this: FsStore, key: string, body: string, options: PutOptions) {
  operations.put++;
  operations.bytesWritten += Buffer.byteLength(body);
  kind(key).put++;
  kind(key).bytesWritten += Buffer.byteLength(body);
  return put.call(this, key, body, options);
};
let peakBeforePublish: number | undefined;
FsStore.prototype.list = async function* (this: FsStore, prefix: string) {
  operations.list++;
  // Publish starts by listing the queued versions.
  if (prefix === 'state/outbox/') peakBeforePublish ??= process.resourceUsage().maxRSS / 1024;
  for await (const key of list.call(this, prefix)) {
    operations.listed++;
    yield key;
  }
};
FsStore.prototype.delete = async function (this: FsStore, key: string) {
  operations.delete++;
  return remove.call(this, key);
};

const argv = JSON.parse(process.argv[2] ?? '[]') as string[];
const out: string[] = [];
const started = process.hrtime.bigint();
const exitStatus = await main(argv, {
  out: (text) => out.push(text),
  err: (text) => process.stderr.write(`${text}\n`),
});
const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
const report =
  exitStatus === 0
    ? (JSON.parse(out.join('\n')) as {
        newStories: string[];
        updatedStories: string[];
        failed: unknown[];
        pendingPages: number;
        publish: { versions: number };
      })
    : undefined;
const result: CliRunResult = {
  exitStatus,
  durationMs,
  peakRssMb: process.resourceUsage().maxRSS / 1024,
  peakRssMbBeforePublish: peakBeforePublish ?? 0,
  operations,
  newStories: report?.newStories.length ?? 0,
  updatedStories: report?.updatedStories.length ?? 0,
  failed: report?.failed.length ?? 0,
  pendingPages: report?.pendingPages ?? 0,
  publishedVersions: report?.publish.versions ?? 0,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
