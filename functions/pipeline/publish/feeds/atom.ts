// Atom 1.0, written with xml-js (the serializer the `feed` package uses) from a document we build
// ourselves. `feed`'s own Atom output has no xml:lang, no hreflang links, no category labels and
// guessed enclosure types; amending it meant parsing it back, which took most of a publish. Titles
// are `type="text"`: every reader shows exactly the title, whatever characters it holds.
//
// Links, as readers pick them (docs/NOTES.md, "Feed readers and links"): feed-extractor takes an
// entry's first link, rss-parser the first rel="alternate", newsboat the last, python and npm
// feedparser the last text/html alternate. So an entry's only alternate is its own language and comes
// first; its translation is rel="related". The feed's home page is its first link and also its last
// alternate (the other language's feed, an alternate too, sits between them).
import { type ElementCompact, js2xml } from 'xml-js';
import { LANGUAGE_TAG } from '../../site/language-tags.js';
import { cdataSafe, xmlJsAttribute, xmlJsText } from '../../text/markup-escape.js';
import type { FeedChannel, FeedEntry } from './feed-model.js';

const AUTHOR = { name: text('International Labour Organization'), uri: text('https://www.ilo.org/') };

/** Attributes and text as xml-js writes them exactly (text/markup-escape.ts says why). */
function attributes(values: Record<string, string>): { _attributes: Record<string, string> } {
  return {
    _attributes: Object.fromEntries(Object.entries(values).map(([name, value]) => [name, xmlJsAttribute(value)])),
  };
}
function text(value: string): { _text: string } {
  return { _text: xmlJsText(value) };
}
const link = attributes;

export function renderAtom(channel: FeedChannel): string {
  const document: ElementCompact = {
    _declaration: { _attributes: { version: '1.0', encoding: 'utf-8' } },
    feed: {
      _attributes: { xmlns: 'http://www.w3.org/2005/Atom', 'xml:lang': LANGUAGE_TAG[channel.lang] },
      id: text(channel.self.atom),
      title: { _attributes: { type: 'text' }, ...text(channel.title) },
      subtitle: { _attributes: { type: 'text' }, ...text(channel.description) },
      updated: text(channel.updated.toISOString()),
      generator: text(channel.generator),
      author: AUTHOR,
      link: [
        // Two text/html alternates may coexist only with different hreflang (RFC 4287 4.1.1).
        link({ rel: 'alternate', type: 'text/html', hreflang: LANGUAGE_TAG[channel.lang], href: channel.homeUrl }),
        link({ rel: 'self', type: 'application/atom+xml', href: channel.self.atom }),
        ...(channel.alternate
          ? [
              link({
                rel: 'alternate',
                type: 'application/atom+xml',
                hreflang: LANGUAGE_TAG[channel.alternate.lang],
                href: channel.alternate.urls.atom,
              }),
            ]
          : []),
        link({ rel: 'alternate', type: 'text/html', href: channel.homeUrl }),
      ],
      rights: text(channel.rights),
      ...(channel.entries.length > 0 ? { entry: channel.entries.map((entry) => atomEntry(entry, channel)) } : {}),
    },
  };
  return js2xml(document, { compact: true, spaces: 4 });
}

function atomEntry(entry: FeedEntry, channel: FeedChannel): ElementCompact {
  return {
    title: { _attributes: { type: 'text' }, ...text(entry.title) },
    id: text(entry.id),
    link: [
      link({ rel: 'alternate', type: 'text/html', hreflang: LANGUAGE_TAG[channel.lang], href: entry.url }),
      ...entry.translations.map((translation) =>
        link({
          rel: 'related',
          type: 'text/html',
          hreflang: LANGUAGE_TAG[translation.lang],
          href: translation.url,
          ...(translation.title ? { title: translation.title } : {}),
        }),
      ),
    ],
    updated: text(entry.updated.toISOString()),
    published: text(entry.published.toISOString()),
    ...(entry.summary ? { summary: { _attributes: { type: 'text' }, ...text(entry.summary) } } : {}),
    content: { _attributes: { type: 'html' }, _cdata: cdataSafe(entry.html) },
    author: AUTHOR,
    ...(entry.categories.length > 0
      ? {
          category: entry.categories.map((category) =>
            attributes({ term: category.term, scheme: category.scheme, label: category.label }),
          ),
        }
      : {}),
    rights: text(entry.rights),
  };
}
