// Deterministic interleaving for in-process concurrency tests: a seeded pseudo-random number of
// event-loop turns before an operation, and a Store wrapper that waits them before and after each
// operation, so overlapping runs meet each other in many orders (no wall-clock sleeps).
import type { PutOptions, Store, StoredObject } from '#pipeline/ports.js';

/** mulberry32: a small seeded generator. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Waits 0 to `max` turns of the event loop, as `random` says. */
export function turns(random: () => number, max = 4): () => Promise<void> {
  return async () => {
    const n = Math.floor(random() * (max + 1));
    for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  };
}

export class InterleavingStore implements Store {
  constructor(
    private readonly inner: Store,
    private readonly pause: () => Promise<void>,
  ) {}

  async get(key: string): Promise<StoredObject | undefined> {
    await this.pause();
    const result = await this.inner.get(key);
    await this.pause();
    return result;
  }

  async put(key: string, body: string, options: PutOptions): Promise<{ etag: string }> {
    await this.pause();
    const result = await this.inner.put(key, body, options);
    await this.pause();
    return result;
  }

  async *list(prefix: string): AsyncIterable<string> {
    await this.pause();
    yield* this.inner.list(prefix);
  }

  async delete(key: string): Promise<void> {
    await this.pause();
    await this.inner.delete(key);
    await this.pause();
  }
}
