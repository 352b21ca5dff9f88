// Options of a pipeline run, as plain data. The CLI and the handlers build them from flags and
// environment; the core only reads them.

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

export const FEED_SIZE = 50;
/**
 * On AWS, a page queued for ingest and not confirmed stored is queued again after this long (then
 * twice as long each time, up to a week): well past the ingest queue's own retries (about 2 hours:
 * maxReceiveCount x visibility timeout), so a page still being retried is not queued twice.
 */
export const REQUEUE_AFTER_MS = 6 * 60 * 60 * 1000;
export const MAX_REQUEUE_AFTER_MS = 7 * 24 * 60 * 60 * 1000;
export const FIRST_RUN_WINDOW = 100;

export const DEFAULT_OPTIONS: PipelineOptions = {
  publicUrl: 'http://127.0.0.1:8080',
  contentMode: 'full',
  max: 200,
  backfill: false,
  concurrency: 2,
};
