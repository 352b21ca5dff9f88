// What partners get: the full record with each language's Markdown (exports/v1/articles/<id>.json),
// and the summary that lists it in the index, the archive and the changes list.
import type { ContentMode } from '../config.js';
import { LANGUAGES } from '../site/ilo-urls.js';
import { keys } from '../state/store-keys.js';
import type { ArticleRecord, Localized } from './article-record.js';
import type { ArticleLinks, ArticleSummary, ExportedArticle } from './record-schema.js';

export type { ArticleLinks, ArticleSummary, ExportedArticle };

/** A public URL for a store key. */
export function publicLink(publicUrl: string, key: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/${key}`;
}

export function articleLinks(record: Pick<ArticleRecord, 'id' | 'languages'>, publicUrl: string): ArticleLinks {
  const markdown: Localized<string> = {};
  for (const lang of LANGUAGES)
    if (record.languages.includes(lang)) markdown[lang] = publicLink(publicUrl, keys.articleMarkdown(record.id, lang));
  return { json: publicLink(publicUrl, keys.exportArticle(record.id)), markdown };
}

export function exportArticle(
  record: ArticleRecord,
  bodies: Localized<string>,
  settings: { contentMode: ContentMode; publicUrl: string },
): ExportedArticle {
  return {
    ...record,
    links: articleLinks(record, settings.publicUrl),
    ...(settings.contentMode === 'full' ? { markdown: bodies } : {}),
  };
}

export function summarize(record: ArticleRecord, publicUrl: string): ArticleSummary {
  return {
    id: record.id,
    version: record.version,
    publishedAt: record.publishedAt,
    updatedAt: record.updatedAt,
    languages: record.languages,
    title: record.title,
    summary: record.summary,
    url: record.url,
    topics: record.topics,
    places: record.places,
    ...(record.image ? { image: record.image } : {}),
    rights: record.rights,
    links: articleLinks(record, publicUrl),
  };
}

/** A summary with its links on another public URL (after the public URL changed). */
export function relinkSummary(summary: ArticleSummary, publicUrl: string): ArticleSummary {
  return { ...summary, links: articleLinks(summary, publicUrl) };
}
