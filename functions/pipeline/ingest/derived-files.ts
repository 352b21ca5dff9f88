// What a version of the record derives: the story's full copy and the outbox entry that queues it
// for publish; repaired from the record when a run stopped after committing it.
import { PreconditionFailed } from '../errors.js';
import type { PipelinePorts } from '../ports.js';
import { type ArticleRecord, type StoryPages, markdownBody } from '../record/article-record.js';
import { type FullArticle, fullArticle, isFullArticle } from '../record/full-article.js';
import { LANGUAGES, type LanguageKey } from '../site/ilo-urls.js';
import { CorruptDocument, readJson, stringifyJson, writeIfNotNewer } from '../state/json-objects.js';
import { CONTENT_TYPES, keys } from '../state/store-keys.js';
import type { IngestWarning } from './extraction-warnings.js';

/** True when the derived files already belong to the record's version (the common rerun case). */
export async function derivedFilesCurrent(ports: PipelinePorts, record: ArticleRecord): Promise<boolean> {
  const full = await ports.store.get(keys.fullArticle(record.id));
  if (!full || storedVersion(full.body) !== record.version) return false;
  return (
    (await ports.store.get(keys.notified(record.id, record.version))) !== undefined ||
    (await ports.store.get(keys.outbox(record.id, record.version))) !== undefined
  );
}

/**
 * The story's full copy (record and Markdown of every language), then the outbox entry that tells
 * publish a version is new. Publish renders the public files from the copy, in its content mode.
 * The copy it replaces (or, in a folder from before full copies, the previous record) tells which
 * topic feeds the story leaves; the copy, not the record, because a run stopped after the record
 * was committed leaves the copy at the version publish last saw.
 */
export async function writeDerivedFiles(
  ports: PipelinePorts,
  record: ArticleRecord,
  pages: StoryPages,
  previousRecord: ArticleRecord | undefined,
): Promise<IngestWarning[]> {
  const { store } = ports;
  const warnings: IngestWarning[] = [];
  const bodies: Partial<Record<LanguageKey, string>> = {};
  for (const lang of LANGUAGES) {
    const page = pages[lang];
    if (page) bodies[lang] = markdownBody(page);
  }
  // A damaged copy (edited by hand, or written by something else) is replaced by this one; the
  // record stands in for it as the version it replaces.
  const previousCopy = await readJson<FullArticle>(store, keys.fullArticle(record.id), isFullArticle).catch(
    (error: unknown) => {
      if (!(error instanceof CorruptDocument)) throw error;
      warnings.push({ kind: 'damaged-state', key: error.key, detail: error.detail });
      return undefined;
    },
  );
  const previous = previousCopy?.value ?? previousRecord;
  const body = stringifyJson(fullArticle(record, bodies, previous));
  await writeIfNotNewer(store, keys.fullArticle(record.id), body, record.version, storedVersion, CONTENT_TYPES.json);
  try {
    await store.put(keys.outbox(record.id, record.version), stringifyJson({ id: record.id, version: record.version }), {
      contentType: CONTENT_TYPES.json,
      ifNoneMatch: '*',
    });
  } catch (error) {
    if (!(error instanceof PreconditionFailed)) throw error; // already queued by another run
  }
  return warnings;
}

/** The version a stored full copy holds; 0 for one that is not a full copy, so it is replaced. */
function storedVersion(body: string): number {
  try {
    const copy = JSON.parse(body) as unknown;
    return isFullArticle(copy) ? (copy as FullArticle).version : 0;
  } catch {
    return 0;
  }
}
