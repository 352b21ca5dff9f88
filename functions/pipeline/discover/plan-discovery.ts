// Discovery as a step of its own: read the state, read the site, choose the pages to ingest. The CLI
// ingests them in the same process; on AWS the discover Lambda queues them for the ingest Lambda.
import { FIRST_RUN_WINDOW, type PipelineOptions } from '../config.js';
import type { PipelinePorts, Store } from '../ports.js';
import { readJson, updateJson } from '../state/json-objects.js';
import { keys } from '../state/store-keys.js';
import { type Candidate, selectCandidates } from './choose-candidates.js';
import { type DiscoveryResult, discoverNewsPages } from './read-sitemaps.js';
import {
  type DiscoveryState,
  emptyDiscoveryState,
  isDiscoveryState,
  isFirstRun,
  mergeDiscoveryStates,
} from './discovery-state.js';
import { confirmQueuedPages } from './ingest-receipts.js';

export interface DiscoveryPlan {
  discovery: DiscoveryResult;
  candidates: Candidate[];
  /** The state as this run sees it; mark pages handled in it, then save it. */
  state: DiscoveryState;
  knownPages: number;
  /** Pages queued by an earlier run (on AWS) that ingest confirmed since. */
  confirmedQueued: number;
}

export async function planDiscovery(
  ports: Pick<PipelinePorts, 'fetcher' | 'store' | 'logger' | 'clock'>,
  options: Pick<PipelineOptions, 'mirrorOrigin' | 'since' | 'max' | 'backfill'>,
): Promise<DiscoveryPlan> {
  const stored = await readJson<DiscoveryState>(ports.store, keys.crawlState(), isDiscoveryState);
  const state = stored?.value ?? emptyDiscoveryState();
  // Before the site is read: a page is confirmed at the lastmod it was queued for.
  const confirmedQueued = await confirmQueuedPages(ports.store, state);
  const discovery = await discoverNewsPages(
    ports.fetcher,
    state,
    ports.logger,
    options.mirrorOrigin ? { mirrorOrigin: options.mirrorOrigin } : {},
  );
  // A first run lasts until one discovery has seen every sitemap page: a first run that met a garbage
  // sitemap (or only the listing) knew part of the site, and the next run must not take all the rest.
  const firstRun = isFirstRun(stored?.value);
  if (firstRun && !discovery.complete) state.wholeSiteSeen = false;
  else delete state.wholeSiteSeen;
  const candidates = selectCandidates(state, firstRun, {
    ...(options.since ? { since: options.since } : {}),
    max: options.max,
    backfill: options.backfill,
    firstRunWindow: FIRST_RUN_WINDOW,
    now: ports.clock.now(),
  });
  return { discovery, candidates, state, knownPages: Object.keys(state.urls).length, confirmedQueued };
}

/** Saves the state; another run may have written it meanwhile, so merge rather than overwrite. */
export async function saveDiscoveryState(store: Store, state: DiscoveryState): Promise<void> {
  await updateJson<DiscoveryState>(store, keys.crawlState(), (current) =>
    current ? mergeDiscoveryStates(current, state) : state,
  );
}
