// The folder-backed Store on real temporary folders: round trips, ETags, conditional writes under
// contention, listing, key validation, atomic replacement, unusable folders and stale locks.
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, readFile, readdir, realpath, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FsStore, StoreBusy, StoreNotWritable, etagOf, pruneRunMarkers, runMarkerFolder } from '#adapters/fs-store.js';
import { tempDir } from '#test/helpers/temp-dir.js';
import { assertIsError } from '#pipeline/errors.js';

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
    await writeFile(lock, `${process.pid}@${hostname()} another-writer`);

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

/** The pid of a process that has exited (a run killed with kill -9 leaves such a pid behind). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid!;
}

describe('FsStore: what a killed run leaves', () => {
  it('breaks at once the lock of a process of this machine that is gone', async () => {
    const { etag } = await store.put('killed.json', 'old', TEXT);
    const lock = path.join(store.root, 'killed.json.lock');
    await writeFile(lock, `${deadPid()}@${hostname()} 0123456789abcdef`);
    const result = await store.put('killed.json', 'new', { ...TEXT, ifMatch: etag });
    expect(await store.get('killed.json')).toMatchObject({ body: 'new', etag: result.etag });
    await expect(stat(lock)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('breaks at once an empty lock, which only a run killed while taking it (in an earlier release) leaves', async () => {
    const impatient = await FsStore.open(store.root, { lockWaitMs: 50 });
    const { etag } = await impatient.put('half-taken.json', 'old', TEXT);
    const lock = path.join(store.root, 'half-taken.json.lock');
    await writeFile(lock, '');
    await impatient.put('half-taken.json', 'new', { ...TEXT, ifMatch: etag });
    expect((await impatient.get('half-taken.json'))?.body).toBe('new');
    await expect(stat(lock)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('says in one line which file a live process kept locked, once the wait is over', async () => {
    const impatient = await FsStore.open(store.root, { lockWaitMs: 50 });
    await impatient.put('held.json', 'old', TEXT);
    await writeFile(path.join(store.root, 'held.json.lock'), `${process.pid}@${hostname()} another-writer`);
    const error = await rejectionOf(impatient.put('held.json', 'new', TEXT));
    expect(error).toBeInstanceOf(StoreBusy);
    assertIsError(error);
    expect(error.message).toBe(
      `data folder ${store.root} is busy: held.json stayed locked by ${process.pid}@${hostname()} for 0.05 s; is another run still going?`,
    );
  });

  it('after a killed run, removes on open the temporary files and locks of gone processes and old ones, keeping those of live writes', async () => {
    const dead = deadPid();
    // The killed run's marker: what makes the next run look.
    const markers = runMarkerFolder(await realpath(store.root));
    await writeFile(path.join(markers, String(dead)), store.root);
    const longAgo = new Date(Date.now() - 5 * 60_000);
    const files = {
      deadTemp: path.join(store.root, 'articles', 'a', `meta.json.tmp-${dead}-a1b2c3d4e5f6`),
      deadLock: path.join(store.root, 'feeds', 'en', 'rss.xml.lock'),
      oldTemp: path.join(store.root, `old.json.tmp-${process.pid}-a1b2c3d4e5f6`),
      oldLock: path.join(store.root, 'old.json.lock'),
      liveTemp: path.join(store.root, `live.json.tmp-${process.pid}-a1b2c3d4e5f6`),
      liveLock: path.join(store.root, 'live.json.lock'),
    };
    for (const file of Object.values(files)) await mkdir(path.dirname(file), { recursive: true });
    await writeFile(files.deadTemp, 'half a record');
    await writeFile(files.deadLock, `${dead}@${hostname()} token`);
    await writeFile(files.oldTemp, 'x');
    await writeFile(files.oldLock, '');
    await utimes(files.oldTemp, longAgo, longAgo);
    await utimes(files.oldLock, longAgo, longAgo);
    await writeFile(files.liveTemp, 'x');
    await writeFile(files.liveLock, `${process.pid}@${hostname()} token`);

    const reopened = await FsStore.open(store.root);
    const left = await allFiles(reopened.root);
    for (const gone of [files.deadTemp, files.deadLock, files.oldTemp, files.oldLock])
      expect(left).not.toContain(path.relative(store.root, gone));
    await expect(stat(path.join(markers, String(dead)))).rejects.toMatchObject({ code: 'ENOENT' });
    for (const kept of [files.liveTemp, files.liveLock]) expect(left).toContain(path.relative(store.root, kept));
    expect(await reopened.removeLeftovers()).toBe(0);
  });
});

describe('FsStore: the run markers in the system temporary directory', () => {
  let savedTmpdir: string | undefined;
  beforeEach(() => {
    savedTmpdir = process.env.TMPDIR;
    process.env.TMPDIR = dir; // os.tmpdir() reads it on each call
  });
  afterEach(() => {
    if (savedTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmpdir;
  });

  it('are pruned when a store opens: gone processes of gone folders, and empty folders; what a killed run of a folder still there left stays', async () => {
    const base = path.join(dir, 'ilo-syndication-runs');
    const dead = deadPid();
    const existing = path.join(dir, 'still-here');
    await mkdir(existing);
    const markerFolders = {
      goneFolder: [String(dead), path.join(dir, 'deleted-data')],
      emptyMarker: [String(dead), ''],
      empty: undefined,
      killedRunOfExisting: [String(dead), existing],
      liveProcessOfGoneFolder: [String(process.pid), path.join(dir, 'deleted-too')],
      notAMarker: ['notes.txt', 'kept'],
    } as const;
    for (const [name, marker] of Object.entries(markerFolders)) {
      await mkdir(path.join(base, name), { recursive: true });
      if (marker) await writeFile(path.join(base, name, marker[0]), marker[1]);
    }

    const opened = await FsStore.open(path.join(dir, 'another-store'));

    const own = path.basename(runMarkerFolder(await realpath(opened.root)));
    expect((await readdir(base)).sort()).toEqual(
      ['killedRunOfExisting', 'liveProcessOfGoneFolder', 'notAMarker', own].sort(),
    );
    expect(await readdir(path.join(base, 'killedRunOfExisting'))).toEqual([String(dead)]);
    expect(await readdir(path.join(base, own))).toEqual([String(process.pid)]);
    // Nothing left to prune: a second pass removes nothing.
    expect(await pruneRunMarkers(runMarkerFolder(await realpath(opened.root)))).toEqual({ markers: 0, folders: 0 });
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
  const invalid = [
    '../x',
    '/abs',
    'a//b',
    'a\\b',
    'a/b.tmp-1',
    'x.tmp-abc/y',
    'doc.lock',
    'a/b.lock',
    '',
    '.',
    'a/./b',
    'a/../b',
    'trailing/',
  ];

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
    await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => store.put('b/race', String(i), { ...TEXT, ifNoneMatch: '*' })),
    );

    expect((await allFiles(store.root)).sort()).toEqual([
      path.join('a', 'one.json'),
      path.join('a', 'two.json'),
      path.join('b', 'race'),
    ]);
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
    assertIsError(error);
    expect(error.message).toContain(folder);
    expect(error.message).toMatch(/not a directory/);
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
        assertIsError(error);
        expect(error.message).toContain(folder);
        expect(error.message).toMatch(/permission denied/);
      } else {
        const file = path.join(dir, 'a-file-not-a-folder');
        await writeFile(file, 'x');
        const error = await rejectionOf(FsStore.open(file));
        expect(error).toBeInstanceOf(StoreNotWritable);
        assertIsError(error);
        expect(error.message).toContain(file);
        expect(error.message).toMatch(/not a directory/);
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
