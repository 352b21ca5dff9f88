// The folder-backed Store on real temporary folders: round trips, ETags, conditional writes under
// contention, listing, key validation, atomic replacement, unusable folders and stale locks.
import { chmod, mkdir, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FsStore, StoreNotWritable, etagOf } from '../../functions/adapters/fs-store.js';
import { tempDir } from '../helpers/temp-dir.js';

const TEXT = { contentType: 'text/plain; charset=utf-8' };

let dir: string;
let cleanup: () => Promise<void>;
let store: FsStore;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('fs-store-test-'));
  store = await FsStore.open(path.join(dir, 'store'));
});

afterEach(async () => {
  await cleanup();
});

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** Every file name under a folder, recursively (relative paths). */
async function allFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(folder, path.join(e.parentPath, e.name)));
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

describe('FsStore: get and put', () => {
  it('round-trips CJK text, under a CJK key, byte for byte', async () => {
    const body = '# 国际劳工组织与微软合作\n\n中文正文：“引号”、emoji 😀 and English.\n';
    const { etag } = await store.put('zh/国际劳工组织.md', body, TEXT);

    const got = await store.get('zh/国际劳工组织.md');
    expect(got).toMatchObject({ body, etag });
    expect(await readFile(path.join(store.root, 'zh', '国际劳工组织.md'), 'utf8')).toBe(body);
  });

  it('returns undefined for a missing key (also when a "folder" on the way is a file)', async () => {
    expect(await store.get('nothing/here.json')).toBeUndefined();
    await store.put('plain', 'x', TEXT);
    expect(await store.get('plain/child')).toBeUndefined();
  });

  it('gives equal content an equal, stable ETag and different content a different one', async () => {
    const first = await store.put('a.json', '{"n":1}', TEXT);
    const again = await store.put('b.json', '{"n":1}', TEXT);
    const other = await store.put('c.json', '{"n":2}', TEXT);

    expect(first.etag).toMatch(/^"[0-9a-f]{16,}"$/);
    expect(again.etag).toBe(first.etag);
    expect(other.etag).not.toBe(first.etag);
    expect((await store.get('a.json'))?.etag).toBe(first.etag);
    // Stable across runs: another store on the same folder computes the same ETag.
    const reopened = await FsStore.open(store.root);
    expect((await reopened.get('a.json'))?.etag).toBe(first.etag);
    expect(etagOf('{"n":1}')).toBe(first.etag);
  });

  it('deletes a key, and deleting a missing key is fine', async () => {
    await store.put('gone.txt', 'bye', TEXT);
    await store.delete('gone.txt');
    expect(await store.get('gone.txt')).toBeUndefined();
    await expect(store.delete('gone.txt')).resolves.toBeUndefined();
  });
});

// The Store contract (conditional writes, concurrent claims, lost updates, listing) runs against this
// store and S3 in store-contract.test.ts; here are the folder-specific behaviours.
describe('FsStore: locks', () => {
  it('honours a fresh lock: an ifMatch put waits until the lock is released', async () => {
    const { etag } = await store.put('locked.json', 'old', TEXT);
    const lock = path.join(store.root, 'locked.json.lock');
    await writeFile(lock, '');

    let settled = false;
    const put = store.put('locked.json', 'new', { ...TEXT, ifMatch: etag }).finally(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(settled).toBe(false);
    expect((await store.get('locked.json'))?.body).toBe('old');

    await rm(lock);
    await put;
    expect((await store.get('locked.json'))?.body).toBe('new');
  });

  it('breaks a stale lock (older than 30 s) so an ifMatch put still succeeds', async () => {
    const { etag } = await store.put('stale.json', 'old', TEXT);
    const lock = path.join(store.root, 'stale.json.lock');
    await writeFile(lock, '');
    const longAgo = new Date(Date.now() - 60_000);
    await utimes(lock, longAgo, longAgo);

    const result = await store.put('stale.json', 'new', { ...TEXT, ifMatch: etag });

    expect(await store.get('stale.json')).toMatchObject({ body: 'new', etag: result.etag });
    await expect(stat(lock)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('FsStore: list', () => {
  beforeEach(async () => {
    for (const key of ['news/index', 'news/2024/b', 'news/2024/a', 'news/中文', 'newsletter/x', 'other/y', 'top']) {
      await store.put(key, key, TEXT);
    }
    // Leftovers of writes and locks are not keys.
    await writeFile(path.join(store.root, 'news', `index.tmp-123-abcdef`), 'partial');
    await writeFile(path.join(store.root, 'news', 'index.lock'), '');
    await writeFile(path.join(store.root, 'news', '2024', 'a.lock'), '');
  });

  it('returns the keys under the prefix, sorted, skipping temporary and lock files', async () => {
    expect(await collect(store.list('news/'))).toEqual(['news/2024/a', 'news/2024/b', 'news/index', 'news/中文']);
    expect(await collect(store.list('news/2024/'))).toEqual(['news/2024/a', 'news/2024/b']);
    expect(await collect(store.list('news/2024/a'))).toEqual(['news/2024/a']);
  });

  it('returns nothing when the folder does not exist', async () => {
    expect(await collect(store.list('missing/'))).toEqual([]);
    expect(await collect(store.list('missing/deeper/still/'))).toEqual([]);
    expect(await collect(store.list('top/'))).toEqual([]);
  });

  it('refuses a prefix that would leave the store', async () => {
    for (const prefix of ['../', '../../etc/', '/etc/', 'a/../../']) {
      await expect(collect(store.list(prefix)), prefix).rejects.toThrow(/invalid store prefix/);
    }
  });
});

describe('FsStore: keys and files', () => {
  const invalid = ['../x', '/abs', 'a//b', 'a\\b', 'a/b.tmp-1', 'x.tmp-abc/y', 'doc.lock', 'a/b.lock', '', '.', 'a/./b', 'a/../b', 'trailing/'];

  it.each(invalid)('refuses the key %j for get, put and delete', async (key) => {
    await expect(store.get(key)).rejects.toThrow(/invalid store key/);
    await expect(store.put(key, 'x', TEXT)).rejects.toThrow(/invalid store key/);
    await expect(store.put(key, 'x', { ...TEXT, ifNoneMatch: '*' })).rejects.toThrow(/invalid store key/);
    await expect(store.delete(key)).rejects.toThrow(/invalid store key/);
    // Nothing was written anywhere, inside or next to the store.
    expect(await allFiles(dir)).toEqual([]);
  });

  it('leaves no temporary or lock file behind, after successful and failed puts', async () => {
    const { etag } = await store.put('a/one.json', '1', TEXT);
    await store.put('a/one.json', '2', { ...TEXT, ifMatch: etag });
    await rejectionOf(store.put('a/one.json', '3', { ...TEXT, ifMatch: etag }));
    await store.put('a/two.json', '1', { ...TEXT, ifNoneMatch: '*' });
    await rejectionOf(store.put('a/two.json', '2', { ...TEXT, ifNoneMatch: '*' }));
    await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store.put('b/race', String(i), { ...TEXT, ifNoneMatch: '*' })));

    expect((await allFiles(store.root)).sort()).toEqual([path.join('a', 'one.json'), path.join('a', 'two.json'), path.join('b', 'race')]);
  });

  it('never lets a reader see a partly written body while a writer rewrites the key', async () => {
    const pad = '国际劳工组织-ILO-'.repeat(20_000); // ~300 KB of UTF-8 per version
    const version = (i: number) => JSON.stringify({ version: i, pad });
    await store.put('big.json', version(0), TEXT);

    let writing = true;
    const seen = new Set<number>();
    let reads = 0;
    const reader = (async () => {
      while (writing) {
        const got = await store.get('big.json');
        reads++;
        const parsed = JSON.parse(got!.body) as { version: number; pad: string };
        expect(parsed.pad).toBe(pad);
        expect(got!.etag).toBe(etagOf(version(parsed.version)));
        seen.add(parsed.version);
      }
    })();
    try {
      for (let i = 1; i <= 50; i++) await store.put('big.json', version(i), TEXT);
    } finally {
      writing = false;
    }
    await reader;

    expect(reads).toBeGreaterThan(0);
    expect([...seen].every((v) => Number.isInteger(v) && v >= 0 && v <= 50)).toBe(true);
    expect(JSON.parse((await store.get('big.json'))!.body).version).toBe(50);
  });
});

describe('FsStore.open on an unusable folder', () => {
  it('refuses a path under a regular file, naming the folder', async () => {
    await writeFile(path.join(dir, 'plain-file'), 'not a folder');
    const folder = path.join(dir, 'plain-file', 'data');

    const error = await rejectionOf(FsStore.open(folder));

    expect(error).toBeInstanceOf(StoreNotWritable);
    expect((error as Error).message).toContain(folder);
    expect((error as Error).message).toMatch(/not a directory/);
  });

  it('refuses a read-only folder, naming it (or, where root can write anyway, a folder that is a file)', async () => {
    const folder = path.join(dir, 'read-only');
    await mkdir(folder);
    await chmod(folder, 0o500);
    try {
      // Root ignores the mode bits: find out by trying.
      const writable = await writeFile(path.join(folder, 'probe'), '').then(
        () => true,
        () => false,
      );
      if (!writable) {
        const error = await rejectionOf(FsStore.open(folder));
        expect(error).toBeInstanceOf(StoreNotWritable);
        expect((error as Error).message).toContain(folder);
        expect((error as Error).message).toMatch(/permission denied/);
      } else {
        const file = path.join(dir, 'a-file-not-a-folder');
        await writeFile(file, 'x');
        const error = await rejectionOf(FsStore.open(file));
        expect(error).toBeInstanceOf(StoreNotWritable);
        expect((error as Error).message).toContain(file);
        expect((error as Error).message).toMatch(/not a directory/);
      }
    } finally {
      await chmod(folder, 0o700);
    }
  });

  it('opens (creating) a fresh nested folder and leaves no probe file in it', async () => {
    const folder = path.join(dir, 'new', 'nested', 'data');
    const opened = await FsStore.open(folder);
    expect(opened.root).toBe(folder);
    expect(await readdir(folder)).toEqual([]);
  });
});
