// Independent feed parsers from npm, each reduced to what a reader shows: the feed's link and each
// item's link. They differ in which link they take (the first, the first alternate, the last text/html
// alternate), which is what the feeds must survive (docs/NOTES.md, "Feed readers and links").
import { Readable } from 'node:stream';
import { extractFromJson, extractFromXml } from '@extractus/feed-extractor';
import { parseFeed as rowanParse } from '@rowanmanning/feed-parser';
import FeedParser from 'feedparser';
import { parseFeed as feedsmithParse } from 'feedsmith';
import RssParser from 'rss-parser';

export interface ReaderView {
  link: string | undefined;
  items: { link: string | undefined; title: string | undefined }[];
}

type Reader = (body: string) => Promise<ReaderView>;

/** npm `feedparser` (the sax-based one): meta.link and each item's link. */
const npmFeedparser: Reader = (body) =>
  new Promise((resolve, reject) => {
    const parser = new FeedParser({});
    const items: ReaderView['items'] = [];
    parser.on('error', reject);
    parser.on('readable', function (this: FeedParser) {
      for (
        let item = this.read() as { link?: string; title?: string } | null;
        item;
        item = this.read() as typeof item
      ) {
        items.push({ link: item.link ?? undefined, title: item.title ?? undefined });
      }
    });
    parser.on('end', () => resolve({ link: parser.meta.link ?? undefined, items }));
    Readable.from([body]).pipe(parser);
  });

const rssParser: Reader = async (body) => {
  const feed = await new RssParser().parseString(body);
  return { link: feed.link, items: feed.items.map((item) => ({ link: item.link, title: item.title })) };
};

const feedExtractor: Reader = async (body) => {
  const feed = body.trimStart().startsWith('{') ? extractFromJson(JSON.parse(body)) : extractFromXml(body);
  return { link: feed.link, items: (feed.entries ?? []).map((entry) => ({ link: entry.link, title: entry.title })) };
};

/** feedsmith returns every link; a reader built on it takes the first text/html alternate. */
const feedsmith: Reader = async (body) => {
  const { format, feed } = feedsmithParse(body) as { format: string; feed: Record<string, never> };
  const firstAlternate = (links: { href?: string; rel?: string; type?: string }[] | undefined) =>
    links?.find((l) => (l.rel ?? 'alternate') === 'alternate' && (!l.type || l.type === 'text/html'))?.href;
  if (format === 'atom') {
    const atom = feed as {
      links?: { href?: string; rel?: string; type?: string }[];
      entries?: { links?: never[]; title?: string }[];
    };
    return {
      link: firstAlternate(atom.links),
      items: (atom.entries ?? []).map((e) => ({ link: firstAlternate(e.links), title: e.title })),
    };
  }
  if (format === 'json') {
    const json = feed as { home_page_url?: string; items?: { url?: string; title?: string }[] };
    return { link: json.home_page_url, items: (json.items ?? []).map((i) => ({ link: i.url, title: i.title })) };
  }
  const rss = feed as { link?: string; items?: { link?: string; title?: string }[] };
  return { link: rss.link, items: (rss.items ?? []).map((i) => ({ link: i.link, title: i.title })) };
};

const rowan: Reader = async (body) => {
  const feed = rowanParse(body);
  return {
    link: feed.url ?? undefined,
    items: feed.items.map((item) => ({ link: item.url ?? undefined, title: item.title ?? undefined })),
  };
};

/** The readers for each kind of feed (only some read JSON Feed). */
export const NPM_READERS: Record<'xml' | 'json', Record<string, Reader>> = {
  xml: {
    feedparser: npmFeedparser,
    'rss-parser': rssParser,
    '@extractus/feed-extractor': feedExtractor,
    feedsmith,
    '@rowanmanning/feed-parser': rowan,
  },
  json: { '@extractus/feed-extractor': feedExtractor, feedsmith },
};
