// What discovery remembers between runs (state/crawl.json): sitemap validators, and for every
// news URL the lastmod seen and the lastmod at which it was last handled. A URL is pending while
// the two differ, so a rerun with nothing changed fetches no article page at all. A page set aside
// (beyond a first run's window, older than --since) stays pending: an ordinary run leaves it until
// it changes, --backfill or an earlier --since takes it (docs/ARCHITECTURE.md, "Invariants").
import type { FetchConditions } from '../ports.js';
import type { LanguageKey } from '../site/ilo-urls.js';

export const DISCOVERY_SCHEMA = 'ilo-syndication/discovery@1';

/**
 * `queued`: handed to the ingest queue (on AWS, where ingest runs apart from discovery).
 * `baseline`: written by earlier versions for a page set aside; read as "set aside, never handled".
 */
export type UrlOutcome = 'ingested' | 'covered' | 'gone' | 'rejected' | 'baseline' | 'queued';

export interface UrlState {
  lang: LanguageKey;
  /** lastmod as last seen in the sitemap (null when the sitemap gives none). */
  lastmod: string | null;
  /** lastmod when this URL was last handled; absent until then. */
  handled?: string | null;
  outcome?: UrlOutcome;
  /** lastmod when this URL was set aside without being fetched; absent when it never was. */
  setAside?: string | null;
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
  const current = normalizeUrlState(state);
  return current.handled === undefined || current.handled !== current.lastmod;
}

/** Pending, but set aside at its current lastmod: only --backfill or an earlier --since takes it. */
export function isSetAside(state: UrlState): boolean {
  const current = normalizeUrlState(state);
  return isPending(current) && current.setAside !== undefined && current.setAside === current.lastmod;
}

/** Notes that a pending page was not taken this run; it stays pending (nothing is marked handled). */
export function markSetAside(state: DiscoveryState, url: string): void {
  const current = state.urls[url];
  if (current) state.urls[url] = { ...normalizeUrlState(current), setAside: current.lastmod };
}

/** Pages still to fetch, and how many of them were set aside (for --backfill or an earlier --since). */
export function countPending(state: DiscoveryState): { pending: number; setAside: number } {
  let pending = 0;
  let setAside = 0;
  for (const url of Object.values(state.urls)) {
    if (!isPending(url)) continue;
    pending++;
    if (isSetAside(url)) setAside++;
  }
  return { pending, setAside };
}

/**
 * Earlier versions marked a set-aside page as handled ("baseline"), so it was never fetched: such a
 * page is read as set aside and still pending.
 */
export function normalizeUrlState(state: UrlState): UrlState {
  if (state.outcome !== 'baseline') return state;
  const { handled, outcome: _legacy, ...rest } = state;
  return { ...rest, setAside: rest.setAside ?? handled ?? null };
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
  for (const [url, ownState] of Object.entries(ours.urls)) {
    const mine = normalizeUrlState(ownState);
    const stored = theirs.urls[url];
    if (!stored) {
      merged.urls[url] = mine;
      continue;
    }
    const other = normalizeUrlState(stored);
    const lastmod = newer(other.lastmod, mine.lastmod);
    const handledByMe = mine.handled !== undefined && (other.handled === undefined || newer(other.handled, mine.handled) === mine.handled);
    const handler = handledByMe ? mine : other;
    const setAside = newer(other.setAside, mine.setAside);
    merged.urls[url] = {
      lang: mine.lang,
      lastmod,
      ...(handler.handled !== undefined ? { handled: handler.handled } : {}),
      ...(handler.outcome ? { outcome: handler.outcome } : {}),
      ...(other.setAside !== undefined || mine.setAside !== undefined ? { setAside } : {}),
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
