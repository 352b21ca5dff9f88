// The Fetcher port over a site kept as files (the bundled replica or a SiteCopy), in process: the
// replica server's URL-to-file mapping, the page's own charset, strong ETags and 304s, 404 as gone.
// For in-process runs of the whole pipeline in tests (no HTTP, no pacing); the HTTP fetcher has its
// own tests against the replica server.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { decodeText } from '#adapters/http/decode-body.js';
import { fileFor } from '#replica/replica-server.js';
import type { FetchConditions, FetchResult, Fetcher } from '#pipeline/ports.js';
import { REPLICA_SITE } from './replica.js';

export class FixtureFetcher implements Fetcher {
  /** Every URL fetched, in order (conditional or not). */
  readonly requests: string[] = [];

  /** `delay` runs before each answer (tests that interleave runs widen the gaps with it). */
  constructor(
    readonly root: string = REPLICA_SITE,
    private readonly delay?: () => Promise<void>,
  ) {}

  async fetch(url: string, conditions?: FetchConditions): Promise<FetchResult> {
    this.requests.push(url);
    await this.delay?.();
    const parsed = new URL(url);
    const file = fileFor(this.root, `${parsed.pathname}${parsed.search}`);
    const bytes = file ? await readFile(file).catch(() => undefined) : undefined;
    if (!bytes) return { status: 'gone', url, httpStatus: 404 };
    const etag = `"${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}"`;
    if (conditions?.etag === etag) return { status: 'not-modified', url };
    return { status: 'ok', url, body: decodeText(bytes, undefined).text, etag };
  }
}
