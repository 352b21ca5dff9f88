// What discovery remembers between runs (state/discovery.json): sitemap validators, and for every
// news URL the lastmod seen and the lastmod at which it was last handled. A URL is pending while
// the two differ, so a rerun with nothing changed fetches no article page at all.
import type { FetchConditions } from '../ports.js';
import type { LanguageKey } from '../site/ilo-urls.js';

export const DISCOVERY_SCHEMA = 'ilo-syndication/discovery@1';

/** `queued`: handed to the ingest queue (on AWS, where ingest runs apart from discovery). */
export type UrlOutcome = 'ingested' | 'covered' | 'gone' | 'rejected' | 'baseline' | 'queued';

export interface UrlState {
  lang: LanguageKey;
  /** lastmod as last seen in the sitemap (null when the sitemap gives none). */
  lastmod: string | null;
  /** lastmod when this URL was last handled; absent until then. */
  handled?: string | null;
  outcome?: UrlOutcome;
}

export interface SitemapState extends FetchConditions {
  /** For the index: the sitemap pages it listed, reused when it answers 304. */
  pages?: string[];
}

export interface DiscoveryState {
  schema: typeof DISCOVERY_SCHEMA;
  sitemaps: Record<string, SitemapState>;
  urls: Record<string, UrlState>;
}

export function emptyDiscoveryState(): DiscoveryState {
  return { schema: DISCOVERY_SCHEMA, sitemaps: {}, urls: {} };
}

export function isPending(state: UrlState): boolean {
  return state.handled === undefined || state.handled !== state.lastmod;
}

/** Records the outcome of handling a URL at the lastmod currently known for it. */
export function markHandled(state: DiscoveryState, url: string, lang: LanguageKey, outcome: UrlOutcome): void {
  const current = state.urls[url] ?? { lang, lastmod: null };
  state.urls[url] = { ...current, handled: current.lastmod, outcome };
}

/**
 * Merges what another run wrote meanwhile into ours: for each URL the newer sighting and the more
 * recent handling win, so overlapping runs never undo each other's work.
 */
export function mergeDiscoveryStates(theirs: DiscoveryState, ours: DiscoveryState): DiscoveryState {
  const merged: DiscoveryState = { schema: DISCOVERY_SCHEMA, sitemaps: { ...theirs.sitemaps, ...ours.sitemaps }, urls: { ...theirs.urls } };
  for (const [url, mine] of Object.entries(ours.urls)) {
    const other = theirs.urls[url];
    if (!other) {
      merged.urls[url] = mine;
      continue;
    }
    const lastmod = newer(other.lastmod, mine.lastmod);
    const handledByMe = mine.handled !== undefined && (other.handled === undefined || newer(other.handled, mine.handled) === mine.handled);
    const handler = handledByMe ? mine : other;
    merged.urls[url] = {
      lang: mine.lang,
      lastmod,
      ...(handler.handled !== undefined ? { handled: handler.handled } : {}),
      ...(handler.outcome ? { outcome: handler.outcome } : {}),
    };
  }
  return merged;
}

function newer(a: string | null | undefined, b: string | null | undefined): string | null {
  if (a == null) return b ?? null;
  if (b == null) return a;
  const [ta, tb] = [Date.parse(a), Date.parse(b)];
  if (!Number.isNaN(ta) && !Number.isNaN(tb)) return ta >= tb ? a : b;
  return a >= b ? a : b;
}
