// Every key the pipeline reads or writes, in one place: the store layout of docs/ARCHITECTURE.md.
import { createHash } from 'node:crypto';
import type { LanguageKey } from '../site/ilo-urls.js';

export type FeedFormat = 'rss' | 'atom' | 'json';
const FEED_FILE: Record<FeedFormat, string> = { rss: 'rss.xml', atom: 'atom.xml', json: 'feed.json' };

export const keys = {
  // Public
  landingPage: () => 'index.html',
  opml: () => 'feeds.opml',
  articleMeta: (id: string) => `articles/${id}/meta.json`,
  articleMarkdown: (id: string, lang: LanguageKey) => `articles/${id}/${lang}.md`,
  feed: (lang: LanguageKey, format: FeedFormat) => `feeds/${lang}/${FEED_FILE[format]}`,
  topicFeed: (lang: LanguageKey, slug: string, format: FeedFormat) =>
    `feeds/${lang}/topics/${slug}/${FEED_FILE[format]}`,
  exportIndex: () => 'exports/v1/index.json',
  exportArchivePage: (month: string) => `exports/v1/archive/${month}.json`,
  exportChanges: () => 'exports/v1/changes.json',
  exportArticle: (id: string) => `exports/v1/articles/${id}.json`,
  exportSchema: () => 'exports/v1/schema.json',
  // Private
  raw: (id: string, lang: LanguageKey) => `raw/${id}/${lang}.html`,
  // Discovery's state (discover/crawl-store.ts): a head and one part per sitemap page; crawl.json is
  // the single file of earlier releases, read once and split.
  crawlState: () => 'state/crawl.json',
  crawlPrefix: () => 'state/crawl/',
  crawlHead: () => 'state/crawl/index.json',
  crawlPart: (name: string) => `state/crawl/pages/${name}.json`,
  alias: (url: string) => `state/aliases/${createHash('sha256').update(url).digest('hex').slice(0, 40)}.json`,
  // On AWS: what ingest did with a queued page, read back by discover (discover/ingest-receipts.ts).
  ingestReceipt: (url: string) => `state/receipts/${createHash('sha256').update(url).digest('hex').slice(0, 40)}.json`,
  source: (id: string) => `state/sources/${id}.json`,
  // The record with every language's full Markdown, whatever the content mode: every public file of
  // a story is rendered from it, so a change of content mode can render them all again.
  fullArticle: (id: string) => `state/articles/${id}.json`,
  windowPrefix: () => 'state/windows/',
  /** Every topic feed and its labels, for the landing page and the OPML. */
  feedDirectory: () => 'state/feed-directory.json',
  window: (name: string) => `state/windows/${name}.json`,
  archiveMonths: () => 'state/archive-months.json',
  publishSettings: () => 'state/publish-settings.json',
  outboxPrefix: () => 'state/outbox/',
  outbox: (id: string, version: number) => `state/outbox/${id}@${String(version).padStart(6, '0')}.json`,
  // A story's claims, one per version notified: "was it notified before" reads the earlier versions' claims.
  notified: (id: string, version: number) => `state/notified/${id}/v${String(version).padStart(6, '0')}.json`,
};

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
