// Atom 1.0, written with xml-js (the serializer the `feed` package uses) from a document we build
// ourselves. `feed`'s own Atom output has no xml:lang, no hreflang alternates (to the other language's
// feed and to each entry's translation), no category labels and guessed enclosure types; amending it
// meant parsing it back, which took most of a publish. Titles are `type="text"`: every reader shows
// exactly the title, whatever characters it holds.
import { type ElementCompact, js2xml } from 'xml-js';
import { LANGUAGE_TAG } from '../../normalize/front-matter.js';
import type { FeedChannel, FeedEntry } from './feed-model.js';
import { cdataSafe } from './rss.js';

const AUTHOR = { name: { _text: 'International Labour Organization' }, uri: { _text: 'https://www.ilo.org/' } };

export function renderAtom(channel: FeedChannel): string {
  const link = (attributes: Record<string, string>) => ({ _attributes: attributes });
  const document: ElementCompact = {
    _declaration: { _attributes: { version: '1.0', encoding: 'utf-8' } },
    feed: {
      _attributes: { xmlns: 'http://www.w3.org/2005/Atom', 'xml:lang': LANGUAGE_TAG[channel.lang] },
      id: { _text: channel.self.atom },
      title: { _attributes: { type: 'text' }, _text: channel.title },
      subtitle: { _attributes: { type: 'text' }, _text: channel.description },
      updated: { _text: channel.updated.toISOString() },
      generator: { _text: channel.generator },
      author: AUTHOR,
      link: [
        link({ rel: 'alternate', type: 'text/html', href: channel.homeUrl }),
        link({ rel: 'self', type: 'application/atom+xml', href: channel.self.atom }),
        link({ rel: 'alternate', type: 'application/atom+xml', hreflang: LANGUAGE_TAG[channel.alternate.lang], href: channel.alternate.urls.atom }),
      ],
      rights: { _text: channel.rights },
      ...(channel.entries.length > 0 ? { entry: channel.entries.map((entry) => atomEntry(entry, channel)) } : {}),
    },
  };
  return js2xml(document, {
    compact: true,
    spaces: 4,
    // xml-js escapes text, but only '"' in attribute values: '&', '<' and '>' are ours to escape.
    attributeValueFn: (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
  });
}

function atomEntry(entry: FeedEntry, channel: FeedChannel): ElementCompact {
  const link = (attributes: Record<string, string>) => ({ _attributes: attributes });
  return {
    title: { _attributes: { type: 'text' }, _text: entry.title },
    id: { _text: entry.id },
    link: [
      link({ rel: 'alternate', type: 'text/html', hreflang: LANGUAGE_TAG[channel.lang], href: entry.url }),
      ...entry.translations.map((translation) => link({ rel: 'alternate', type: 'text/html', hreflang: LANGUAGE_TAG[translation.lang], href: translation.url })),
      ...(entry.image ? [link({ rel: 'enclosure', type: entry.image.type, href: entry.image.url })] : []),
    ],
    updated: { _text: entry.updated.toISOString() },
    published: { _text: entry.published.toISOString() },
    ...(entry.summary ? { summary: { _attributes: { type: 'text' }, _text: entry.summary } } : {}),
    ...(entry.contentHtml ? { content: { _attributes: { type: 'html' }, _cdata: cdataSafe(entry.contentHtml) } } : {}),
    author: AUTHOR,
    ...(entry.categories.length > 0
      ? { category: entry.categories.map((category) => ({ _attributes: { term: category.term, scheme: category.scheme, label: category.label } })) }
      : {}),
    rights: { _text: entry.rights },
  };
}
