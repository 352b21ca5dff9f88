// The private full copy of a story (state/articles/<id>.json): its record and the full Markdown of
// each language, kept whatever the content mode. Ingest writes it; publish renders every public file
// of the story from it, so switching the content mode (either way) can render them all again.
import { Array as ArrayOf, Object as ObjectOf, Optional, Pick, String as StringOf } from '@sinclair/typebox';
import { Check } from '@sinclair/typebox/value';
import type { ArticleRecord, Localized } from './article-record.js';
import { ARTICLE_RECORD, firstProblem, loosened } from './record-schema.js';

export interface FullArticle extends ArticleRecord {
  markdown: Localized<string>;
  /**
   * Topic feeds (`<lang>/topics/<slug>`) that an earlier version of the story was in and this one is
   * not (a topic or a language it lost): publish visits them too, so the story leaves them. Kept
   * from version to version, so a version that is never published passes them on.
   */
  retiredTopicFeeds?: string[];
}

/** The full copy of a version; `previous` is the copy (or, in folders from before copies, the record) it replaces. */
export function fullArticle(
  record: ArticleRecord,
  markdown: Localized<string>,
  previous?: ArticleRecord & { retiredTopicFeeds?: string[] },
): FullArticle {
  const current = new Set(topicFeedsOf(record));
  const retired = [...new Set([...(previous?.retiredTopicFeeds ?? []), ...(previous ? topicFeedsOf(previous) : [])])]
    .filter((name) => !current.has(name))
    .sort();
  return { ...record, markdown, ...(retired.length > 0 ? { retiredTopicFeeds: retired } : {}) };
}

/** What to do about a damaged full copy: without it, publish falls back to the story's exported record, and ingest writes it again. */
export const FULL_COPY_REMEDY =
  "restore it, or delete it: the story's exported record stands in until its page changes";

/**
 * What publish and ingest rely on in a stored full copy, made from the record's definition
 * (record-schema.ts): the record's story fields plus the Markdown, loosened (record-schema.ts
 * `loosened`) so that copies written by earlier releases are not called damaged for details nothing
 * relies on (an extra key, an IRI for a URL, an empty text).
 */
const STORED_FULL_ARTICLE = loosened(
  ObjectOf({
    ...Pick(ARTICLE_RECORD, [
      'id',
      'version',
      'publishedAt',
      'updatedAt',
      'languages',
      'title',
      'summary',
      'url',
      'topics',
      'places',
    ]).properties,
    markdown: ARTICLE_RECORD.properties.summary,
    retiredTopicFeeds: Optional(ArrayOf(StringOf())),
  }),
);

/** Why a stored document is not a full copy (the first problem, naming the field), or undefined if it is one. */
export function fullArticleProblem(value: unknown): string | undefined {
  return firstProblem(STORED_FULL_ARTICLE, value);
}

/** Whether a stored document is a full copy: what publish and ingest rely on. */
export function isFullArticle(value: unknown): boolean {
  return Check(STORED_FULL_ARTICLE, value);
}

/** The topic feeds a version is in, named as their windows are: `<lang>/topics/<slug>`. */
export function topicFeedsOf(record: Pick<ArticleRecord, 'languages' | 'topics'>): string[] {
  return record.languages.flatMap((lang) => record.topics.map((topic) => `${lang}/topics/${topic.slug}`));
}

/** The record part of a full copy: what its public files publish. */
export function recordOf(article: FullArticle): ArticleRecord {
  const { markdown: _markdown, retiredTopicFeeds: _retired, ...record } = article;
  return record;
}
