// Which public files a run wrote, for the summary: a Store that notes every key put through it.
// Counting at the store (not in each step of the core) sees every file, articles and archive pages
// included, whoever writes them.
import type { PutOptions, Store, StoredObject } from '../pipeline/ports.js';
import { isPublicKey } from '../pipeline/publish/public-paths.js';
import { PREFIXES } from '../pipeline/state/store-keys.js';

export class WriteRecordingStore implements Store {
  readonly written = new Set<string>();

  constructor(private readonly inner: Store) {}

  get(key: string): Promise<StoredObject | undefined> {
    return this.inner.get(key);
  }

  async put(key: string, body: string, options: PutOptions): Promise<{ etag: string }> {
    const result = await this.inner.put(key, body, options);
    this.written.add(key);
    return result;
  }

  list(prefix: string): AsyncIterable<string> {
    return this.inner.list(prefix);
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }

  /** The public files written, sorted. */
  publicFiles(): string[] {
    return [...this.written].filter(isPublicKey).sort();
  }
}

export interface WrittenCounts {
  total: number;
  /** articles/<id>/{meta.json,en.md,zh.md} and exports/v1/articles/<id>.json */
  article: number;
  /** exports/v1/archive/YYYY-MM.json */
  archive: number;
  feed: number;
  /** Everything else public: the export index, changes list, schema, landing page... */
  index: number;
}

export function countWritten(keys: string[]): WrittenCounts {
  const counts: WrittenCounts = { total: keys.length, article: 0, archive: 0, feed: 0, index: 0 };
  for (const key of keys) {
    if (key.startsWith(PREFIXES.articles) || key.startsWith(PREFIXES.exportArticles)) counts.article++;
    else if (key.startsWith(PREFIXES.exportArchive)) counts.archive++;
    else if (key.startsWith(PREFIXES.feeds)) counts.feed++;
    else counts.index++;
  }
  return counts;
}
