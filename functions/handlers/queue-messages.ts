// The messages the Lambdas pass through SQS, and their validation: a queue is an input like any other.
import type { Candidate } from '../pipeline/discover/choose-candidates.js';
import { newsPage } from '../pipeline/site/ilo-urls.js';

export interface IngestMessage extends Candidate {}

export interface PublishMessage {
  type: 'publish';
  reason: string;
}

export function ingestMessage(candidate: Candidate): string {
  return JSON.stringify({ url: candidate.url, lang: candidate.lang, lastmod: candidate.lastmod });
}

/**
 * The publish queue is FIFO with this one message group, so Lambda runs one publish at a time.
 * Every request gets its own deduplication id: a request sent after a publish already started must
 * not be dropped as a duplicate of one sent before it (each run publishes everything pending).
 */
export const PUBLISH_MESSAGE_GROUP = 'publish';

export function publishMessage(reason: string): string {
  return JSON.stringify({ type: 'publish', reason } satisfies PublishMessage);
}

/** Parses an ingest message; throws with the reason when it is not one. */
export function parseIngestMessage(body: string): IngestMessage {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    throw new Error('ingest message is not JSON');
  }
  const message = data as Partial<Record<keyof IngestMessage, unknown>>;
  if (typeof message?.url !== 'string') throw new Error('ingest message has no url');
  const page = newsPage(message.url);
  if (!page) throw new Error(`ingest message url is not an ILO news story: ${message.url.slice(0, 200)}`);
  if (message.lang !== page.lang)
    throw new Error(`ingest message lang '${String(message.lang)}' does not match its url`);
  if (message.lastmod !== null && message.lastmod !== undefined && typeof message.lastmod !== 'string') {
    throw new Error('ingest message lastmod must be a string or null');
  }
  return { url: page.url, lang: page.lang, lastmod: (message.lastmod as string | null | undefined) ?? null };
}
