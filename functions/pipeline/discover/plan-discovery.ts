// Discovery as a step of its own: read the state, read the site, choose the pages to ingest. The CLI
// ingests them in the same process; on AWS the discover Lambda queues them for the ingest Lambda.
import { FIRST_RUN_WINDOW, type PipelineOptions } from '../config.js';
import type { PipelinePorts } from '../ports.js';
import { type Candidate, selectCandidates } from './choose-candidates.js';
import { CrawlStore } from './crawl-store.js';
import { type DiscoveryResult, discoverNewsPages } from './read-sitemaps.js';
import type { DiscoveryState } from './discovery-state.js';
import { confirmQueuedPages } from './ingest-receipts.js';

export interface DiscoveryPlan {
  discovery: DiscoveryResult;
  candidates: Candidate[];
  /** The state as this run sees it (the pages it may take); mark pages handled in it, then save it. */
  state: DiscoveryState;
  /** Where the state is stored: `saveDiscoveryState` writes what changed. */
  crawl: CrawlStore;
  knownPages: number;
  /** Pages queued by an earlier run (on AWS) that ingest confirmed since. */
  confirmedQueued: number;
}

export async function planDiscovery(
  ports: Pick<PipelinePorts, 'fetcher' | 'store' | 'logger' | 'clock'>,
  options: Pick<PipelineOptions, 'mirrorOrigin' | 'since' | 'max' | 'backfill'>,
): Promise<DiscoveryPlan> {
  const crawl = await CrawlStore.open(ports.store);
  const { state } = crawl;
  const firstRun = crawl.firstRun;
  // The pages this run may take: those pending (not set aside) or queued, and, for a selection over
  // the whole site (a first run, --backfill, --since), those set aside too.
  await crawl.loadWork(firstRun || options.backfill || options.since !== undefined);
  // Before the site is read: a page is confirmed at the lastmod it was queued for.
  const confirmedQueued = await confirmQueuedPages(ports.store, state);
  const discovery = await discoverNewsPages(ports.fetcher, state, ports.logger, {
    ...(options.mirrorOrigin ? { mirrorOrigin: options.mirrorOrigin } : {}),
    onListed: (page, urls) => crawl.listed(page, urls),
  });
  // The parts of the sitemap pages that changed: their pages may have changed too.
  await crawl.loadListed();
  // A first run lasts until one discovery has seen every sitemap page: a first run that met a garbage
  // sitemap (or only the listing) knew part of the site, and the next run must not take all the rest.
  if (firstRun && !discovery.complete) state.wholeSiteSeen = false;
  else delete state.wholeSiteSeen;
  const candidates = selectCandidates(state, firstRun, {
    ...(options.since ? { since: options.since } : {}),
    max: options.max,
    backfill: options.backfill,
    firstRunWindow: FIRST_RUN_WINDOW,
    now: ports.clock.now(),
  });
  return { discovery, candidates, state, crawl, knownPages: crawl.knownPages(), confirmedQueued };
}

/**
 * Saves what changed of the state (another run may have written it meanwhile: merged, not
 * overwritten). Returns the pages still pending on the whole site, and how many were set aside.
 */
export async function saveDiscoveryState(
  plan: Pick<DiscoveryPlan, 'crawl'>,
): Promise<{ pending: number; setAside: number }> {
  return plan.crawl.save();
}
