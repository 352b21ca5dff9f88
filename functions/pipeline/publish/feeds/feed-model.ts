// The one model every feed format is rendered from: a channel and its entries, all text already
// clean. Renderers (rss.ts, atom.ts, json-feed.ts) only format it.
import type { ContentMode } from '../../config.js';
import { toInstant } from '../../parse/dates.js';
import { RIGHTS } from '../../record/article-record.js';
import type { ArticleSummary } from '../../record/export-article.js';
import { publicLink } from '../../record/export-article.js';
import { ILO_ORIGIN, type LanguageKey } from '../../site/ilo-urls.js';
import { type FeedFormat, keys } from '../../state/store-keys.js';
import { cleanLine, cleanText } from '../../text/clean-text.js';
import { escapeXmlAttribute } from '../../text/markup-escape.js';
import { capMarkdown } from '../../normalize/markdown.js';
import { markdownToHtml } from '../markdown-html.js';
import { fullItemHtml, summaryItemHtml } from './item-html.js';

export interface FeedLink {
  lang: LanguageKey;
  url: string;
  title?: string;
}

export interface FeedChannel {
  lang: LanguageKey;
  title: string;
  description: string;
  /** The ILO news page this feed mirrors. */
  homeUrl: string;
  self: Record<FeedFormat, string>;
  /** The same feed in the other language, where there is one. */
  alternate?: { lang: LanguageKey; urls: Record<FeedFormat, string> };
  /** Newest updatedAt of the entries: the feed changes only when an entry does. */
  updated: Date;
  rights: string;
  generator: string;
  entries: FeedEntry[];
}

export interface FeedEntry {
  /** Canonical ILO URL: guid and id, never changes, also when the story is edited. */
  id: string;
  url: string;
  title: string;
  summary?: string;
  /**
   * The item's HTML (publish/feeds/item-html.ts): lead image, then the body in full mode or the lead
   * and a link in summary mode, then the attribution and links.
   */
  html: string;
  /** True when `html` carries the story's body (full mode). */
  fullText: boolean;
  published: Date;
  updated: Date;
  categories: { term: string; label: string; scheme: string }[];
  /** The lead image (also at the top of the item's HTML). */
  image?: { url: string; alt?: string };
  /** This story in the other language. */
  translations: FeedLink[];
  rights: string;
}

const CHANNEL_TEXT: Record<LanguageKey, { title: string; description: string }> = {
  en: {
    title: 'ILO News',
    description:
      'News from the International Labour Organization (ILO), republished from www.ilo.org with attribution.',
  },
  zh: { title: '国际劳工组织新闻', description: '国际劳工组织（ILO）新闻，转载自 www.ilo.org，并注明出处。' },
};

/** The ILO news page a language's feeds mirror. */
export const NEWS_HOME: Record<LanguageKey, string> = {
  en: `${ILO_ORIGIN}/resource/news`,
  zh: `${ILO_ORIGIN}/zh-hans/resource/news`,
};

/** A feed's title, as its channel, the landing page and the OPML give it. */
export function feedTitle(lang: LanguageKey, topicLabel?: string): string {
  return topicLabel ? `${CHANNEL_TEXT[lang].title}: ${cleanLine(topicLabel)}` : CHANNEL_TEXT[lang].title;
}

export interface FeedScope {
  lang: LanguageKey;
  /** A topic feed: its slug and label. */
  topic?: { slug: string; label: string };
  /**
   * False when the other language has no such feed (a topic only this language's stories carry):
   * the feed then does not link it. A language feed always has its twin.
   */
  otherLanguageFeed?: boolean;
}

export interface FeedSettings {
  publicUrl: string;
  contentMode: ContentMode;
  generator: string;
}

/** A story as a feed window keeps it: its summary, and in full mode its rendered body per language. */
export type FeedWindowEntry = ArticleSummary & { content?: Partial<Record<LanguageKey, string>> };

/**
 * The entry's HTML for feeds, rendered once when the story version enters the windows (not at every
 * publish): the lead image, the sanitized body from the Markdown, the attribution and links.
 */
export function withContent(
  summary: ArticleSummary,
  markdown: Partial<Record<LanguageKey, string>> | undefined,
): FeedWindowEntry {
  if (!markdown) return summary;
  const content: Partial<Record<LanguageKey, string>> = {};
  for (const lang of summary.languages) {
    const text = markdown[lang];
    const url = summary.url[lang];
    if (!text || !url) continue;
    const cut = feedBodyCut(text);
    const more = cut
      ? `
<p><a href="${escapeXmlAttribute(url)}">${CONTINUED[lang]}</a></p>`
      : '';
    content[lang] = fullItemHtml(
      summary,
      lang,
      `${markdownToHtml(cut ? capMarkdown(text, FEED_ITEM_MAX) : text)}${more}`,
    );
  }
  return { ...summary, content };
}

/**
 * A feed item carries at most this many characters of a story's Markdown, then a link to the story:
 * a feed holds 50 items in every format and topic, so a few long stories made 13 MB feeds. With the
 * cap a feed file stays under about 4 MB. docs/ARCHITECTURE.md, "Limits".
 */
export const FEED_ITEM_MAX = 48 * 1024;

/** True when a body is longer than a feed item carries. */
export function feedBodyCut(markdown: string): boolean {
  return markdown.length > FEED_ITEM_MAX;
}

const CONTINUED: Record<LanguageKey, string> = {
  en: 'Continue reading on www.ilo.org',
  zh: '在国际劳工组织网站继续阅读',
};

/** The feed of one language (or one topic in one language) from window entries, newest first. */
export function buildFeedChannel(scope: FeedScope, summaries: FeedWindowEntry[], settings: FeedSettings): FeedChannel {
  const { lang } = scope;
  const other: LanguageKey = lang === 'en' ? 'zh' : 'en';
  const feedKey = (l: LanguageKey, format: FeedFormat) =>
    publicLink(settings.publicUrl, scope.topic ? keys.topicFeed(l, scope.topic.slug, format) : keys.feed(l, format));
  const text = CHANNEL_TEXT[lang];
  // A story is listed in the languages it has (each with its URL: the entry's id).
  const entries = summaries.flatMap((summary) => {
    const url = summary.url[lang];
    return summary.languages.includes(lang) && url !== undefined ? [buildEntry(summary, lang, url, settings)] : [];
  });
  const updated = new Date(Math.max(0, ...entries.map((entry) => entry.updated.getTime())));
  return {
    lang,
    title: feedTitle(lang, scope.topic?.label),
    description: text.description,
    homeUrl: NEWS_HOME[lang],
    self: { rss: feedKey(lang, 'rss'), atom: feedKey(lang, 'atom'), json: feedKey(lang, 'json') },
    ...(scope.otherLanguageFeed === false
      ? {}
      : {
          alternate: {
            lang: other,
            urls: { rss: feedKey(other, 'rss'), atom: feedKey(other, 'atom'), json: feedKey(other, 'json') },
          },
        }),
    updated,
    rights: RIGHTS,
    generator: settings.generator,
    entries,
  };
}

function buildEntry(summary: FeedWindowEntry, lang: LanguageKey, url: string, settings: FeedSettings): FeedEntry {
  const contentHtml = settings.contentMode === 'full' ? summary.content?.[lang] : undefined;
  const label = (term: { label: Partial<Record<LanguageKey, string>> }) =>
    cleanLine(term.label[lang] ?? term.label.en ?? term.label.zh ?? '');
  const alt = summary.image?.alt[lang];
  const lead = summary.summary[lang];
  return {
    id: url,
    url,
    title: cleanLine(summary.title[lang] ?? ''),
    ...(lead ? { summary: cleanText(lead) } : {}),
    html: contentHtml ?? summaryItemHtml(summary, lang),
    fullText: contentHtml !== undefined,
    published: toInstant(summary.publishedAt),
    updated: toInstant(summary.updatedAt),
    categories: [
      ...summary.topics.map((term) => ({
        term: term.slug,
        label: label(term),
        scheme: `${ILO_ORIGIN}/topics-and-sectors`,
      })),
      ...summary.places.map((term) => ({
        term: term.slug,
        label: label(term),
        scheme: `${ILO_ORIGIN}/regions-and-countries`,
      })),
    ].filter((category) => category.label !== ''),
    ...(summary.image ? { image: { url: summary.image.url, ...(alt ? { alt: cleanLine(alt) } : {}) } } : {}),
    translations: (['en', 'zh'] as const).flatMap((l) => {
      const otherUrl = summary.url[l];
      const title = summary.title[l];
      return l !== lang && otherUrl ? [{ lang: l, url: otherUrl, ...(title ? { title: cleanLine(title) } : {}) }] : [];
    }),
    rights: summary.rights,
  };
}
