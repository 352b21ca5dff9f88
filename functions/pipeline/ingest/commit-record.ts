// The record (meta.json), the commit point of a version: written with compare-and-swap, and only
// from the story's current content (docs/ARCHITECTURE.md, "Overlapping runs").
import { PreconditionFailed } from '../errors.js';
import type { PipelinePorts } from '../ports.js';
import { type ArticleRecord, type RecordChange, type StoryPages, composeRecord } from '../record/article-record.js';
import { readJson, stringifyJson } from '../state/json-objects.js';
import { CONTENT_TYPES, keys } from '../state/store-keys.js';
import { SourceMoved } from './commit-source.js';

/**
 * Writes meta.json when the content changed: compare-and-swap, recomputed if another run won. Only
 * while the story's source is still the one this content came from: a version is made only from
 * content newer than the current record's.
 */
export async function commitRecord(
  ports: PipelinePorts,
  id: string,
  pages: StoryPages,
  fallbackDate: string | undefined,
  sourceEtag: string,
): Promise<{ record: ArticleRecord; change: RecordChange; previous?: ArticleRecord }> {
  for (let attempt = 1; ; attempt++) {
    const previous = await readJson<ArticleRecord>(ports.store, keys.articleMeta(id));
    const result = {
      ...composeRecord(id, pages, previous?.value, ports.clock.now(), fallbackDate?.slice(0, 10)),
      ...(previous ? { previous: previous.value } : {}),
    };
    if (result.change === 'unchanged') return result;
    if ((await ports.store.get(keys.source(id)))?.etag !== sourceEtag) throw new SourceMoved(id);
    try {
      await ports.store.put(keys.articleMeta(id), stringifyJson(result.record), {
        contentType: CONTENT_TYPES.json,
        ...(previous ? { ifMatch: previous.etag } : { ifNoneMatch: '*' as const }),
      });
      return result;
    } catch (error) {
      if (!(error instanceof PreconditionFailed) || attempt >= 5) throw error;
    }
  }
}
