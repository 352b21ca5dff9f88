// Discovery's reading: which news pages are new or changed since the last run. Reads the sitemap
// index and its pages with conditional GET, and falls back to the HTML news listing when the sitemap
// is unavailable (choose-candidates.ts then picks the pages to ingest this run).
import { FetchFailure, asError, errorMessage } from '../errors.js';
import type { FetchResult, Fetcher, Logger } from '../ports.js';
import { ILO_ORIGIN, canonicalUrl, newsPage } from '../site/ilo-urls.js';
import type { DiscoveryState } from './discovery-state.js';
import { NEWS_LISTING_PATH, parseNewsListing } from './news-listing.js';
import { type SitemapEntry, parseSitemap } from './sitemap.js';

export const SITEMAP_URL = `${ILO_ORIGIN}/sitemap.xml`;

export interface DiscoveryOptions {
  mirrorOrigin?: string;
  /** Told the news URLs each sitemap page (or the listing) lists, as it is read. */
  onListed?: (page: string, urls: string[]) => void;
}

export interface DiscoveryResult {
  source: 'sitemap' | 'listing';
  /** News URLs listed by the source this run (sitemap pages answering 304 list nothing new). */
  listed: number;
  sitemapPagesFetched: number;
  sitemapPagesNotModified: number;
  sitemapPagesGone: number;
  /**
   * Sitemap pages that failed or held no sitemap (cut short, not XML, no entries): their URLs are
   * not known this run; no validators are kept for them, so the next run reads them again.
   */
  sitemapPagesUnread: number;
  /** Every sitemap page was read (or answered 304): the site's whole list of news pages is known. */
  complete: boolean;
}

/** The site could not be read at all: neither the sitemap nor the listing answered. */
export class OriginUnreachable extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'OriginUnreachable';
  }
}

/** Reads the site's sitemaps (or the listing) into `state`: every news URL with its lastmod. */
export async function discoverNewsPages(
  fetcher: Fetcher,
  state: DiscoveryState,
  logger: Logger,
  options: DiscoveryOptions = {},
): Promise<DiscoveryResult> {
  const result: DiscoveryResult = {
    source: 'sitemap',
    listed: 0,
    sitemapPagesFetched: 0,
    sitemapPagesNotModified: 0,
    sitemapPagesGone: 0,
    sitemapPagesUnread: 0,
    complete: false,
  };
  let pages: string[];
  try {
    pages = await readSitemapIndex(fetcher, state, options);
  } catch (error) {
    // The listing is on the same site: when the site cannot be reached at all, or its robots.txt
    // forbids everything, trying it too only repeats the failure.
    if (error instanceof FetchFailure && SITE_WIDE.has(error.reason)) throw siteUnreachable(error, options);
    logger.warn('sitemap unavailable, reading the news listing instead', { reason: errorMessage(error) });
    return readListing(fetcher, state, result, asError(error), options);
  }
  for (const page of pages) {
    let response: FetchResult;
    try {
      response = await fetcher.fetch(page, state.sitemaps[page]);
    } catch (error) {
      // One broken sitemap page must not stop the others; its URLs stay as they were.
      logger.warn('sitemap page failed: read again next run', { url: page, reason: errorMessage(error) });
      result.sitemapPagesUnread++;
      delete state.sitemaps[page];
      continue;
    }
    if (response.status === 'not-modified') {
      result.sitemapPagesNotModified++;
      continue;
    }
    if (response.status === 'gone') {
      result.sitemapPagesGone++;
      delete state.sitemaps[page];
      continue;
    }
    result.sitemapPagesFetched++;
    let entries: SitemapEntry[];
    try {
      const parsed = parseSitemap(response.body);
      if (parsed.kind !== 'urlset' || parsed.entries.length === 0)
        throw new Error(
          parsed.kind !== 'urlset' ? 'a sitemap index where a page of URLs was expected' : 'it lists no URLs',
        );
      entries = parsed.entries;
    } catch (error) {
      // Garbage accepted here was garbage for good: its validators would make every later run get a 304.
      logger.warn('sitemap page is not a usable sitemap: read again next run', {
        url: page,
        reason: errorMessage(error),
      });
      result.sitemapPagesUnread++;
      delete state.sitemaps[page];
      continue;
    }
    result.listed += recordEntries(state, page, entries, options);
    state.sitemaps[page] = validators(response);
  }
  result.complete = result.sitemapPagesUnread === 0;
  return result;
}

async function readSitemapIndex(fetcher: Fetcher, state: DiscoveryState, options: DiscoveryOptions): Promise<string[]> {
  const known = state.sitemaps[SITEMAP_URL];
  const response = await fetcher.fetch(SITEMAP_URL, known?.pages ? known : undefined);
  if (response.status === 'not-modified' && known?.pages) return known.pages;
  if (response.status !== 'ok')
    throw new Error(`sitemap index answered ${response.status === 'gone' ? response.httpStatus : 304}`);
  const parsed = parseSitemap(response.body);
  if (parsed.entries.length === 0) throw new Error('the sitemap index lists nothing');
  if (parsed.kind === 'urlset') {
    // A plain sitemap where an index was expected: read it as the only page.
    state.sitemaps[SITEMAP_URL] = { pages: [] };
    recordEntries(state, SITEMAP_URL, parsed.entries, options);
    return [];
  }
  const pages = parsed.entries
    .map((entry) => canonicalUrl(entry.loc, SITEMAP_URL, options.mirrorOrigin))
    .filter((url): url is string => url !== undefined && new URL(url).origin === ILO_ORIGIN);
  state.sitemaps[SITEMAP_URL] = { ...validators(response), pages };
  return pages;
}

async function readListing(
  fetcher: Fetcher,
  state: DiscoveryState,
  result: DiscoveryResult,
  sitemapError: Error,
  options: DiscoveryOptions,
): Promise<DiscoveryResult> {
  const url = `${ILO_ORIGIN}${NEWS_LISTING_PATH}`;
  let response: FetchResult;
  try {
    response = await fetcher.fetch(url);
  } catch (error) {
    if (error instanceof FetchFailure && (SITE_WIDE.has(error.reason) || error.reason === 'timeout'))
      throw siteUnreachable(error, options);
    throw new OriginUnreachable(
      `neither the sitemap nor the news listing could be read (${sitemapError.message}; ${errorMessage(error)})`,
    );
  }
  if (response.status !== 'ok') {
    throw new OriginUnreachable(
      `neither the sitemap nor the news listing could be read (${sitemapError.message}; listing answered ${response.status})`,
    );
  }
  const entries = parseNewsListing(response.body, url, options.mirrorOrigin);
  return { ...result, source: 'listing', listed: recordEntries(state, url, entries, options) };
}

// Failures that are about the whole site, not one document.
const SITE_WIDE = new Set(['network', 'robots-unreachable']);

/** The one-line reason a run could not read the site, naming the host really asked (a mirror, say). */
function siteUnreachable(error: FetchFailure, options: DiscoveryOptions): OriginUnreachable {
  const origin = options.mirrorOrigin ? `${options.mirrorOrigin} (the mirror of ${ILO_ORIGIN})` : ILO_ORIGIN;
  if (error.reason === 'robots-unreachable') return new OriginUnreachable(`cannot read ${origin}: ${error.detail}`);
  return new OriginUnreachable(`cannot reach the origin ${origin}: ${error.detail.replace(/ from \S+$/, '')}`);
}

/** Notes each news URL and its lastmod in the state. Returns how many news URLs there were. */
function recordEntries(
  state: DiscoveryState,
  source: string,
  entries: SitemapEntry[],
  options: DiscoveryOptions,
): number {
  const listed: string[] = [];
  for (const entry of entries) {
    const url = canonicalUrl(entry.loc, SITEMAP_URL, options.mirrorOrigin);
    const page = url ? newsPage(url) : undefined;
    if (!page) continue;
    listed.push(page.url);
    const current = state.urls[page.url];
    const lastmod = entry.lastmod ?? null;
    state.urls[page.url] = current ? { ...current, lastmod } : { lang: page.lang, lastmod };
  }
  options.onListed?.(source, listed);
  return listed.length;
}

function validators(response: { etag?: string; lastModified?: string }): { etag?: string; lastModified?: string } {
  return {
    ...(response.etag ? { etag: response.etag } : {}),
    ...(response.lastModified ? { lastModified: response.lastModified } : {}),
  };
}
