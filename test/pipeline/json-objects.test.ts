// JSON documents with compare-and-swap (functions/pipeline/state/json-objects.ts): what another
// writer did in between is kept, and the retry takes no timer or randomness of the core's own.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PreconditionFailed } from '#pipeline/errors.js';
import type { PutOptions, Store } from '#pipeline/ports.js';
import { readJson, stringifyJson, updateJson } from '#pipeline/state/json-objects.js';
import { MemoryStore } from '#test/helpers/memory-store.js';

const JSON_TYPE = { contentType: 'application/json' };

/** A store where another writer adds `rival` to the list just before each of our first `times` writes. */
function contendedStore(times: number): { store: Store; inner: MemoryStore } {
  const inner = new MemoryStore();
  let left = times;
  const store: Store = {
    get: (key) => inner.get(key),
    list: (prefix) => inner.list(prefix),
    delete: (key) => inner.delete(key),
    async put(key: string, body: string, options: PutOptions) {
      if (left-- > 0) {
        const current = (await readJson<string[]>(inner, key))?.value ?? [];
        await inner.put(key, stringifyJson([...current, `rival-${times - left}`]), JSON_TYPE);
      }
      return inner.put(key, body, options);
    },
  };
  return { store, inner };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('updateJson', () => {
  it('applies the update on top of what another writer committed meanwhile, retrying without a timer or Math.random', async () => {
    const random = vi.spyOn(Math, 'random');
    const timer = vi.spyOn(globalThis, 'setTimeout');
    const { store, inner } = contendedStore(3);
    const result = await updateJson<string[]>(store, 'state/list.json', (current) => [...(current ?? []), 'ours']);
    expect(result).toEqual(['rival-1', 'rival-2', 'rival-3', 'ours']);
    expect((await readJson<string[]>(inner, 'state/list.json'))?.value).toEqual([
      'rival-1',
      'rival-2',
      'rival-3',
      'ours',
    ]);
    expect(random).not.toHaveBeenCalled();
    expect(timer).not.toHaveBeenCalled();
  });

  it("gives up with PreconditionFailed after its attempts, leaving the other writers' value", async () => {
    const { store, inner } = contendedStore(10);
    await expect(
      updateJson<string[]>(store, 'state/list.json', (current) => [...(current ?? []), 'ours'], 4),
    ).rejects.toBeInstanceOf(PreconditionFailed);
    expect((await readJson<string[]>(inner, 'state/list.json'))?.value).toEqual([
      'rival-1',
      'rival-2',
      'rival-3',
      'rival-4',
    ]);
  });
});
