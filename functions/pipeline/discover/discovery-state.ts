// What discovery remembers between runs (state/crawl.json): sitemap validators, and for every
// news URL the lastmod seen and the lastmod at which it was last handled. A URL is pending while
// the two differ, so a rerun with nothing changed fetches no article page at all. A page set aside
// (beyond a first run's window, older than --since) stays pending: an ordinary run leaves it until
// it changes, --backfill or an earlier --since takes it (docs/ARCHITECTURE.md, "Invariants").
// On AWS a page is queued, not handled: discover notes when ("queued at") and confirms it from
// ingest's receipts later, so a page queued but never stored is queued again.
import { MAX_REQUEUE_AFTER_MS, REQUEUE_AFTER_MS } from '../config.js';
import type { FetchConditions } from '../ports.js';
import type { LanguageKey } from '../site/ilo-urls.js';

export const DISCOVERY_SCHEMA = 'ilo-syndication/discovery@1';

/**
 * `queued`: handed to the ingest queue (on AWS, where ingest runs apart from discovery) and not yet
 * confirmed stored; the page stays pending (see `queued` in UrlState).
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
  /** Handed to the ingest queue and not yet confirmed stored: when, for which lastmod, how often. */
  queued?: QueuedState;
}

export interface QueuedState {
  /** ISO instant of the latest hand-over. */
  at: string;
  lastmod: string | null;
  /** Hand-overs in a row for this lastmod: each waits twice as long as the one before. */
  times: number;
}

export interface SitemapState extends FetchConditions {
  /** For the index: the sitemap pages it listed, reused when it answers 304. */
  pages?: string[];
}

export interface DiscoveryState {
  schema: typeof DISCOVERY_SCHEMA;
  sitemaps: Record<string, SitemapState>;
  urls: Record<string, UrlState>;
  /**
   * False until one discovery has read every sitemap page: until then each run is a first run (takes
   * the newest pages only). A first run that met a garbage or failing sitemap knew only part of the
   * site, and the next run took everything instead. Absent in state written before: read as true.
   */
  wholeSiteSeen?: boolean;
}

/** What a run relies on in state/crawl.json (a file edited by hand may hold anything). */
export function isDiscoveryState(value: unknown): value is DiscoveryState {
  const state = value as Partial<DiscoveryState>;
  return (
    isRecord(state) &&
    isRecord(state.urls) &&
    isRecord(state.sitemaps) &&
    Object.values(state.urls).every(isRecord) &&
    Object.values(state.sitemaps).every(isRecord)
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function emptyDiscoveryState(): DiscoveryState {
  return { schema: DISCOVERY_SCHEMA, sitemaps: {}, urls: {}, wholeSiteSeen: false };
}

/** Whether this run is a first run: no state yet, or no discovery has seen the whole site. */
export function isFirstRun(state: DiscoveryState | undefined): boolean {
  return state === undefined || state.wholeSiteSeen === false;
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
  if (state.outcome === 'queued' && state.queued === undefined) {
    // Earlier versions marked a queued page handled: nothing confirmed it was ever stored.
    const { handled, outcome: _legacy, ...rest } = state;
    return { ...rest, queued: { at: new Date(0).toISOString(), lastmod: handled ?? null, times: 1 } };
  }
  if (state.outcome !== 'baseline') return state;
  const { handled, outcome: _legacy, ...rest } = state;
  return { ...rest, setAside: rest.setAside ?? handled ?? null };
}

/** Records the outcome of handling a URL at the lastmod currently known for it (or at `lastmod`). */
export function markHandled(
  state: DiscoveryState,
  url: string,
  lang: LanguageKey,
  outcome: UrlOutcome,
  lastmod?: string | null,
): void {
  const { queued: _done, ...current } = state.urls[url] ?? { lang, lastmod: null };
  state.urls[url] = { ...current, handled: lastmod === undefined ? current.lastmod : lastmod, outcome };
}

/** Notes that a page was handed to the ingest queue now. It stays pending until a receipt confirms it. */
export function markQueued(state: DiscoveryState, url: string, lang: LanguageKey, now: Date): void {
  const current = normalizeUrlState(state.urls[url] ?? { lang, lastmod: null });
  // Queued again for the same lastmod: counted, for the growing wait before another try (requeueDelayMs).
  const times =
    current.queued !== undefined && current.queued.lastmod === current.lastmod ? current.queued.times + 1 : 1;
  state.urls[url] = {
    ...current,
    outcome: 'queued',
    queued: { at: now.toISOString(), lastmod: current.lastmod, times },
  };
}

/**
 * Queued for its current lastmod and still within its wait: the queue (with its retries) has it. A
 * page whose wait is over was queued but never confirmed stored, and is queued again; so is a page
 * that changed since it was queued.
 */
export function isAwaitingIngest(state: UrlState, now: Date | undefined): boolean {
  const { queued, lastmod } = normalizeUrlState(state);
  if (queued === undefined || queued.lastmod !== lastmod) return false;
  // Without the time, a queued page is left to the queue.
  return now === undefined || now.getTime() - Date.parse(queued.at) < requeueDelayMs(queued.times);
}

/** How long a page handed over `times` times waits before it is queued again: 6 h, 12 h, ... 7 days. */
export function requeueDelayMs(times: number): number {
  return Math.min(REQUEUE_AFTER_MS * 2 ** Math.max(0, times - 1), MAX_REQUEUE_AFTER_MS);
}

/**
 * Merges what another run wrote meanwhile into ours: for each URL the newer sighting and the more
 * recent handling win, so overlapping runs never undo each other's work.
 */
export function mergeDiscoveryStates(theirs: DiscoveryState, ours: DiscoveryState): DiscoveryState {
  const merged: DiscoveryState = {
    schema: DISCOVERY_SCHEMA,
    sitemaps: { ...theirs.sitemaps, ...ours.sitemaps },
    urls: { ...theirs.urls },
    ...(!isFirstRun(theirs) || !isFirstRun(ours) ? {} : { wholeSiteSeen: false }),
  };
  for (const [url, ownState] of Object.entries(ours.urls)) {
    const mine = normalizeUrlState(ownState);
    const stored = theirs.urls[url];
    if (!stored) {
      merged.urls[url] = mine;
      continue;
    }
    const other = normalizeUrlState(stored);
    const lastmod = newer(other.lastmod, mine.lastmod);
    const handledByMe =
      mine.handled !== undefined &&
      (other.handled === undefined || newer(other.handled, mine.handled) === mine.handled);
    const handler = handledByMe ? mine : other;
    const setAside = newer(other.setAside, mine.setAside);
    // The latest hand-over wins; a hand-over older than the handling it led to is done.
    const queued = [mine.queued, other.queued]
      .filter((q): q is QueuedState => q !== undefined)
      .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))[0];
    const queuedOpen =
      queued !== undefined &&
      !(handler.handled !== undefined && handler.handled === queued.lastmod && handler.outcome !== 'queued');
    merged.urls[url] = {
      lang: mine.lang,
      lastmod,
      ...(handler.handled !== undefined ? { handled: handler.handled } : {}),
      ...(queuedOpen ? { outcome: 'queued' as const, queued } : handler.outcome ? { outcome: handler.outcome } : {}),
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
