// The ILO sitemap: an index of sitemap pages, each a <urlset> of <url><loc/><lastmod/></url>.
import { cleanLine } from '../text/clean-text.js';
import { parseIloDate } from '../parse/dates.js';
import { type Element, isTag, parseXml, textOf } from '../parse/html-dom.js';

export interface SitemapEntry {
  loc: string;
  lastmod?: string;
}

export interface ParsedSitemap {
  kind: 'index' | 'urlset';
  entries: SitemapEntry[];
}

/** Parses a sitemap index or a sitemap page. Throws when the document is neither. */
export function parseSitemap(xml: string): ParsedSitemap {
  const doc = parseXml(xml);
  const root = doc.children.find((node): node is Element => isTag(node));
  const rootName = root ? localName(root.name) : '';
  if (!root || (rootName !== 'sitemapindex' && rootName !== 'urlset')) {
    throw new Error(`not a sitemap: root element is <${root?.name ?? 'none'}>`);
  }
  const itemName = rootName === 'sitemapindex' ? 'sitemap' : 'url';
  const entries: SitemapEntry[] = [];
  for (const item of root.children) {
    if (!isTag(item) || localName(item.name) !== itemName) continue;
    const loc = childText(item, 'loc');
    if (!loc) continue;
    const lastmod = parseIloDate(childText(item, 'lastmod'));
    entries.push({ loc, ...(lastmod ? { lastmod } : {}) });
  }
  return { kind: rootName === 'sitemapindex' ? 'index' : 'urlset', entries };
}

function childText(element: Element, name: string): string | undefined {
  const child = element.children.find((node): node is Element => isTag(node) && localName(node.name) === name);
  const text = child ? cleanLine(textOf(child)) : '';
  return text === '' ? undefined : text;
}

function localName(name: string): string {
  return name.slice(name.indexOf(':') + 1).toLowerCase();
}
