// The folder store's ETags are its content's hash, computed only when a caller asks for one: a read
// whose ETag nobody uses (a feed compared before it is written, a full copy rendered) and a write
// whose ETag nobody uses hash nothing. node:crypto's createHash is wrapped to count the SHA-256s made.
import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FsStore, etagOf } from '#adapters/fs-store.js';
import { readJson, updateJson } from '#pipeline/state/json-objects.js';
import { tempDir } from '#test/helpers/temp-dir.js';

const hashed = vi.hoisted(() => ({ count: 0 }));
vi.mock('node:crypto', async (original) => {
  const crypto = await original<typeof import('node:crypto')>();
  const createHash: typeof crypto.createHash = (algorithm, options) => {
    if (algorithm === 'sha256') hashed.count++;
    return crypto.createHash(algorithm, options);
  };
  return { ...crypto, default: { ...crypto, createHash }, createHash };
});

const TEXT = { contentType: 'text/plain; charset=utf-8' };
let dir: string;
let cleanup: () => Promise<void>;
let store: FsStore;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('fs-store-etags-'));
  store = await FsStore.open(path.join(dir, 'store'));
  hashed.count = 0;
});

afterEach(async () => {
  await cleanup();
});

describe('FsStore ETags', () => {
  it('hashes nothing for reads and writes whose ETag is not used', async () => {
    const feed = 'x'.repeat(500_000);
    await store.put('feeds/en/rss.xml', feed, TEXT);
    expect((await store.get('feeds/en/rss.xml'))!.body).toBe(feed);
    await store.put('state/articles/a.json', '{"id":"a"}', TEXT);
    expect((await readJson<{ id: string }>(store, 'state/articles/a.json'))!.value).toEqual({ id: 'a' });
    expect(hashed.count).toBe(0);
  });

  it('gives the hash of the content as read, also when the file changed since', async () => {
    const written = await store.put('state/x.json', '{"v":1}', TEXT);
    const read = (await store.get('state/x.json'))!;
    await writeFile(path.join(dir, 'store/state/x.json'), '{"v":2}');
    expect([written.etag, read.etag]).toEqual([etagOf('{"v":1}'), etagOf('{"v":1}')]);
    expect((await store.get('state/x.json'))!.etag).toBe(etagOf('{"v":2}'));
  });

  it('still compares and swaps on the content: a stale ETag fails, the current one succeeds', async () => {
    await store.put('state/x.json', '{"n":0}', TEXT);
    const stale = (await readJson<{ n: number }>(store, 'state/x.json'))!;
    await updateJson<{ n: number }>(store, 'state/x.json', (current) => ({ n: current!.n + 1 }));
    await expect(store.put('state/x.json', '{"n":9}', { ...TEXT, ifMatch: stale.etag })).rejects.toThrow(
      /precondition/i,
    );
    const current = (await readJson<{ n: number }>(store, 'state/x.json'))!;
    expect(current.value).toEqual({ n: 1 });
    await store.put('state/x.json', '{"n":2}', { ...TEXT, ifMatch: current.etag });
    expect((await store.get('state/x.json'))!.body).toBe('{"n":2}');
  });
});
