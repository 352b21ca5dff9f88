// An in-memory Store for core tests and the publishing benchmark: keys kept sorted, so listing a prefix costs what
// S3's does (the matching keys), and every operation is counted.
import { PreconditionFailed } from '#pipeline/errors.js';
import type { PutOptions, Store, StoredObject } from '#pipeline/ports.js';

export interface StoreCounts {
  get: number;
  put: number;
  list: number;
  listed: number;
  delete: number;
  bytesRead: number;
  bytesWritten: number;
}

export class MemoryStore implements Store {
  private readonly objects = new Map<string, StoredObject>();
  private readonly sorted: string[] = [];
  private writes = 0;
  counts: StoreCounts = MemoryStore.zero();

  static zero(): StoreCounts {
    return { get: 0, put: 0, list: 0, listed: 0, delete: 0, bytesRead: 0, bytesWritten: 0 };
  }

  async get(key: string): Promise<StoredObject | undefined> {
    checkKey(key);
    this.counts.get++;
    const object = this.objects.get(key);
    if (object) this.counts.bytesRead += object.body.length;
    return object;
  }

  async put(key: string, body: string, options: PutOptions): Promise<{ etag: string }> {
    checkKey(key);
    this.counts.put++;
    this.counts.bytesWritten += body.length;
    const current = this.objects.get(key);
    if (options.ifNoneMatch === '*' && current) throw new PreconditionFailed(key);
    if (options.ifMatch !== undefined && current?.etag !== options.ifMatch) throw new PreconditionFailed(key);
    // Any value that changes with every write will do as an ETag here (S3 computes its own).
    const etag = `"${++this.writes}"`;
    if (!current) this.sorted.splice(this.lowerBound(key), 0, key);
    // Whole seconds, as S3's Last-Modified (the core never reads it; serve and the contract do).
    this.objects.set(key, { body, etag, lastModified: new Date(Math.floor(Date.now() / 1000) * 1000) });
    return { etag };
  }

  async *list(prefix: string): AsyncIterable<string> {
    this.counts.list++;
    for (let i = this.lowerBound(prefix); i < this.sorted.length && this.sorted[i]!.startsWith(prefix); i++) {
      this.counts.listed++;
      yield this.sorted[i]!;
    }
  }

  async delete(key: string): Promise<void> {
    checkKey(key);
    this.counts.delete++;
    if (!this.objects.delete(key)) return;
    this.sorted.splice(this.lowerBound(key), 1);
  }

  /** An independent copy of every object (counts start at zero). */
  clone(): MemoryStore {
    const copy = new MemoryStore();
    for (const [key, object] of this.objects) copy.objects.set(key, object);
    copy.sorted.push(...this.sorted);
    copy.writes = this.writes;
    return copy;
  }

  get size(): number {
    return this.objects.size;
  }

  private lowerBound(key: string): number {
    let low = 0;
    let high = this.sorted.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.sorted[mid]! < key) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

/** Refuses the keys the folder and S3 stores refuse (the Store contract), so tests cannot rely on others. */
function checkKey(key: string): void {
  // Empty, '.' or '..' segments (also a leading, trailing or doubled '/'), backslashes, NUL.
  if (/(?:^|\/)\.{0,2}(?:\/|$)|[\\\0]/.test(key)) throw new Error(`invalid store key: ${JSON.stringify(key)}`);
}
