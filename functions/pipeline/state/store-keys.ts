// Every key the pipeline reads or writes, in one place: the store layout of docs/ARCHITECTURE.md.
import { createHash } from 'node:crypto';
import type { LanguageKey } from '../site/ilo-urls.js';

export type FeedFormat = 'rss' | 'atom' | 'json';
const FEED_FILE: Record<FeedFormat, string> = { rss: 'rss.xml', atom: 'atom.xml', json: 'feed.json' };

/**
 * The layout's folders. Every key below is made from one of them, and so are the IAM patterns that
 * give each Lambda only its part of the bucket (lib/constructs/pipeline-functions.ts, `everyKeyUnder`).
 */
export const PREFIXES = {
  // Public
  articles: 'articles/',
  feeds: 'feeds/',
  exports: 'exports/',
  exportsV1: 'exports/v1/',
  exportArchive: 'exports/v1/archive/',
  exportArticles: 'exports/v1/articles/',
  // Private
  raw: 'raw/',
  state: 'state/',
  crawl: 'state/crawl/',
  aliases: 'state/aliases/',
  receipts: 'state/receipts/',
  sources: 'state/sources/',
  fullArticles: 'state/articles/',
  windows: 'state/windows/',
  outbox: 'state/outbox/',
  notified: 'state/notified/',
} as const;

const P = PREFIXES;
const urlHash = (url: string) => createHash('sha256').update(url).digest('hex').slice(0, 40);
const versionName = (version: number) => String(version).padStart(6, '0');

export const keys = {
  // Public
  landingPage: () => 'index.html',
  opml: () => 'feeds.opml',
  articleMeta: (id: string) => `${P.articles}${id}/meta.json`,
  articleMarkdown: (id: string, lang: LanguageKey) => `${P.articles}${id}/${lang}.md`,
  feed: (lang: LanguageKey, format: FeedFormat) => `${P.feeds}${lang}/${FEED_FILE[format]}`,
  topicFeed: (lang: LanguageKey, slug: string, format: FeedFormat) =>
    `${P.feeds}${lang}/topics/${slug}/${FEED_FILE[format]}`,
  exportIndex: () => `${P.exportsV1}index.json`,
  exportArchivePage: (month: string) => `${P.exportArchive}${month}.json`,
  exportChanges: () => `${P.exportsV1}changes.json`,
  exportArticle: (id: string) => `${P.exportArticles}${id}.json`,
  exportSchema: () => `${P.exportsV1}schema.json`,
  // Private
  raw: (id: string, lang: LanguageKey) => `${P.raw}${id}/${lang}.html`,
  // Discovery's state (discover/crawl-store.ts): a head and one part per sitemap page; crawl.json is
  // the single file of earlier releases, read once and split.
  crawlState: () => `${P.state}crawl.json`,
  crawlPrefix: () => P.crawl,
  crawlHead: () => `${P.crawl}index.json`,
  crawlPart: (name: string) => `${P.crawl}pages/${name}.json`,
  alias: (url: string) => `${P.aliases}${urlHash(url)}.json`,
  // On AWS: what ingest did with a queued page, read back by discover (discover/ingest-receipts.ts).
  ingestReceipt: (url: string) => `${P.receipts}${urlHash(url)}.json`,
  source: (id: string) => `${P.sources}${id}.json`,
  // The record with every language's full Markdown, whatever the content mode: every public file of
  // a story is rendered from it, so a change of content mode can render them all again.
  fullArticle: (id: string) => `${P.fullArticles}${id}.json`,
  windowPrefix: () => P.windows,
  /** Every topic feed and its labels, for the landing page and the OPML. */
  feedDirectory: () => `${P.state}feed-directory.json`,
  window: (name: string) => `${P.windows}${name}.json`,
  archiveMonths: () => `${P.state}archive-months.json`,
  publishSettings: () => `${P.state}publish-settings.json`,
  outboxPrefix: () => P.outbox,
  outbox: (id: string, version: number) => `${P.outbox}${id}@${versionName(version)}.json`,
  // A story's claims, one per version notified: "was it notified before" reads the earlier versions' claims.
  notified: (id: string, version: number) => `${P.notified}${id}/v${versionName(version)}.json`,
  // On AWS: what the last CDN invalidation covered (handlers/cdn-invalidation.ts).
  cdnInvalidated: () => `${P.state}cdn-invalidated.json`,
};

/** The story id of an `articles/<id>/meta.json` key, else undefined (for listings of `articles/`). */
export function idOfArticleMeta(key: string): string | undefined {
  if (!key.startsWith(P.articles) || !key.endsWith('/meta.json')) return undefined;
  const id = key.slice(P.articles.length, -'/meta.json'.length);
  return id !== '' && !id.includes('/') ? id : undefined;
}

/** Every key under a prefix, as an IAM resource pattern (`state/outbox/*`). */
export function everyKeyUnder(prefix: string): string {
  return `${prefix}*`;
}

export const CONTENT_TYPES = {
  json: 'application/json; charset=utf-8',
  markdown: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  jsonFeed: 'application/feed+json; charset=utf-8',
  // OPML has no registered media type; text/x-opml is what readers and browsers know.
  opml: 'text/x-opml; charset=utf-8',
} as const;

/** Cache lifetimes by kind: feeds and indexes change every run, article files rarely. */
export const CACHE_CONTROL = {
  feed: 'public, max-age=300',
  index: 'public, max-age=300',
  article: 'public, max-age=3600',
} as const;
