// The discovery state as stored (docs/ARCHITECTURE.md, "Store layout"): a head,
// `state/crawl/index.json` (the sitemap validators, whether the whole site was seen, and for each part
// the counts a run reports), and one part per sitemap page, `state/crawl/pages/<name>.json` (the
// state of the URLs that page lists). A run reads the head, the parts that hold pages to fetch, and
// the parts of the sitemap pages that changed (answered 200): a rerun with nothing changed reads the
// head alone, whatever the size of the site. Each document is written only when it changed, parts
// before the head (a run stopped in between left validators older than its parts: the next run
// reads those sitemap pages again). Folders and buckets from before hold one `state/crawl.json`: it
// is read once, split into parts, and removed after the head is written.
import { createHash } from 'node:crypto';
import { PreconditionFailed } from '../errors.js';
import type { Store } from '../ports.js';
import { type Versioned, readJson, stringifyJson } from '../state/json-objects.js';
import { CONTENT_TYPES, keys } from '../state/store-keys.js';
import { SITEMAP_URL } from './read-sitemaps.js';
import {
  DISCOVERY_SCHEMA,
  type DiscoveryState,
  type SitemapState,
  type UrlState,
  isDiscoveryState,
  isFirstRun,
  isPending,
  isSetAside,
  mergeDiscoveryStates,
  normalizeUrlState,
} from './discovery-state.js';

export const CRAWL_HEAD_SCHEMA = 'ilo-syndication/discovery-head@1';
export const CRAWL_PART_SCHEMA = 'ilo-syndication/discovery-part@1';

/** What the head knows of a part without reading it. */
export interface PartSummary {
  urls: number;
  pending: number;
  setAside: number;
  /** Handed to the ingest queue and not yet confirmed (on AWS): read to confirm them. */
  queued: number;
}

export interface CrawlHead {
  schema: typeof CRAWL_HEAD_SCHEMA;
  sitemaps: Record<string, SitemapState>;
  wholeSiteSeen?: boolean;
  parts: Record<string, PartSummary>;
}

export interface CrawlPart {
  schema: typeof CRAWL_PART_SCHEMA;
  /** The sitemap page (or the news listing) whose URLs these are. */
  page: string;
  urls: Record<string, UrlState>;
}

/** The part of URLs no page listed when they were last written (a page that left the sitemap, a split of the old file). */
const UNLISTED = 'unlisted';

/** A part's name: readable, and unique by the page URL's hash. */
function partName(page: string): string {
  const readable = page
    .replace(/^https?:\/\/[^/]+\//, '')
    .replace(/[^a-z0-9]+/gi, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40)
    .toLowerCase();
  return `${readable || 'page'}-${createHash('sha256').update(page).digest('hex').slice(0, 12)}`;
}

function isCrawlHead(value: unknown): value is CrawlHead {
  const head = value as Partial<CrawlHead>;
  return (
    isRecord(head) &&
    isRecord(head.sitemaps) &&
    isRecord(head.parts) &&
    Object.values(head.parts).every(
      (part) => isRecord(part) && ['urls', 'pending', 'setAside', 'queued'].every((n) => typeof part[n] === 'number'),
    )
  );
}

function isCrawlPart(value: unknown): value is CrawlPart {
  const part = value as Partial<CrawlPart>;
  return isRecord(part) && isRecord(part.urls) && Object.values(part.urls).every(isRecord);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function summarizePart(urls: Iterable<UrlState>): PartSummary {
  const summary: PartSummary = { urls: 0, pending: 0, setAside: 0, queued: 0 };
  for (const url of urls) {
    summary.urls++;
    if (!isPending(url)) continue;
    summary.pending++;
    if (isSetAside(url)) summary.setAside++;
    if (normalizeUrlState(url).queued) summary.queued++;
  }
  return summary;
}

/** Holds pages an ordinary run takes or must confirm: pending and not set aside, or queued. */
function holdsWork(summary: PartSummary): boolean {
  return summary.pending > summary.setAside || summary.queued > 0;
}

interface LoadedPart {
  stored?: Versioned<CrawlPart>;
  /** Its URLs as stored, to write it only when they changed. */
  body?: string;
}

/**
 * The discovery state of one run: `state` holds the URLs of the parts read so far (the rest of the
 * site is in parts this run has no reason to read); the head has the counts of every part.
 */
export class CrawlStore {
  readonly state: DiscoveryState;
  private readonly loaded = new Map<string, LoadedPart>();
  /** The part each URL in `state` was read from. */
  private readonly partOf = new Map<string, string>();
  /** The part of the page that listed each URL this run: where it is written. */
  private readonly listedOn = new Map<string, string>();
  /** The page each part is named after. */
  private readonly pageOfPart = new Map<string, string>();

  private constructor(
    private readonly store: Store,
    private readonly head: Versioned<CrawlHead> | undefined,
    /** state/crawl.json of an earlier release, split by this run. */
    private readonly legacy: boolean,
    state: DiscoveryState,
  ) {
    this.state = state;
  }

  /** Reads the head (or, once, the single state file of an earlier release). */
  static async open(store: Store): Promise<CrawlStore> {
    const head = await readJson<CrawlHead>(store, keys.crawlHead(), isCrawlHead);
    if (head) {
      const { sitemaps, wholeSiteSeen } = head.value;
      const state: DiscoveryState = {
        schema: DISCOVERY_SCHEMA,
        sitemaps: structuredClone(sitemaps),
        urls: {},
        ...(wholeSiteSeen === false ? { wholeSiteSeen: false } : {}),
      };
      return new CrawlStore(store, head, false, state);
    }
    const old = await readJson<DiscoveryState>(store, keys.crawlState(), isDiscoveryState);
    if (!old) return new CrawlStore(store, undefined, false, emptyState());
    // Which page listed which URL was not kept: the sitemap pages are read again (without their
    // validators) to place each URL in its page's part.
    const index = old.value.sitemaps[SITEMAP_URL];
    const sitemaps: Record<string, SitemapState> = index?.pages ? { [SITEMAP_URL]: index } : {};
    return new CrawlStore(store, undefined, true, { ...old.value, sitemaps });
  }

  /** Whether anything was stored before this run. */
  get exists(): boolean {
    return this.head !== undefined || this.legacy;
  }

  /** No discovery has seen the whole site yet. */
  get firstRun(): boolean {
    if (this.legacy) return isFirstRun(this.state);
    return this.head === undefined || this.head.value.wholeSiteSeen === false;
  }

  /** News pages known: those read this run and the counts of the parts not read. */
  knownPages(): number {
    let known = Object.keys(this.state.urls).length;
    for (const [name, summary] of Object.entries(this.head?.value.parts ?? {})) {
      if (!this.loaded.has(name)) known += summary.urls;
    }
    return known;
  }

  /**
   * Reads the parts with pages an ordinary run takes or confirms; `wholeSite` (a selection over the
   * whole site: a first run, --backfill, --since): every part with a page pending, set aside or not.
   */
  async loadWork(wholeSite: boolean): Promise<void> {
    for (const [name, summary] of Object.entries(this.head?.value.parts ?? {})) {
      if (wholeSite ? summary.pending > 0 : holdsWork(summary)) await this.loadPart(name);
    }
  }

  /** Reads every part (to look at the whole state). */
  async loadAll(): Promise<void> {
    for (const name of Object.keys(this.head?.value.parts ?? {})) await this.loadPart(name);
  }

  /** Notes the URLs a sitemap page (or the listing) listed this run. */
  listed(page: string, urls: string[]): void {
    const name = partName(page);
    this.pageOfPart.set(name, page);
    for (const url of urls) this.listedOn.set(url, name);
  }

  /**
   * After the site was read: the parts of the pages that listed URLs this run (their URLs may have
   * changed; a URL that moved to another page left a page that changed too), and, if any did, the
   * parts of no current sitemap page (a page that left the index, the news listing's, the unlisted
   * URLs'), whose URLs a listed page may hold now. A URL listed before its part was read gets its
   * stored state with the lastmod seen.
   */
  async loadListed(): Promise<void> {
    const names = new Set(this.listedOn.values());
    if (names.size > 0) {
      const current = new Set([SITEMAP_URL, ...(this.state.sitemaps[SITEMAP_URL]?.pages ?? [])].map(partName));
      for (const name of Object.keys(this.head?.value.parts ?? {})) if (!current.has(name)) names.add(name);
    }
    for (const name of names) if (this.head?.value.parts[name]) await this.loadPart(name);
  }

  private async loadPart(name: string): Promise<void> {
    if (this.loaded.has(name)) return;
    const stored = await readJson<CrawlPart>(this.store, keys.crawlPart(name), isCrawlPart);
    this.loaded.set(name, stored ? { stored, body: stringifyJson(stored.value.urls) } : {});
    for (const [url, urlState] of Object.entries(stored?.value.urls ?? {})) {
      const seen = this.state.urls[url];
      if (seen && this.partOf.has(url)) {
        // In two parts (runs that overlapped while it moved between pages): the newer sighting and the
        // more recent handling win, as when runs merge; it is written back to the first part only.
        this.state.urls[url] = mergeUrls({ [url]: seen }, { [url]: urlState })[url] ?? seen;
        continue;
      }
      this.state.urls[url] = seen ? { ...urlState, lastmod: seen.lastmod } : urlState;
      this.partOf.set(url, name);
    }
  }

  /**
   * Writes the parts that changed, then the head if it changed; another run may have written them
   * meanwhile, so a refused compare-and-swap merges with what is stored. Returns the site's counts.
   */
  async save(): Promise<{ pending: number; setAside: number }> {
    const parts = new Map<string, Record<string, UrlState>>();
    for (const name of this.loaded.keys()) parts.set(name, {});
    for (const [url, urlState] of Object.entries(this.state.urls)) {
      const name = this.listedOn.get(url) ?? this.partOf.get(url) ?? UNLISTED;
      const part = parts.get(name) ?? {};
      part[url] = urlState;
      parts.set(name, part);
    }
    const summaries: Record<string, PartSummary> = {};
    for (const [name, urls] of parts) {
      const written = await this.savePart(name, sortedKeys(urls));
      if (written) summaries[name] = summarizePart(Object.values(written));
    }
    const head = await this.saveHead(summaries);
    if (this.legacy) await this.store.delete(keys.crawlState());
    const counts = { pending: 0, setAside: 0 };
    for (const summary of Object.values(head.parts)) {
      counts.pending += summary.pending;
      counts.setAside += summary.setAside;
    }
    return counts;
  }

  /** Returns the part's URLs as stored now (undefined: an empty part, not stored). */
  private async savePart(name: string, ours: Record<string, UrlState>): Promise<Record<string, UrlState> | undefined> {
    const key = keys.crawlPart(name);
    let { stored, body } = this.loaded.get(name) ?? {};
    let next = ours;
    for (let attempt = 1; ; attempt++) {
      if (!stored && Object.keys(next).length === 0) return undefined;
      if (body === stringifyJson(next)) return next;
      const page = stored?.value.page ?? this.pageOfPart.get(name) ?? name;
      try {
        await this.store.put(key, stringifyJson({ schema: CRAWL_PART_SCHEMA, page, urls: next }), {
          contentType: CONTENT_TYPES.json,
          ...(stored ? { ifMatch: stored.etag } : { ifNoneMatch: '*' as const }),
        });
        return next;
      } catch (error) {
        if (!(error instanceof PreconditionFailed) || attempt >= 8) throw error;
        stored = await readJson<CrawlPart>(this.store, key, isCrawlPart);
        body = stored ? stringifyJson(stored.value.urls) : undefined;
        next = stored ? sortedKeys(mergeUrls(stored.value.urls, ours)) : ours;
      }
    }
  }

  private async saveHead(written: Record<string, PartSummary>): Promise<CrawlHead> {
    const key = keys.crawlHead();
    let current = this.head;
    for (let attempt = 1; ; attempt++) {
      const theirs = current?.value;
      const merged = theirs
        ? mergeDiscoveryStates(
            { ...emptyState(), ...wholeSite(theirs), sitemaps: theirs.sitemaps },
            { ...this.state, urls: {} },
          )
        : this.state;
      const next: CrawlHead = {
        schema: CRAWL_HEAD_SCHEMA,
        sitemaps: merged.sitemaps,
        ...wholeSite(merged),
        parts: sortedKeys({ ...theirs?.parts, ...written }),
      };
      const body = stringifyJson(next);
      if (theirs && body === stringifyJson(theirs)) return next;
      try {
        await this.store.put(key, body, {
          contentType: CONTENT_TYPES.json,
          ...(current ? { ifMatch: current.etag } : { ifNoneMatch: '*' as const }),
        });
        return next;
      } catch (error) {
        if (!(error instanceof PreconditionFailed) || attempt >= 8) throw error;
        current = await readJson<CrawlHead>(this.store, key, isCrawlHead);
      }
    }
  }
}

/** The whole discovery state as stored, every part read (for tests and tools; a run reads what it needs). */
export async function readWholeCrawlState(store: Store): Promise<DiscoveryState | undefined> {
  const crawl = await CrawlStore.open(store);
  if (!crawl.exists) return undefined;
  await crawl.loadAll();
  return crawl.state;
}

function mergeUrls(theirs: Record<string, UrlState>, ours: Record<string, UrlState>): Record<string, UrlState> {
  return mergeDiscoveryStates({ ...emptyState(), urls: theirs }, { ...emptyState(), urls: ours }).urls;
}

function emptyState(): DiscoveryState {
  return { schema: DISCOVERY_SCHEMA, sitemaps: {}, urls: {} };
}

function wholeSite(state: { wholeSiteSeen?: boolean }): { wholeSiteSeen?: boolean } {
  return state.wholeSiteSeen === false ? { wholeSiteSeen: false } : {};
}

function sortedKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
