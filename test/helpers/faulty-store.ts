// A Store wrapper that injects one fault: at the k-th operation (or the first one a predicate picks)
// it throws before doing it ("fail"), does it and then throws ("lose-reply": the write happened but
// its reply was lost), or stops the run there, before or after the operation ("crash-before",
// "crash-after": every later operation fails too, as if the process had died).
import type { PutOptions, Store, StoredObject } from '#pipeline/ports.js';

export type FaultMode = 'fail' | 'lose-reply' | 'crash-before' | 'crash-after';

export interface StoreOperation {
  kind: 'get' | 'put' | 'list' | 'delete';
  key: string;
}

export type FaultTrigger = { at: number } | { match: (operation: StoreOperation) => boolean };

export class InjectedFault extends Error {
  constructor(operation: StoreOperation, detail: string) {
    super(`injected fault (${detail}) at ${operation.kind} ${operation.key}`);
    this.name = 'InjectedFault';
  }
}

export class FaultyStore implements Store {
  /** Operations attempted so far (a list counts once, when it starts). */
  operations = 0;
  /** The operation the fault hit, once it has. */
  hit: StoreOperation | undefined;
  private crashed = false;

  constructor(
    readonly inner: Store,
    private readonly fault?: { trigger: FaultTrigger; mode: FaultMode },
  ) {}

  get(key: string): Promise<StoredObject | undefined> {
    return this.step({ kind: 'get', key }, () => this.inner.get(key));
  }

  put(key: string, body: string, options: PutOptions): Promise<{ etag: string }> {
    return this.step({ kind: 'put', key }, () => this.inner.put(key, body, options));
  }

  delete(key: string): Promise<void> {
    return this.step({ kind: 'delete', key }, () => this.inner.delete(key));
  }

  async *list(prefix: string): AsyncIterable<string> {
    const keys = await this.step({ kind: 'list', key: prefix }, async () => {
      const all: string[] = [];
      for await (const key of this.inner.list(prefix)) all.push(key);
      return all;
    });
    yield* keys;
  }

  private async step<T>(operation: StoreOperation, action: () => Promise<T>): Promise<T> {
    this.operations++;
    if (this.crashed) throw new InjectedFault(operation, 'after a crash');
    if (!this.fault || this.hit || !this.triggers(operation)) return action();
    this.hit = operation;
    switch (this.fault.mode) {
      case 'fail':
        throw new InjectedFault(operation, 'failed');
      case 'crash-before':
        this.crashed = true;
        throw new InjectedFault(operation, 'crash');
      case 'lose-reply':
        await action();
        throw new InjectedFault(operation, 'reply lost');
      case 'crash-after':
        await action();
        this.crashed = true;
        throw new InjectedFault(operation, 'crash');
    }
  }

  private triggers(operation: StoreOperation): boolean {
    const trigger = this.fault!.trigger;
    return 'at' in trigger ? this.operations === trigger.at : trigger.match(operation);
  }
}

/**
 * A store that fails like a flaky S3: each operation, with probability `rate` (from a seeded
 * generator), throws before doing it or does it and then loses the reply. Counts what it injected.
 */
export class FlakyStore implements Store {
  injected = 0;

  constructor(
    private readonly inner: Store,
    private readonly random: () => number,
    private readonly rate: number,
  ) {}

  get(key: string): Promise<StoredObject | undefined> {
    return this.step({ kind: 'get', key }, () => this.inner.get(key));
  }

  put(key: string, body: string, options: PutOptions): Promise<{ etag: string }> {
    return this.step({ kind: 'put', key }, () => this.inner.put(key, body, options));
  }

  delete(key: string): Promise<void> {
    return this.step({ kind: 'delete', key }, () => this.inner.delete(key));
  }

  async *list(prefix: string): AsyncIterable<string> {
    const keys = await this.step({ kind: 'list', key: prefix }, async () => {
      const all: string[] = [];
      for await (const key of this.inner.list(prefix)) all.push(key);
      return all;
    });
    yield* keys;
  }

  private async step<T>(operation: StoreOperation, action: () => Promise<T>): Promise<T> {
    if (this.random() >= this.rate) return action();
    this.injected++;
    if (this.random() < 0.5) throw new InjectedFault(operation, 'failed');
    await action();
    throw new InjectedFault(operation, 'reply lost');
  }
}
