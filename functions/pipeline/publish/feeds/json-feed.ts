// JSON Feed 1.1 (https://jsonfeed.org/version/1.1), written as typed JSON: the `feed` package only
// writes version 1.0 and has no language field.
import { LANGUAGE_TAG } from '../../site/language-tags.js';
import type { FeedChannel } from './feed-model.js';

export interface JsonFeedAuthor {
  name: string;
  url?: string;
}

export interface JsonFeedItem {
  id: string;
  url: string;
  title: string;
  content_html?: string;
  content_text?: string;
  summary?: string;
  image?: string;
  date_published: string;
  date_modified: string;
  tags?: string[];
  language: string;
  authors: JsonFeedAuthor[];
  /** Extension (JSON Feed allows keys starting with "_"): translations and rights. */
  _ilo: { translations: Record<string, string>; rights: string };
}

export interface JsonFeed {
  version: 'https://jsonfeed.org/version/1.1';
  title: string;
  home_page_url: string;
  feed_url: string;
  description: string;
  language: string;
  authors: JsonFeedAuthor[];
  items: JsonFeedItem[];
}

const AUTHORS: JsonFeedAuthor[] = [{ name: 'International Labour Organization', url: 'https://www.ilo.org/' }];

export function renderJsonFeed(channel: FeedChannel): string {
  const feed: JsonFeed = {
    version: 'https://jsonfeed.org/version/1.1',
    title: channel.title,
    home_page_url: channel.homeUrl,
    feed_url: channel.self.json,
    description: channel.description,
    language: LANGUAGE_TAG[channel.lang],
    authors: AUTHORS,
    items: channel.entries.map((entry) => ({
      id: entry.id,
      url: entry.url,
      title: entry.title,
      // Every item needs content: the whole item in full mode, lead image, lead, link and attribution in summary mode.
      content_html: entry.html,
      ...(entry.summary ? { summary: entry.summary } : {}),
      ...(entry.image ? { image: entry.image.url } : {}),
      date_published: entry.published.toISOString(),
      date_modified: entry.updated.toISOString(),
      ...(entry.categories.length > 0 ? { tags: entry.categories.map((category) => category.label) } : {}),
      language: LANGUAGE_TAG[channel.lang],
      authors: AUTHORS,
      _ilo: {
        translations: Object.fromEntries(
          entry.translations.map((translation) => [LANGUAGE_TAG[translation.lang], translation.url]),
        ),
        rights: entry.rights,
      },
    })),
  };
  return `${JSON.stringify(feed, null, 2)}\n`;
}
