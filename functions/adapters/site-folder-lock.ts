// One `pull` at a time per site folder. Two at once would each compute what to write from the state
// they read, and the one that saves its state last could describe files the other removed or miss
// files the other wrote (a Chinese page left behind that no later pull knows to remove). The lock is
// `<folder>/.syndicate-pull.lock`, created with its holder (`pid@host`) already in it; a lock whose
// process is gone (a pull killed with kill -9) is taken over, and the temporary files that pull
// left are removed. A lock held by a live pull, or by another machine, stops this one in one line.
import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, readdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { processExists } from './fs-store.js';

export const PULL_LOCK_FILE = '.syndicate-pull.lock';
const HOST = hostname();
/** The folders pull writes into (Hugo bundles, Jekyll posts), where a killed pull leaves temporary files. */
const OUTPUT_FOLDERS = ['', 'content/news', '_posts', 'zh/_posts'];
/** LocalSiteFolder's temporary files: `.<name>.tmp-<pid>-<hex>`. */
const TEMP_FILE = /^\..+\.tmp-(\d+)-[0-9a-f]+$/;

/** Another pull holds the folder; the message says which, and what to do, in one line. */
export class PullBusy extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PullBusy';
  }
}

export interface SiteFolderLock {
  /** Releases the lock; a folder this lock created and nothing was written to is removed again. */
  release(): Promise<void>;
}

export async function lockSiteFolder(root: string): Promise<SiteFolderLock> {
  const folder = path.resolve(root);
  const created = (await stat(folder).catch(() => undefined)) === undefined;
  await mkdir(folder, { recursive: true });
  const lock = path.join(folder, PULL_LOCK_FILE);
  const mark = `${process.pid}@${HOST} ${randomBytes(8).toString('hex')}`;
  const temp = `${lock}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  await writeFile(temp, mark, { flag: 'wx' });
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await link(temp, lock);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw error;
      }
      const holder = await readFile(lock, 'utf8').catch(() => '');
      const [pid, host] = /^(\d+)@(\S+) /.exec(holder)?.slice(1) ?? [];
      if (pid !== undefined && host === HOST && !processExists(Number(pid))) {
        await takeOver(lock, holder);
        await removeTemporaryFiles(folder, Number(pid));
        continue;
      }
      const who = pid !== undefined ? `pid ${pid} on ${host}` : 'another process';
      throw new PullBusy(
        `another pull into ${folder} is running (${who}); wait for it to finish, or remove ${lock} if it is not running`,
      );
    }
  } finally {
    await rm(temp, { force: true });
  }
  return {
    async release() {
      if ((await readFile(lock, 'utf8').catch(() => undefined)) === mark) await rm(lock, { force: true });
      if (created) await rmdir(folder).catch(() => undefined); // only if still empty
    },
  };
}

/** Moves a dead pull's lock aside, unless another pull replaced it meanwhile. */
async function takeOver(lock: string, seen: string): Promise<void> {
  const aside = `${lock}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  try {
    await rename(lock, aside);
  } catch {
    return; // another pull took it over first
  }
  const moved = await readFile(aside, 'utf8').catch(() => seen);
  if (moved !== seen) await link(aside, lock).catch(() => undefined); // a live lock: put it back
  await rm(aside, { force: true });
}

/** The temporary files of a pull that was killed (process `pid`), in the folders pull writes into. */
async function removeTemporaryFiles(folder: string, pid: number): Promise<void> {
  for (const output of OUTPUT_FOLDERS) {
    const base = path.join(folder, output);
    const entries = await readdir(base, { recursive: output !== '', withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (entry.isFile() && Number(TEMP_FILE.exec(entry.name)?.[1]) === pid)
        await rm(path.join(entry.parentPath, entry.name), { force: true });
    }
  }
}
