// Publish's time and peak memory after a backfill: N synthetic stories queued in a data folder (as
// ingest leaves them), then one publish in a process of its own (so the process holds what publish
// holds, not the store), in batches of PUBLISH_BATCH and, on a copy of the same folder, in one batch
// (as before batches). `npx tsx bench/publish-memory.ts 10000`.
import { execFile } from 'node:child_process';
import { cp, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { FsStore } from '../functions/adapters/fs-store.js';
import { dayOf, storeSyntheticStory } from '../test/helpers/synthetic-stories.js';
import { tempDir } from '../test/helpers/temp-dir.js';
import { bundleBenchEntry } from './bundle.js';

export interface PublishRunResult {
  durationMs: number;
  peakRssMb: number;
  versions: number;
  sent: number;
  filesWritten: number;
}

/** The publish of `stories` queued stories, in batches (PUBLISH_BATCH) and in one batch. */
export async function publishBackfill(
  stories: number,
): Promise<{ batched: PublishRunResult; oneBatch: PublishRunResult }> {
  const runner = await bundleBenchEntry('./publish-run.ts');
  const data = await tempDir('ilo-publish-memory-');
  try {
    const store = await FsStore.open(data.dir);
    const now = new Date('2026-11-25T12:00:00Z');
    for (let i = 0; i < stories; i++) await storeSyntheticStory(store, i, dayOf(i), { now });
    const copy = `${data.dir}-one-batch`;
    await cp(data.dir, copy, { recursive: true });
    const publish = async (dir: string, batch?: number) => {
      const args = [runner, dir, ...(batch ? [String(batch)] : [])];
      const { stdout } = await promisify(execFile)(process.execPath, args, { maxBuffer: 1 << 24 });
      return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as PublishRunResult;
    };
    try {
      return { batched: await publish(data.dir), oneBatch: await publish(copy, Number.MAX_SAFE_INTEGER) };
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  } finally {
    await data.cleanup();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const line = (result: PublishRunResult) =>
    `${(result.durationMs / 1000).toFixed(2)} s, peak RSS ${result.peakRssMb.toFixed(0)} MB, ${result.versions} versions, ${result.sent} sent, ${result.filesWritten} files written`;
  for (const stories of process.argv.slice(2).map(Number)) {
    const { batched, oneBatch } = await publishBackfill(stories);
    console.log(`${stories} stories queued, publish in batches: ${line(batched)}`);
    console.log(`${stories} stories queued, publish in one batch: ${line(oneBatch)}`);
  }
}
