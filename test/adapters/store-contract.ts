// The Store port's contract, as the pipeline relies on it: round trips, ETags, conditional writes
// (also under contention), listing and key validation. store-contract.test.ts runs it against every
// Store adapter; adapter-specific behaviour stays in each adapter's own test file.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PreconditionFailed } from '#pipeline/errors.js';
import type { Store } from '#pipeline/ports.js';

const TEXT = { contentType: 'text/plain; charset=utf-8' };

export interface StoreUnderTest {
  store: Store;
  cleanup: () => Promise<void>;
}

export async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

/** Registers the contract tests; `open` gives a fresh, empty store for each test. */
export function describeStoreContract(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`${name}: the Store contract`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await open());
    });
    afterEach(async () => {
      await cleanup();
    });

    it('round-trips CJK text under a CJK key, with the ETag put returned', async () => {
      const body = '# 国际劳工组织与微软合作\n\n中文正文：“引号”、emoji 😀 and English.\n';
      const { etag } = await store.put('zh/国际劳工组织.md', body, TEXT);

      expect(etag).toMatch(/^".+"$/);
      expect(await store.get('zh/国际劳工组织.md')).toMatchObject({ body, etag });
    });

    it('tells when an object was last written, to the second', async () => {
      const before = Math.floor(Date.now() / 1000) * 1000;
      await store.put('when.txt', 'now', TEXT);
      const { lastModified } = (await store.get('when.txt'))!;
      expect(lastModified).toBeInstanceOf(Date);
      expect(lastModified!.getTime()).toBeGreaterThanOrEqual(before - 2000);
      expect(lastModified!.getTime()).toBeLessThanOrEqual(Date.now() + 2000);
    });

    it('returns undefined for a missing key', async () => {
      expect(await store.get('nothing/here.json')).toBeUndefined();
    });

    it('changes the ETag when the content changes', async () => {
      const first = await store.put('a.json', '{"n":1}', TEXT);
      const second = await store.put('a.json', '{"n":2}', TEXT);
      expect(second.etag).not.toBe(first.etag);
      expect((await store.get('a.json'))?.etag).toBe(second.etag);
    });

    it('deletes a key, and deleting a missing key is fine', async () => {
      await store.put('gone.txt', 'bye', TEXT);
      await store.delete('gone.txt');
      expect(await store.get('gone.txt')).toBeUndefined();
      await expect(store.delete('gone.txt')).resolves.toBeUndefined();
    });

    it('ifNoneMatch "*" creates once; the second attempt fails and leaves the first content', async () => {
      const created = await store.put('claims/story-1', 'first', { ...TEXT, ifNoneMatch: '*' });
      const error = await rejectionOf(store.put('claims/story-1', 'second', { ...TEXT, ifNoneMatch: '*' }));

      expect(error).toBeInstanceOf(PreconditionFailed);
      expect((error as PreconditionFailed).key).toBe('claims/story-1');
      expect(await store.get('claims/story-1')).toMatchObject({ body: 'first', etag: created.etag });
    });

    it('ifMatch with the current ETag replaces; with a stale ETag it fails and leaves the content', async () => {
      const v1 = await store.put('state.json', '{"v":1}', TEXT);
      const v2 = await store.put('state.json', '{"v":2}', { ...TEXT, ifMatch: v1.etag });
      expect(await store.get('state.json')).toMatchObject({ body: '{"v":2}', etag: v2.etag });

      const error = await rejectionOf(store.put('state.json', '{"v":3}', { ...TEXT, ifMatch: v1.etag }));
      expect(error).toBeInstanceOf(PreconditionFailed);
      expect(await store.get('state.json')).toMatchObject({ body: '{"v":2}', etag: v2.etag });
    });

    it('ifMatch on a key that does not exist fails', async () => {
      const { etag } = await store.put('elsewhere.json', '{}', TEXT);
      const error = await rejectionOf(store.put('absent.json', '{}', { ...TEXT, ifMatch: etag }));
      expect(error).toBeInstanceOf(PreconditionFailed);
      expect(await store.get('absent.json')).toBeUndefined();
    });

    it('lets exactly one of 20 concurrent ifNoneMatch claims win', async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          store.put('claims/contended', `claimant-${i}`, { ...TEXT, ifNoneMatch: '*' }),
        ),
      );

      const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
      expect(winners).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(PreconditionFailed);
      expect((await store.get('claims/contended'))?.body).toBe(`claimant-${winners[0]}`);
    });

    it('loses no update when 20 writers increment one counter with ifMatch and retry', async () => {
      await store.put('counter', '0', TEXT);
      let conflicts = 0;
      const increment = async (): Promise<void> => {
        for (;;) {
          const current = await store.get('counter');
          try {
            await store.put('counter', String(Number(current!.body) + 1), { ...TEXT, ifMatch: current!.etag });
            return;
          } catch (error) {
            if (!(error instanceof PreconditionFailed)) throw error;
            conflicts++;
          }
        }
      };

      await Promise.all(Array.from({ length: 20 }, increment));

      expect((await store.get('counter'))?.body).toBe('20');
      expect(conflicts).toBeGreaterThan(0);
    });

    describe('list', () => {
      beforeEach(async () => {
        for (const key of ['news/index', 'news/2024/b', 'news/2024/a', 'news/中文', 'newsletter/x', 'other/y', 'top']) {
          await store.put(key, key, TEXT);
        }
      });

      it('returns the keys under the prefix, sorted', async () => {
        expect(await collect(store.list('news/'))).toEqual(['news/2024/a', 'news/2024/b', 'news/index', 'news/中文']);
        expect(await collect(store.list('news/2024/'))).toEqual(['news/2024/a', 'news/2024/b']);
        expect(await collect(store.list('news/2024/a'))).toEqual(['news/2024/a']);
      });

      it('treats the prefix as a string prefix, as S3 does', async () => {
        expect(await collect(store.list('news'))).toEqual([
          'news/2024/a',
          'news/2024/b',
          'news/index',
          'news/中文',
          'newsletter/x',
        ]);
        expect(await collect(store.list(''))).toEqual([
          'news/2024/a',
          'news/2024/b',
          'news/index',
          'news/中文',
          'newsletter/x',
          'other/y',
          'top',
        ]);
      });

      it('returns nothing for a prefix nothing is under', async () => {
        expect(await collect(store.list('missing/'))).toEqual([]);
        expect(await collect(store.list('missing/deeper/still/'))).toEqual([]);
        expect(await collect(store.list('top/'))).toEqual([]);
      });
    });

    const invalid = ['../x', '/abs', 'a//b', 'a\\b', '', '.', 'a/./b', 'a/../b', 'trailing/'];
    it.each(invalid)('refuses the key %j for get, put and delete, and writes nothing', async (key) => {
      await expect(store.get(key)).rejects.toThrow(/invalid store key/);
      await expect(store.put(key, 'x', TEXT)).rejects.toThrow(/invalid store key/);
      await expect(store.put(key, 'x', { ...TEXT, ifNoneMatch: '*' })).rejects.toThrow(/invalid store key/);
      await expect(store.delete(key)).rejects.toThrow(/invalid store key/);
      expect(await collect(store.list(''))).toEqual([]);
    });
  });
}
