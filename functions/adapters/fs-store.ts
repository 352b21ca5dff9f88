// The Store port on a local folder: the embedded default. Every write goes to a temporary file in
// the same directory and is renamed into place, so no reader ever sees a half-written file.
// "Create if absent" is a hard link of the finished temporary file (atomic, fails if the key
// exists); "replace if unchanged" holds a lock file while it compares and renames. Reads return
// regular files of the folder only: a symlink, a FIFO or a device planted in the folder reads as
// absent (a link may lead out of it; a FIFO would block the reader, and the threads behind it).
import { type Dirent, constants as fsConstants, rmSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import {
  type FileHandle,
  link,
  mkdir,
  open,
  readFile,
  readdir,
  realpath,
  rename,
  rm,
  rmdir,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { PreconditionFailed, errorMessage } from '../pipeline/errors.js';
import type { PutOptions, Store, StoredObject } from '../pipeline/ports.js';

const TEMP_MARK = '.tmp-';
const LOCK_SUFFIX = '.lock';
const STALE_LOCK_MS = 30_000;
/** How long a write waits for a lock before giving up (a live holder keeps one for milliseconds). */
const LOCK_WAIT_MS = 10_000;
/** A temporary file this old belongs to no write in progress (a write waits at most LOCK_WAIT_MS). */
const STALE_TEMP_MS = 60_000;
const HOST = hostname();
/** The markers of the folders this process writes to, removed when it exits. */
const runMarkers = new Set<string>();
/** The marker bases (see runMarkerBase) this process has pruned: once each is enough. */
const prunedBases = new Set<string>();

/** The data folder cannot be used; the message says why in one line. */
export class StoreNotWritable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreNotWritable';
  }
}

/** Another process held a file's lock for longer than a write may wait; the message says which, in one line. */
export class StoreBusy extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreBusy';
  }
}

/** The data folder to read from does not exist or is not a folder; the message says so in one line. */
export class StoreNotReadable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreNotReadable';
  }
}

/**
 * A file of a folder opened for reading (`serve`) that is not sent: one with a second name (a hard
 * link: the other name may be a private file, or the file a private one elsewhere), or one larger
 * than any file a run writes. The message names it and says why, in one line.
 */
export class UnservableFile extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnservableFile';
  }
}

/** Larger than any file a run writes (a feed stays under about 4 MB): `serve` does not hold such a file in memory. */
export const MAX_SERVED_BYTES = 64 * 1024 * 1024;

// O_NONBLOCK: opening a FIFO for reading would wait for a writer; O_NOFOLLOW: the last step of the
// resolved path must not have become a symlink meanwhile.
const READ_FLAGS = fsConstants.O_RDONLY | fsConstants.O_NONBLOCK | fsConstants.O_NOFOLLOW;

export class FsStore implements Store {
  private constructor(
    readonly root: string,
    /** The folder with every symlink on the way resolved: files must resolve to inside it. */
    private readonly realRoot: string,
    private readonly lockWaitMs = LOCK_WAIT_MS,
    /** Opened for `serve`: multiply-linked and oversized files are refused (UnservableFile). */
    private readonly servingOnly = false,
  ) {}

  /**
   * Opens (creating if needed) a data folder, checks that it can be written, and removes what a
   * killed run left in it. `lockWaitMs`: how long a write waits for another's lock (tests shorten it).
   */
  static async open(root: string, options: { lockWaitMs?: number } = {}): Promise<FsStore> {
    const absolute = path.resolve(root);
    try {
      await mkdir(absolute, { recursive: true });
      const probe = path.join(absolute, `${TEMP_MARK}probe-${process.pid}-${randomBytes(4).toString('hex')}`);
      const handle = await open(probe, 'wx');
      await handle.close();
      await unlink(probe);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why =
        code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'EROFS'
            ? 'read-only file system'
            : code === 'ENOTDIR' || code === 'EEXIST'
              ? 'not a directory'
              : errorMessage(error);
      throw new StoreNotWritable(`data folder ${absolute} is not writable: ${why}`);
    }
    const store = new FsStore(absolute, await realpath(absolute), options.lockWaitMs);
    await store.markRunning();
    return store;
  }

  /**
   * Each process writing to a folder keeps a marker (a file named after its pid, in a folder of the
   * system's temporary directory named after the data folder) until it exits. A marker whose process
   * is gone means a run was killed: then, and only then, the data folder is swept for what it left,
   * so an ordinary run pays one small directory read for this.
   */
  private async markRunning(): Promise<void> {
    const markers = runMarkerFolder(this.realRoot);
    if (!prunedBases.has(path.dirname(markers))) {
      prunedBases.add(path.dirname(markers));
      await pruneRunMarkers(markers);
    }
    const marker = path.join(markers, String(process.pid));
    // Another process's prune may remove our folder while it is empty, between mkdir and writeFile.
    for (let attempt = 1; ; attempt++) {
      try {
        await mkdir(markers, { recursive: true });
        const killed = (await readdir(markers)).filter((name) => /^\d+$/.test(name) && !processExists(Number(name)));
        if (killed.length > 0) {
          await this.removeLeftovers();
          for (const name of killed) await rm(path.join(markers, name), { force: true });
        }
        if (runMarkers.has(marker)) return;
        await writeFile(marker, this.realRoot);
        break;
      } catch (error) {
        if (!isMissing(error) || attempt >= 5) throw error;
      }
    }
    runMarkers.add(marker);
    if (runMarkers.size === 1) {
      process.once('exit', () => {
        for (const file of runMarkers) rmSync(file, { force: true });
      });
    }
  }

  /**
   * Removes what a killed run left: temporary files and locks of processes of this machine that no
   * longer exist, and any older than a write could take. Returns how many were removed.
   */
  async removeLeftovers(): Promise<number> {
    let removed = 0;
    const visit = async (dir: string): Promise<void> => {
      let entries: Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if (isMissing(error)) return;
        throw error;
      }
      for (const entry of entries) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) await visit(file);
        else if (
          entry.name.includes(TEMP_MARK)
            ? await isStaleTemp(file, entry.name)
            : entry.name.endsWith(LOCK_SUFFIX) && (await isStaleLock(file))
        ) {
          await rm(file, { force: true });
          removed++;
        }
      }
    };
    await visit(this.root);
    return removed;
  }

  /**
   * Opens an existing data folder to read from (`serve`): nothing is created or written, so a
   * read-only folder is fine, and a folder that does not exist is an error (a typo must not
   * quietly serve an empty folder).
   */
  static async openForReading(root: string): Promise<FsStore> {
    const absolute = path.resolve(root);
    let real: string;
    try {
      real = await realpath(absolute);
      if (!(await stat(real)).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why =
        code === 'ENOENT'
          ? 'no such folder'
          : code === 'ENOTDIR'
            ? 'not a directory'
            : code === 'EACCES' || code === 'EPERM'
              ? 'permission denied'
              : errorMessage(error);
      throw new StoreNotReadable(`data folder ${absolute} cannot be read: ${why}`);
    }
    return new FsStore(absolute, real, LOCK_WAIT_MS, true);
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const file = await this.readRegularFile(key, this.pathOf(key), path.join(this.realRoot, ...key.split('/')));
    return file === undefined ? undefined : withEtagOf(file.body, { body: file.body, lastModified: file.mtime });
  }

  /**
   * A regular file's text and modification time (one open file for both: writes rename a new file
   * into place, so the time matches the content), or undefined. No symlink below the folder is
   * followed (the folder itself may be one): a link could lead out of it, or give a private file a
   * public name.
   */
  private async readRegularFile(
    key: string,
    file: string,
    expected: string,
  ): Promise<{ body: string; mtime: Date } | undefined> {
    let handle: FileHandle | undefined;
    try {
      const real = await realpath(file);
      if (real !== expected) return undefined;
      handle = await open(real, READ_FLAGS);
      const stats = await handle.stat();
      if (!stats.isFile()) return undefined;
      if (this.servingOnly && stats.nlink > 1)
        throw new UnservableFile(
          `not serving ${key}: it has ${stats.nlink} names (hard links), and another may be private`,
        );
      if (this.servingOnly && stats.size > MAX_SERVED_BYTES)
        throw new UnservableFile(
          `not serving ${key}: ${stats.size} bytes, more than the ${MAX_SERVED_BYTES / 1024 / 1024} MiB any run writes`,
        );
      return { body: await handle.readFile('utf8'), mtime: stats.mtime };
    } catch (error) {
      // ELOOP: the file was swapped for a symlink between realpath and open.
      if (isMissing(error) || (error as NodeJS.ErrnoException).code === 'ELOOP') return undefined;
      throw error;
    } finally {
      await handle?.close();
    }
  }

  async put(key: string, body: string, options: PutOptions): Promise<{ etag: string }> {
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    const temp = await writeTemp(target, body);
    try {
      if (options.ifNoneMatch === '*') {
        try {
          await link(temp, target);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new PreconditionFailed(key);
          throw error;
        }
      } else if (options.ifMatch !== undefined) {
        await this.withLock(target, async () => {
          const current = await this.get(key);
          if (current?.etag !== options.ifMatch) throw new PreconditionFailed(key);
          await rename(temp, target);
        });
      } else {
        // Unconditional writes take the lock too, so they can never land between another writer's
        // compare and its rename (S3 checks a condition atomically with the write; so must we).
        await this.withLock(target, () => rename(temp, target));
      }
    } finally {
      await rm(temp, { force: true });
    }
    return withEtagOf(body, {});
  }

  async *list(prefix: string): AsyncIterable<string> {
    if (
      prefix.startsWith('/') ||
      prefix.includes('\\') ||
      prefix.includes('\0') ||
      prefix.split('/').some((s) => s === '..' || s === '.')
    ) {
      throw new Error(`invalid store prefix: ${JSON.stringify(prefix)}`);
    }
    // Walk only the folder the prefix points into, not the whole store.
    const slash = prefix.lastIndexOf('/');
    const folder = slash >= 0 ? prefix.slice(0, slash) : '';
    const keys: string[] = [];
    await walk(path.join(this.root, folder), folder, keys);
    for (const key of keys.filter((k) => k.startsWith(prefix)).sort()) yield key;
  }

  async delete(key: string): Promise<void> {
    const target = this.pathOf(key);
    try {
      await this.withLock(target, () => rm(target, { force: true }));
    } catch (error) {
      if (!isMissing(error)) throw error; // no folder, so no file to delete
    }
  }

  /** The file of a key; refuses keys that could leave the store (absolute, "..", backslashes). */
  private pathOf(key: string): string {
    const segments = key.split('/');
    if (
      key === '' ||
      key.startsWith('/') ||
      key.includes('\\') ||
      key.includes('\0') ||
      segments.some(
        (segment) =>
          segment === '' ||
          segment === '.' ||
          segment === '..' ||
          segment.includes(TEMP_MARK) ||
          segment.endsWith(LOCK_SUFFIX),
      )
    ) {
      throw new Error(`invalid store key: ${JSON.stringify(key)}`);
    }
    return path.join(this.root, ...segments);
  }

  /**
   * Runs `action` holding `<file>.lock`. The lock file names its holder (pid@host) and a random
   * token, so a lock is only ever released by its holder, and a stale one (its process gone, or
   * older than STALE_LOCK_MS) is broken by exactly one waiter.
   */
  private async withLock<T>(target: string, action: () => Promise<T>): Promise<T> {
    const lock = `${target}${LOCK_SUFFIX}`;
    const mark = `${process.pid}@${HOST} ${randomBytes(12).toString('hex')}`;
    const deadline = Date.now() + this.lockWaitMs;
    // The lock appears with its holder already in it (a hard link of a finished temporary file): a
    // run killed while taking it leaves at most a temporary file, never a lock naming nobody.
    const holder = `${lock}${TEMP_MARK}${process.pid}-${randomBytes(6).toString('hex')}`;
    await writeFile(holder, mark, { flag: 'wx' });
    try {
      for (;;) {
        try {
          await link(holder, lock);
          break;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
          if (await breakStaleLock(lock)) continue;
          if (Date.now() > deadline) {
            const other = (await readFile(lock, 'utf8').catch(() => '')).split(' ')[0] || 'another process';
            throw new StoreBusy(
              `data folder ${this.root} is busy: ${path.relative(this.root, target)} stayed locked by ${other} for ${this.lockWaitMs / 1000} s; is another run still going?`,
            );
          }
          await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
        }
      }
    } finally {
      await rm(holder, { force: true });
    }
    try {
      return await action();
    } finally {
      const holder = await readFile(lock, 'utf8').catch(() => undefined);
      if (holder === mark) await rm(lock, { force: true });
    }
  }
}

/**
 * Breaks a stale lock. The lock is renamed away first (only one waiter's rename can succeed); if
 * what was renamed turns out to be a fresh lock taken meanwhile, it is put back.
 */
async function breakStaleLock(lock: string): Promise<boolean> {
  const seen = await stat(lock).catch(() => undefined);
  if (!seen || !(await isStaleLock(lock, seen))) return false;
  const aside = `${lock}${TEMP_MARK}stale-${randomBytes(6).toString('hex')}`;
  try {
    await rename(lock, aside);
  } catch {
    return false; // another waiter broke it first
  }
  const moved = await stat(aside).catch(() => undefined);
  if (moved && moved.ino !== seen.ino) {
    await link(aside, lock).catch(() => undefined); // a live lock: restore it unless a newer one exists
  }
  await rm(aside, { force: true });
  return true;
}

/**
 * A lock whose holder is a process of this machine that no longer exists, or that is older than
 * STALE_LOCK_MS, or that names no holder at all: locks are created with their holder in them, so an
 * empty one was left by a release that wrote the holder after creating the file and was killed between.
 */
async function isStaleLock(lock: string, seen?: { mtimeMs: number; size: number }): Promise<boolean> {
  const stats = seen ?? (await stat(lock).catch(() => undefined));
  if (!stats) return false;
  if (Date.now() - stats.mtimeMs > STALE_LOCK_MS) return true;
  const content = await readFile(lock, 'utf8').catch(() => undefined);
  if (content === undefined) return false; // gone meanwhile
  if (content === '') return true;
  const holder = /^(\d+)@(\S+) /.exec(content);
  return holder !== null && holder[2] === HOST && !processExists(Number(holder[1]));
}

/** A temporary file of a process of this machine that no longer exists, or older than any write. */
async function isStaleTemp(file: string, name: string): Promise<boolean> {
  const pid = /\.tmp-(?:probe-)?(\d+)-[0-9a-f]+$/.exec(name)?.[1];
  if (pid !== undefined && !processExists(Number(pid))) return true;
  const stats = await stat(file).catch(() => undefined);
  return stats !== undefined && Date.now() - stats.mtimeMs > STALE_TEMP_MS;
}

/** Whether a process of this machine exists (one that is not ours to signal does). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, but not ours to signal
  }
}

/** Where the processes writing to a data folder (its real path) keep their markers. */
export function runMarkerFolder(realRoot: string): string {
  return path.join(
    tmpdir(),
    'ilo-syndication-runs',
    createHash('sha256').update(`${HOST}:${realRoot}`).digest('hex').slice(0, 24),
  );
}

/**
 * Prunes the other data folders' marker folders (once per process, when a store opens): a marker
 * of a process that is gone and whose data folder is gone too (a test's, a deleted folder's) is
 * removed, then a marker folder left empty (a clean exit removes only its own marker). A gone
 * process's marker of a folder that still exists stays: it is what makes that folder's next run
 * sweep for what the killed run left. Costs a directory read per data folder with a marker folder.
 */
export async function pruneRunMarkers(except?: string): Promise<{ markers: number; folders: number }> {
  const base = path.join(tmpdir(), 'ilo-syndication-runs');
  const removed = { markers: 0, folders: 0 };
  const folders = await readdir(base).catch(() => [] as string[]);
  for (const name of folders) {
    const folder = path.join(base, name);
    if (folder === except) continue;
    const entries = await readdir(folder).catch(() => undefined);
    if (!entries) continue;
    let left = entries.length;
    for (const entry of entries) {
      if (!/^\d+$/.test(entry) || processExists(Number(entry))) continue;
      const dataFolder = await readFile(path.join(folder, entry), 'utf8').catch(() => undefined);
      if (
        dataFolder === undefined ||
        (dataFolder !== '' && (await stat(dataFolder).catch(() => undefined)) !== undefined)
      )
        continue;
      await rm(path.join(folder, entry), { force: true });
      removed.markers++;
      left--;
    }
    // Fails harmlessly (ENOTEMPTY) if a run has just put its marker in.
    if (
      left === 0 &&
      (await rmdir(folder).then(
        () => true,
        () => false,
      ))
    )
      removed.folders++;
  }
  return removed;
}

/**
 * `fields` with the ETag of `body`, hashed the first time it is asked for: most reads (a feed
 * compared before it is written, a full copy rendered) and most writes never use it, and hashing
 * every byte read and written was a few percent of a run. The ETag stays the content's hash (not
 * size and time: two writes within one tick of the file system's clock would share one), so
 * compare-and-swap stays exact (docs/NOTES.md, "The folder store's ETags").
 */
function withEtagOf<T extends object>(body: string, fields: T): T & { readonly etag: string } {
  let etag: string | undefined;
  return Object.defineProperty(fields, 'etag', { enumerable: true, get: () => (etag ??= etagOf(body)) }) as T & {
    readonly etag: string;
  };
}

/** A strong ETag from the content, so equal content has an equal ETag in every run. */
export function etagOf(body: string): string {
  return `"${createHash('sha256').update(body, 'utf8').digest('hex').slice(0, 32)}"`;
}

async function writeTemp(target: string, body: string): Promise<string> {
  const temp = `${target}${TEMP_MARK}${process.pid}-${randomBytes(6).toString('hex')}`;
  const handle = await open(temp, 'wx');
  try {
    await handle.writeFile(body, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  return temp;
}

async function walk(dir: string, keyPrefix: string, out: string[]): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (isMissing(error)) return;
    throw error;
  }
  for (const entry of entries) {
    if (entry.name.includes(TEMP_MARK) || entry.name.endsWith(LOCK_SUFFIX)) continue;
    const key = keyPrefix === '' ? entry.name : `${keyPrefix}/${entry.name}`;
    if (entry.isDirectory()) await walk(path.join(dir, entry.name), key, out);
    else if (entry.isFile()) out.push(key);
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
