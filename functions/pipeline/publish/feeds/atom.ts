// Atom 1.0. The `feed` package builds the document; what it cannot express (xml:lang, hreflang
// alternates to the other language's feed and to each entry's translation, category labels, the
// image's real type) is added through xml-js, the serializer `feed` itself uses. Titles are
// `type="html"` in `feed`, so they go in HTML-escaped once more: every reader shows the exact title.
import { Feed } from 'feed';
import { type Element as XmlElement, js2xml, xml2js } from 'xml-js';
import { LANGUAGE_TAG } from '../../normalize/front-matter.js';
import { escapeXml } from '../../text/clean-text.js';
import type { FeedChannel } from './feed-model.js';
import { cdataSafe } from './rss.js';

const AUTHOR = { name: 'International Labour Organization', link: 'https://www.ilo.org/' };

export function renderAtom(channel: FeedChannel): string {
  const feed = new Feed({
    id: channel.self.atom,
    title: channel.title,
    description: channel.description,
    link: channel.homeUrl,
    copyright: channel.rights,
    updated: channel.updated,
    generator: channel.generator,
    feedLinks: { atom: channel.self.atom },
    author: AUTHOR,
  });
  for (const entry of channel.entries) {
    feed.addItem({
      title: cdataSafe(escapeXml(entry.title)),
      id: entry.id,
      link: entry.url,
      date: entry.updated,
      published: entry.published,
      ...(entry.summary ? { description: cdataSafe(escapeXml(entry.summary)) } : {}),
      ...(entry.contentHtml ? { content: cdataSafe(entry.contentHtml) } : {}),
      author: [AUTHOR],
      copyright: entry.rights,
    });
  }
  return amend(feed.atom1(), channel);
}

type Compact = Record<string, any>; // xml-js compact form: plain objects keyed by element name

function amend(xml: string, channel: FeedChannel): string {
  const doc = xml2js(xml, { compact: true }) as Compact;
  const root = doc.feed as Compact;
  root._attributes = { ...root._attributes, 'xml:lang': LANGUAGE_TAG[channel.lang] };
  root.link = [
    ...asArray(root.link),
    { _attributes: { rel: 'alternate', type: 'application/atom+xml', hreflang: LANGUAGE_TAG[channel.alternate.lang], href: channel.alternate.urls.atom } },
  ];
  const entries = asArray(root.entry);
  channel.entries.forEach((entry, index) => {
    const element = entries[index]!;
    element.link = [
      { _attributes: { rel: 'alternate', type: 'text/html', hreflang: LANGUAGE_TAG[channel.lang], href: entry.url } },
      ...entry.translations.map((translation) => ({
        _attributes: { rel: 'alternate', type: 'text/html', hreflang: LANGUAGE_TAG[translation.lang], href: translation.url },
      })),
      ...(entry.image ? [{ _attributes: { rel: 'enclosure', type: entry.image.type, href: entry.image.url } }] : []),
    ];
    if (entry.categories.length > 0) {
      element.category = entry.categories.map((category) => ({ _attributes: { term: category.term, scheme: category.scheme, label: category.label } }));
    }
    // Keep Atom's element order readable: id, title, links first, as `feed` wrote them.
    entries[index] = reorder(element, ['title', 'id', 'link', 'updated', 'published', 'summary', 'content', 'author', 'category', 'rights']);
  });
  if (entries.length > 0) root.entry = entries;
  doc.feed = reorder(root, ['_attributes', 'id', 'title', 'subtitle', 'updated', 'generator', 'author', 'link', 'rights', 'entry']);
  return js2xml(doc as XmlElement, {
    compact: true,
    spaces: 4,
    // xml-js escapes only '"' in attribute values; '&' and '<' are ours to escape.
    attributeValueFn: (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
  });
}

function asArray(value: unknown): Compact[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]) as Compact[];
}

function reorder(element: Compact, order: string[]): Compact {
  const result: Compact = {};
  for (const key of order) if (key in element) result[key] = element[key];
  for (const key of Object.keys(element)) if (!(key in result)) result[key] = element[key];
  return result;
}
