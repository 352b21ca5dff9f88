// One pull at a time per site folder (functions/adapters/site-folder-lock.ts): a second pull is
// refused in one line while the first runs; a killed pull's lock is taken over and its temporary
// files are removed; a folder the lock created for a pull that wrote nothing is removed again.
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PULL_LOCK_FILE, PullBusy, lockSiteFolder } from '#adapters/site-folder-lock.js';
import { tempDir } from '#test/helpers/temp-dir.js';
import { assertIsError } from '#pipeline/errors.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('site-folder-lock-'));
});
afterEach(async () => {
  await cleanup();
});

/** The pid of a process that has exited, as a pull killed with kill -9 leaves it. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(folder, path.join(e.parentPath, e.name)))
    .sort();
}

describe('lockSiteFolder', () => {
  it('refuses a second pull while one holds the folder, in one line naming it, and lets the next one in after', async () => {
    const site = path.join(dir, 'site');
    const first = await lockSiteFolder(site);
    const refused = await lockSiteFolder(site).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(PullBusy);
    assertIsError(refused);
    expect(refused.message).toBe(
      `another pull into ${site} is running (pid ${process.pid} on ${hostname()}); wait for it to finish, or remove ${path.join(site, PULL_LOCK_FILE)} if it is not running`,
    );
    await first.release();
    const next = await lockSiteFolder(site);
    await next.release();
    expect(await filesUnder(dir)).toEqual([]); // the lock is gone, and the folder it made for nothing too
  });

  it('takes over the lock of a pull that was killed, and removes the temporary files it left (only its own)', async () => {
    const site = path.join(dir, 'site');
    const dead = deadPid();
    const files = {
      lock: PULL_LOCK_FILE,
      deadTemp: `content/news/a/.index.en.md.tmp-${dead}-0123abcd`,
      deadPost: `zh/_posts/.2025-01-01-a.md.tmp-${dead}-0123abcd`,
      deadState: `.syndicate-pull.json.tmp-${dead}-0123abcd`,
      liveTemp: `content/news/b/.index.en.md.tmp-${process.pid}-0123abcd`,
      page: 'content/news/a/index.en.md',
      partnerFile: 'static/.notes.tmp-1-abc',
    };
    for (const file of Object.values(files)) {
      await mkdir(path.dirname(path.join(site, file)), { recursive: true });
      await writeFile(path.join(site, file), file === PULL_LOCK_FILE ? `${dead}@${hostname()} 0123456789abcdef` : 'x');
    }
    const lock = await lockSiteFolder(site);
    expect(await readFile(path.join(site, PULL_LOCK_FILE), 'utf8')).toMatch(new RegExp(`^${process.pid}@`));
    await lock.release();
    expect(await filesUnder(site)).toEqual([files.liveTemp, files.page, files.partnerFile].sort());
  });

  it('refuses a lock held on another machine (it cannot tell whether that pull still runs)', async () => {
    const site = path.join(dir, 'site');
    await mkdir(site);
    await writeFile(path.join(site, PULL_LOCK_FILE), '4242@another-host 0123456789abcdef');
    await expect(lockSiteFolder(site)).rejects.toThrow(
      `another pull into ${site} is running (pid 4242 on another-host)`,
    );
    expect(await stat(path.join(site, PULL_LOCK_FILE))).toBeTruthy();
  });

  it('keeps a folder that existed before, or that the pull wrote into', async () => {
    const existing = path.join(dir, 'existing');
    await mkdir(existing);
    await (await lockSiteFolder(existing)).release();
    expect(await stat(existing)).toBeTruthy();
    const fresh = path.join(dir, 'fresh');
    const lock = await lockSiteFolder(fresh);
    await writeFile(path.join(fresh, 'hugo.toml'), '');
    await lock.release();
    expect(await filesUnder(fresh)).toEqual(['hugo.toml']);
  });
});
