// Discovery's choice: of the pending pages the reading found (read-sitemaps.ts), the ones to
// ingest this run.
import type { LanguageKey } from '../site/ilo-urls.js';
import { type DiscoveryState, isAwaitingIngest, isPending, isSetAside, markSetAside } from './discovery-state.js';

export interface SelectionOptions {
  /** Only pages whose lastmod is on or after this date; older pending pages are set aside. */
  since?: string;
  /** At most this many pages this run; the rest stay pending for the next run. */
  max: number;
  /** Ingest the whole archive over as many runs as it takes, instead of starting from the newest. */
  backfill: boolean;
  /** How many of the newest pages a first run (no state yet) takes; the rest are set aside. */
  firstRunWindow: number;
  /** The time now: pages queued for ingest (on AWS) within their wait are left to the queue. */
  now?: Date;
}

export interface Candidate {
  url: string;
  lang: LanguageKey;
  lastmod: string | null;
}

/**
 * The pages to ingest now, newest first (English before Chinese on a tie, so pairs form from the
 * English side). Pages set aside (older than --since, or beyond a first run's window) stay pending:
 * an ordinary run leaves them until they change; --backfill, or a --since that reaches them, takes
 * them, --max at a time.
 */
export function selectCandidates(state: DiscoveryState, firstRun: boolean, options: SelectionOptions): Candidate[] {
  const pending: Candidate[] = [];
  for (const [url, urlState] of Object.entries(state.urls)) {
    if (!isPending(urlState) || isAwaitingIngest(urlState, options.now)) continue;
    pending.push({ url, lang: urlState.lang, lastmod: urlState.lastmod });
  }
  pending.sort(
    (a, b) =>
      timeOf(b.lastmod) - timeOf(a.lastmod) ||
      (a.lang === b.lang ? a.url.localeCompare(b.url) : a.lang === 'en' ? -1 : 1),
  );
  const setAside = (candidate: Candidate) => markSetAside(state, candidate.url);
  let selected: Candidate[];
  if (options.since) {
    const since = timeOf(options.since);
    selected = pending.filter((candidate) => timeOf(candidate.lastmod) >= since);
    pending.filter((candidate) => timeOf(candidate.lastmod) < since).forEach(setAside);
  } else if (options.backfill) {
    selected = pending;
  } else if (firstRun) {
    pending.slice(options.firstRunWindow).forEach(setAside);
    selected = pending.slice(0, options.firstRunWindow);
  } else {
    selected = pending.filter((candidate) => {
      const known = state.urls[candidate.url];
      return !(known && isSetAside(known));
    });
  }
  return options.max > 0 ? selected.slice(0, options.max) : selected;
}

function timeOf(value: string | null): number {
  if (value === null) return 0;
  const time = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
  return Number.isNaN(time) ? 0 : time;
}
