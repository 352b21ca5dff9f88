// What a page's <head> says about it, when it says anything: canonical, hreflang alternates, Open
// Graph, meta description and JSON-LD. The ILO site is inconsistent, so every field is optional.
import { cleanLine } from '../text/clean-text.js';
import { type Element, attr, textOf } from '../parse/html-dom.js';
import type { PageIndex } from './page-index.js';

/** Each optional field is undefined (or absent) when the page does not say it. */
export interface HeadMetadata {
  /** <title> without the " | International Labour Organization" suffix. */
  title?: string | undefined;
  canonical?: string | undefined;
  description?: string | undefined;
  ogTitle?: string | undefined;
  ogDescription?: string | undefined;
  ogImage?: string | undefined;
  ogImageAlt?: string | undefined;
  publishedTime?: string | undefined;
  alternates: { hreflang: string; href: string }[];
  jsonLd: JsonLdArticle[];
  /** Charset declared in a <meta> tag, for pages whose HTTP header has none. */
  charset?: string | undefined;
}

export interface JsonLdArticle {
  type: string;
  headline?: string | undefined;
  description?: string | undefined;
  datePublished?: string | undefined;
  image?: string | undefined;
  inLanguage?: string | undefined;
}

const TITLE_SUFFIX = /\s*[|–-]\s*(International Labour Organization|国际劳工组织|ILO)\s*$/i;

export function readHeadMetadata(index: PageIndex): HeadMetadata {
  const metas = index.byTag('meta');
  const links = index.byTag('link');
  const meta = (test: (element: Element) => boolean) => nonEmpty(attr(metas.find(test), 'content'));
  const property = (name: string) => meta((m) => m.attribs.property === name);
  const rels = (link: Element) => (link.attribs.rel ?? '').toLowerCase().split(/\s+/);
  return {
    title: nonEmpty(cleanLine(textOf(index.byTag('title')[0]).replace(TITLE_SUFFIX, ''))),
    canonical: nonEmpty(
      attr(
        links.find((link) => rels(link).includes('canonical')),
        'href',
      ),
    ),
    description: meta((m) => m.attribs.name?.toLowerCase() === 'description'),
    ogTitle: property('og:title'),
    ogDescription: property('og:description'),
    ogImage: property('og:image') ?? property('og:image:url'),
    ogImageAlt: property('og:image:alt'),
    publishedTime: property('article:published_time'),
    alternates: links.flatMap((link) => {
      const { hreflang, href } = link.attribs;
      if (!rels(link).includes('alternate') || !hreflang || !href) return [];
      return [{ hreflang: hreflang.trim().toLowerCase(), href: href.trim() }];
    }),
    jsonLd: index
      .byTag('script')
      .filter((script) => script.attribs.type?.toLowerCase() === 'application/ld+json')
      .flatMap((script) => readJsonLd(textOfScript(script))),
    charset: readMetaCharset(metas),
  };
}

function readMetaCharset(metas: Element[]): string | undefined {
  const direct = attr(
    metas.find((m) => m.attribs.charset !== undefined),
    'charset',
  );
  if (direct) return direct.toLowerCase();
  const contentType = attr(
    metas.find((m) => m.attribs['http-equiv']?.toLowerCase() === 'content-type'),
    'content',
  );
  return contentType ? /charset=([\w-]+)/i.exec(contentType)?.[1]?.toLowerCase() : undefined;
}

function textOfScript(script: { children: unknown[] }): string {
  return (script.children as { data?: string }[]).map((child) => child.data ?? '').join('');
}

const ARTICLE_TYPES = new Set(['NewsArticle', 'Article', 'ReportageNewsArticle', 'BlogPosting', 'WebPage']);

/** Article-like objects from a JSON-LD block, including inside @graph. Broken JSON is ignored. */
function readJsonLd(json: string): JsonLdArticle[] {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return [];
  }
  const found: JsonLdArticle[] = [];
  // Without recursion (JSON.parse reads arrays nested 10,000 deep; a recursive walk overflowed the
  // stack on them, and the story failed on every run). Each node is read after its @graph, in
  // document order.
  const pending: ({ value: unknown } | { node: Record<string, unknown> })[] = [{ value: data }];
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    if ('node' in item) {
      const article = articleOf(item.node);
      if (article) found.push(article);
      continue;
    }
    const { value } = item;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) pending.push({ value: value[i] });
    } else if (value && typeof value === 'object') {
      const node = value as Record<string, unknown>;
      pending.push({ node });
      if (node['@graph']) pending.push({ value: node['@graph'] });
    }
  }
  // Prefer real articles over a generic WebPage.
  return found.sort((a, b) => Number(a.type === 'WebPage') - Number(b.type === 'WebPage'));
}

function articleOf(node: Record<string, unknown>): JsonLdArticle | undefined {
  const types = ([] as unknown[]).concat(node['@type'] ?? []).filter((t): t is string => typeof t === 'string');
  const type = types.find((t) => ARTICLE_TYPES.has(t));
  if (!type) return undefined;
  return {
    type,
    headline: stringOf(node.headline) ?? stringOf(node.name),
    description: stringOf(node.description),
    datePublished: stringOf(node.datePublished),
    image: imageOf(node.image),
    inLanguage: stringOf(node.inLanguage),
  };
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function imageOf(value: unknown): string | undefined {
  let first = value;
  while (Array.isArray(first)) first = first[0]; // a list of images: the first (lists of lists too)
  if (typeof first === 'string') return stringOf(first);
  if (first && typeof first === 'object') return stringOf((first as Record<string, unknown>).url);
  return undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
