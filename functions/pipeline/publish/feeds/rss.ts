// RSS 2.0 with the `feed` package. Its known weak spots are handled before text reaches it: titles
// go in as escaped text (not CDATA, which `feed` splits wrongly when "]]>" occurs twice), HTML
// never contains a raw "]]>", and every string is already free of control characters.
import { Feed } from 'feed';
import { escapeXml } from '../../text/clean-text.js';
import type { FeedChannel } from './feed-model.js';

/** RSS channel language codes (RFC 1766 style, as RSS readers expect). */
const RSS_LANGUAGE = { en: 'en', zh: 'zh-cn' } as const;

export function renderRss(channel: FeedChannel): string {
  const feed = new Feed({
    title: channel.title,
    description: channel.description,
    id: channel.homeUrl,
    link: channel.homeUrl,
    language: RSS_LANGUAGE[channel.lang],
    copyright: channel.rights,
    updated: channel.updated,
    generator: channel.generator,
    ttl: 30,
    feedLinks: { rss: channel.self.rss },
  });
  for (const entry of channel.entries) {
    feed.addItem({
      title: entry.title,
      link: entry.url,
      date: entry.updated,
      published: entry.published,
      // Full mode: the lead as text, the whole item in content:encoded. Summary mode: the item (lead
      // image, lead, link, attribution) is the description, so it carries its own attribution.
      description: cdataSafe(entry.fullText ? escapeXml(entry.summary ?? entry.title) : entry.html),
      ...(entry.fullText ? { content: cdataSafe(entry.html) } : {}),
      category: entry.categories.map((category) => ({ name: category.label, domain: category.scheme })),
      // No enclosure: its length is unknown without fetching the image, and RSS requires it (the
      // lead image is at the top of the item's HTML instead).
      // `feed` puts titles in CDATA; an extension of the same name replaces it with escaped text.
      extensions: [{ name: 'title', objects: { _text: entry.title } }],
    });
  }
  return feed.rss2();
}

/** "]]>" would end a CDATA section early; in HTML, "]]&gt;" reads the same. */
export function cdataSafe(html: string): string {
  return html.replaceAll(']]>', ']]&gt;');
}
