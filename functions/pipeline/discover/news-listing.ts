// The HTML news listing (/resource/news/all-news-recent): the fallback when the sitemap is unavailable.
import { canonicalUrl, newsPage } from '../site/ilo-urls.js';
import { parseIloDate } from '../parse/dates.js';
import { all, attr, first, parseHtml } from '../parse/html-dom.js';
import type { SitemapEntry } from './sitemap.js';

export const NEWS_LISTING_PATH = '/resource/news/all-news-recent';

/** News story links on a listing page, with the card date as lastmod. */
export function parseNewsListing(html: string, pageUrl: string, mirrorOrigin?: string): SitemapEntry[] {
  const doc = parseHtml(html);
  const entries: SitemapEntry[] = [];
  for (const card of all('.ilo--card', doc)) {
    const link = first('a.ilo--card--link[href], a[href]', card);
    const href = attr(link, 'href');
    const url = href === undefined ? undefined : canonicalUrl(href, pageUrl, mirrorOrigin);
    const page = url ? newsPage(url) : undefined;
    if (!page || entries.some((entry) => entry.loc === page.url)) continue;
    const time = first('time[datetime]', card);
    const lastmod = parseIloDate(attr(time, 'datetime'));
    entries.push({ loc: page.url, ...(lastmod ? { lastmod } : {}) });
  }
  return entries;
}
