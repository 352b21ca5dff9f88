// A real kill -9 of the CLI (a process of its own) at a few points of a first run into a data folder,
// then an ordinary run (in process, through main): it succeeds (no stack trace, no wait on the killed
// run's locks), leaves no temporary or lock file, and the folder's public files and the outbox equal
// those of a run that was never killed.
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsStore } from '#adapters/fs-store.js';
import { type ReplicaServer, startReplicaServer } from '#replica/replica-server.js';
import { notificationEvent } from '#test/helpers/notification-event.js';
import { runCli } from '#test/helpers/cli.js';
import { runInProcess } from '#test/helpers/cli-in-process.js';
import { publicFiles } from '#test/helpers/public-files.js';
import { tempDir } from '#test/helpers/temp-dir.js';

const KILL_POINT = fileURLToPath(new URL('../helpers/kill-point.ts', import.meta.url));

async function outbox(dir: string): Promise<string[]> {
  const text = await readFile(path.join(dir, 'notifications.jsonl'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const event = notificationEvent(JSON.parse(line));
      return `${event.id}@${event.version}`;
    });
}

async function leftovers(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.filter((name) => name.includes('.tmp-') || name.endsWith('.lock'));
}

describe('a run killed with kill -9, then run again', () => {
  let replica: ReplicaServer;
  let reference: { files: Record<string, string>; notified: string[] };
  const folders: { cleanup: () => Promise<void> }[] = [];

  beforeAll(async () => {
    replica = await startReplicaServer();
    const data = await tempDir('kill-reference-');
    folders.push(data);
    const run = await runInProcess(['run', '--origin', replica.origin, '--data', data.dir]);
    expect(run.code, run.stderr).toBe(0);
    reference = {
      files: await publicFiles(await FsStore.openForReading(data.dir)),
      notified: (await outbox(data.dir)).sort(),
    };
    expect(reference.notified).toHaveLength(6);
  });
  afterAll(async () => {
    await replica?.close();
    for (const folder of folders) await folder.cleanup();
  });

  it.each([
    ['the moment exports/v1/index.json is written', 'after-put exports/v1/index.json'],
    ['holding the lock of a feed it rewrites', 'in-lock feeds/en/rss.xml'],
    ['taking the lock of a feed', 'taking-lock feeds/en/rss.xml'],
    ['between appending a notification and recording it', 'after-notify 2'],
  ])(
    'killed %s: the next run repairs everything',
    async (_when, killAt) => {
      const data = await tempDir('kill-');
      folders.push(data);
      const killed = await runCli(['run', '--origin', replica.origin, '--data', data.dir], {
        preload: KILL_POINT,
        env: { KILL_AT: killAt },
      });
      expect(killed.signal, killed.stderr).toBe('SIGKILL');
      if (killAt.startsWith('in-lock')) {
        // What the next run must neither trip over nor leave: the lock and the new content's temporary file.
        expect((await leftovers(data.dir)).sort()).toEqual([
          expect.stringMatching(/^feeds\/en\/rss\.xml\.lock$/),
          expect.stringMatching(/^feeds\/en\/rss\.xml\.tmp-\d+-[0-9a-f]+$/),
        ]);
      }

      const rerun = await runInProcess(['run', '--origin', replica.origin, '--data', data.dir]);
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(rerun.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(await leftovers(data.dir)).toEqual([]);
      expect(await publicFiles(await FsStore.openForReading(data.dir))).toEqual(reference.files);
      expect((await outbox(data.dir)).sort()).toEqual(reference.notified);
    },
    60_000,
  );
});
