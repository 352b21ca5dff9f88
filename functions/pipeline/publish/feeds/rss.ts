// RSS 2.0 with the `feed` package. Its known weak spots are handled before text reaches it: titles
// go in as escaped text (not CDATA, which `feed` splits wrongly when "]]>" occurs twice), HTML
// never contains a raw "]]>", and text fields go through xmlJsText (its serializer, xml-js, would
// read a literal "&amp;" as "&"): all in text/markup-escape.ts.
import { Feed } from 'feed';
import { cdataSafe, escapeXml, xmlJsAttribute, xmlJsText } from '../../text/markup-escape.js';
import { RSS_LANGUAGE } from '../../site/language-tags.js';
import type { FeedChannel } from './feed-model.js';

export function renderRss(channel: FeedChannel): string {
  const feed = new Feed({
    title: xmlJsText(channel.title),
    description: xmlJsText(channel.description),
    id: channel.homeUrl,
    link: channel.homeUrl,
    language: RSS_LANGUAGE[channel.lang],
    copyright: xmlJsText(channel.rights),
    updated: channel.updated,
    generator: xmlJsText(channel.generator),
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
      category: entry.categories.map((category) => ({
        name: xmlJsText(category.label),
        domain: xmlJsAttribute(category.scheme),
      })),
      // No enclosure: its length is unknown without fetching the image, and RSS requires it (the
      // lead image is at the top of the item's HTML instead).
      // `feed` puts titles in CDATA; an extension of the same name replaces it with escaped text.
      extensions: [{ name: 'title', objects: { _text: xmlJsText(entry.title) } }],
    });
  }
  return feed.rss2();
}
