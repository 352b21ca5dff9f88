// The private full copy of a story (state/articles/<id>.json): its record and the full Markdown of
// each language, kept whatever the content mode. Ingest writes it; publish renders every public file
// of the story from it, so switching the content mode (either way) can render them all again.
import type { ArticleRecord, Localized } from './article-record.js';

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

/** Whether a stored document is a full copy: what publish and ingest rely on. */
export function isFullArticle(value: unknown): boolean {
  const article = value as Partial<FullArticle>;
  const isObject = (field: unknown) => typeof field === 'object' && field !== null && !Array.isArray(field);
  return (
    typeof article.id === 'string' &&
    typeof article.version === 'number' &&
    typeof article.publishedAt === 'string' &&
    typeof article.updatedAt === 'string' &&
    Array.isArray(article.languages) &&
    Array.isArray(article.topics) &&
    Array.isArray(article.places) &&
    isObject(article.title) &&
    isObject(article.summary) &&
    isObject(article.url) &&
    isObject(article.markdown) &&
    (article.retiredTopicFeeds === undefined || Array.isArray(article.retiredTopicFeeds))
  );
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
