// On AWS, discover queues pages and ingest handles them in another function, so discover cannot
// mark them handled itself. Ingest leaves a receipt per page it settled (stored, covered by its
// twin, gone, rejected); the next discover reads the receipts of the pages it queued and marks
// those handled. A queued page with no receipt stays pending, and is queued again once its wait is
// over (discovery-state.ts), so nothing depends on a person redriving a dead-letter queue in time.
import type { Store } from '../ports.js';
import { readJson, stringifyJson } from '../state/json-objects.js';
import { CONTENT_TYPES, keys } from '../state/store-keys.js';
import type { LanguageKey } from '../site/ilo-urls.js';
import { type DiscoveryState, type UrlOutcome, markHandled, normalizeUrlState } from './discovery-state.js';

const RECEIPT_SCHEMA = 'ilo-syndication/ingest-receipt@1';

export interface IngestReceipt {
  schema: typeof RECEIPT_SCHEMA;
  url: string;
  lang: LanguageKey;
  outcome: Exclude<UrlOutcome, 'queued' | 'baseline'>;
  /** When ingest settled the page: a receipt confirms the hand-overs made before it. */
  at: string;
}

/** Writes one receipt per settled page (the page asked for, and its twin when it came along). */
export async function writeIngestReceipts(
  store: Store,
  pages: Omit<IngestReceipt, 'schema' | 'at'>[],
  now: Date,
): Promise<void> {
  for (const page of pages) {
    const receipt: IngestReceipt = { schema: RECEIPT_SCHEMA, ...page, at: now.toISOString() };
    await store.put(keys.ingestReceipt(page.url), stringifyJson(receipt), { contentType: CONTENT_TYPES.json });
  }
}

/**
 * Marks handled every queued page whose receipt is at least as recent as its latest hand-over. The
 * page is handled at the lastmod it was queued for, so a change seen since keeps it pending.
 * Returns how many were confirmed.
 */
export async function confirmQueuedPages(store: Store, state: DiscoveryState, parallel = 8): Promise<number> {
  const queued = Object.entries(state.urls).flatMap(([url, urlState]) => {
    const current = normalizeUrlState(urlState);
    return current.queued ? [{ url, lang: current.lang, queued: current.queued }] : [];
  });
  let confirmed = 0;
  for (let i = 0; i < queued.length; i += parallel) {
    await Promise.all(
      queued.slice(i, i + parallel).map(async ({ url, lang, queued: handover }) => {
        const receipt = (await readJson<IngestReceipt>(store, keys.ingestReceipt(url)))?.value;
        if (!receipt || receipt.url !== url || Date.parse(receipt.at) < Date.parse(handover.at)) return;
        markHandled(state, url, lang, receipt.outcome, handover.lastmod);
        confirmed++;
      }),
    );
  }
  return confirmed;
}
