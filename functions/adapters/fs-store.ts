// The Store port on a local folder: the embedded default. Every write goes to a temporary file in
// the same directory and is renamed into place, so no reader ever sees a half-written file.
// "Create if absent" is a hard link of the finished temporary file (atomic, fails if the key
// exists); "replace if unchanged" holds a lock file while it compares and renames.
import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { PreconditionFailed } from '../pipeline/errors.js';
import type { PutOptions, Store, StoredObject } from '../pipeline/ports.js';

const TEMP_MARK = '.tmp-';
const LOCK_SUFFIX = '.lock';
const STALE_LOCK_MS = 30_000;

/** The data folder cannot be used; the message says why in one line. */
export class StoreNotWritable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreNotWritable';
  }
}

export class FsStore implements Store {
  private constructor(readonly root: string) {}

  /** Opens (creating if needed) a data folder, and checks that it can be written. */
  static async open(root: string): Promise<FsStore> {
    const absolute = path.resolve(root);
    try {
      await mkdir(absolute, { recursive: true });
      const probe = path.join(absolute, `${TEMP_MARK}probe-${process.pid}-${randomBytes(4).toString('hex')}`);
      const handle = await open(probe, 'wx');
      await handle.close();
      await unlink(probe);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EROFS' ? 'read-only file system' : code === 'ENOTDIR' || code === 'EEXIST' ? 'not a directory' : (error as Error).message;
      throw new StoreNotWritable(`data folder ${absolute} is not writable: ${why}`);
    }
    return new FsStore(absolute);
  }

  async get(key: string): Promise<StoredObject | undefined> {
    let body: string;
    try {
      body = await readFile(this.pathOf(key), 'utf8');
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    return { body, etag: etagOf(body) };
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
        await rename(temp, target);
      }
    } finally {
      await rm(temp, { force: true });
    }
    return { etag: etagOf(body) };
  }

  async *list(prefix: string): AsyncIterable<string> {
    // Walk only the folder the prefix points into, not the whole store.
    const slash = prefix.lastIndexOf('/');
    const folder = slash >= 0 ? prefix.slice(0, slash) : '';
    const keys: string[] = [];
    await walk(path.join(this.root, folder), folder, keys);
    for (const key of keys.filter((k) => k.startsWith(prefix)).sort()) yield key;
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  /** The file of a key; refuses keys that could leave the store (absolute, "..", backslashes). */
  private pathOf(key: string): string {
    const segments = key.split('/');
    if (
      key === '' ||
      key.startsWith('/') ||
      key.includes('\\') ||
      key.includes('\0') ||
      segments.some((segment) => segment === '' || segment === '.' || segment === '..' || segment.includes(TEMP_MARK) || segment.endsWith(LOCK_SUFFIX))
    ) {
      throw new Error(`invalid store key: ${JSON.stringify(key)}`);
    }
    return path.join(this.root, ...segments);
  }

  private async withLock(target: string, action: () => Promise<void>): Promise<void> {
    const lock = `${target}${LOCK_SUFFIX}`;
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        const handle = await open(lock, 'wx');
        await handle.close();
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        // A lock left by a crashed run would block everyone forever: break it when it is stale.
        const age = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
        if (age > STALE_LOCK_MS) await rm(lock, { force: true });
        else if (Date.now() > deadline) throw new Error(`timed out waiting for the lock on ${target}`);
        else await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
      }
    }
    try {
      await action();
    } finally {
      await rm(lock, { force: true });
    }
  }
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
  let entries;
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

