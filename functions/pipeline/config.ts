// Options of a pipeline run, as plain data. The CLI and the handlers build them from flags and
// environment; the core only reads them.
import { ILO_ORIGIN } from './site/ilo-urls.js';

export type ContentMode = 'full' | 'summary';

export interface PipelineOptions {
  /** Where the public files are served; feeds' self links and notification links are built on it. */
  publicUrl: string;
  /** `full`: feeds and exports carry the story's body; `summary`: title, lead, link and attribution. */
  contentMode: ContentMode;
  /** A mirror that serves the ILO site; its URLs are mapped back to https://www.ilo.org in outputs. */
  mirrorOrigin?: string;
  since?: string;
  /** Pages ingested at most per run (0: no limit). */
  max: number;
  backfill: boolean;
  /** Stories ingested at once. The fetcher's rate limit still applies across them. */
  concurrency: number;
}

/** What the feeds name as their generator (RSS <generator>, Atom <generator>), wherever they are published. */
export const GENERATOR = 'ilo-syndication (https://github.com/ilo-syndication/ilo-syndication)';

export const FEED_SIZE = 50;
/**
 * Stories a publish holds at once: the queue is published in batches of this many, each a whole
 * publish in the commit order (docs/ARCHITECTURE.md, "Publish's commit order"), so a backfill of any
 * size holds no more than one batch of full copies.
 */
export const PUBLISH_BATCH = 500;
/**
 * On AWS, a page queued for ingest and not confirmed stored is queued again after this long (then
 * twice as long each time, up to a week): well past the ingest queue's own retries (about 2 hours:
 * maxReceiveCount x visibility timeout), so a page still being retried is not queued twice.
 */
export const REQUEUE_AFTER_MS = 6 * 60 * 60 * 1000;
export const MAX_REQUEUE_AFTER_MS = 7 * 24 * 60 * 60 * 1000;
export const FIRST_RUN_WINDOW = 100;

const SERVE_PORT = 8080;

/**
 * Every default, once: the CLI's flags, the Lambdas' environment, the stack's context
 * (functions/settings/settings.ts gives them to each setting) and the HTTP fetcher read them here.
 */
export const DEFAULTS = {
  /** Where the ILO site is read from. */
  origin: ILO_ORIGIN,
  /** Where `serve` listens on 127.0.0.1. */
  servePort: SERVE_PORT,
  /** Where the public files are served: `serve`'s address. */
  publicUrl: `http://127.0.0.1:${SERVE_PORT}`,
  contentMode: 'full',
  /** The local store folder. */
  dataDir: './data',
  /** Pages ingested at most per run. */
  maxPages: 200,
  /** Stories ingested, and requests to the origin, at once. */
  concurrency: 2,
  /** Requests per second to the origin. */
  requestsPerSecond: 1,
  /** Per-request timeout. */
  timeoutSeconds: 20,
  /** Retries of a request that failed on 429, 5xx or the network. */
  retries: 3,
} as const satisfies Record<string, string | number>;

export const DEFAULT_OPTIONS: PipelineOptions = {
  publicUrl: DEFAULTS.publicUrl,
  contentMode: DEFAULTS.contentMode,
  max: DEFAULTS.maxPages,
  backfill: false,
  concurrency: DEFAULTS.concurrency,
};
