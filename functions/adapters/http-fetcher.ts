// The Fetcher port over HTTP: fetches canonical www.ilo.org URLs from the configured origin (the
// site itself or a mirror), politely and defensively. Honest User-Agent, robots.txt, a request
// pace per host, a concurrency cap, timeouts, a body size cap, retries with exponential backoff
// and jitter on 429/5xx/network errors honouring Retry-After, and no host but the origin fetched.
import pRetry from 'p-retry';
import { DEFAULTS } from '../pipeline/config.js';
import { FetchFailure, errorMessage, isError } from '../pipeline/errors.js';
import type { FetchConditions, FetchResult, Fetcher, Logger } from '../pipeline/ports.js';
import { ILO_ORIGIN } from '../pipeline/site/ilo-urls.js';
import { decodeText } from './http/decode-body.js';
import { unfinishedDocument } from '../pipeline/extract/document-end.js';
import { type PacerClock, RequestPacer, systemPacerClock } from './http/request-pacer.js';
import { ALLOW_ALL, type RobotsRules, parseRobots, unreachableRobots } from './http/robots-policy.js';

export const DEFAULT_USER_AGENT =
  'ilo-syndication/0.1 (+https://github.com/ilo-syndication/ilo-syndication; news syndication bot)';

export interface HttpFetcherOptions {
  /** Where pages are really fetched from: https://www.ilo.org or a mirror serving the same paths. */
  origin: string;
  userAgent: string;
  timeoutMs: number;
  maxBodyBytes: number;
  /** Requests per second to the origin. */
  requestsPerSecond: number;
  concurrency: number;
  retries: number;
  /** First retry delay; doubles each attempt, with jitter. */
  retryMinDelayMs: number;
  /** A Retry-After longer than this fails the request instead of stalling the run. */
  maxRetryAfterMs: number;
  respectRobots: boolean;
  logger?: Logger;
  /** The pace's clock and every wait between tries, Retry-After and backoff (tests inject a virtual one). */
  clock?: PacerClock;
}

export const DEFAULT_HTTP_OPTIONS: Omit<HttpFetcherOptions, 'origin'> = {
  userAgent: DEFAULT_USER_AGENT,
  timeoutMs: DEFAULTS.timeoutSeconds * 1000,
  maxBodyBytes: 8 * 1024 * 1024,
  requestsPerSecond: DEFAULTS.requestsPerSecond,
  concurrency: DEFAULTS.concurrency,
  retries: DEFAULTS.retries,
  retryMinDelayMs: 1_000,
  maxRetryAfterMs: 120_000,
  respectRobots: true,
};

const MAX_REDIRECTS = 5;

/**
 * AbortSignal.timeout, on the global timers: the cut at the deadline then runs on the same clock as
 * the deadline itself (Date.now), which a test's virtual clock moves for both (test/handlers/).
 */
function timeoutSignal(ms: number): AbortSignal {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException(`The operation timed out after ${ms} ms`, 'TimeoutError')),
    ms,
  );
  // Like AbortSignal.timeout's, the timer never keeps the process alive.
  (timer as { unref?: () => void }).unref?.();
  return controller.signal;
}

/** A failure worth another try, with the server's Retry-After when it gave one. */
class RetryableFailure extends FetchFailure {
  retryAfterMs?: number;
}

export class HttpFetcher implements Fetcher {
  private readonly options: HttpFetcherOptions;
  private readonly origin: URL;
  private readonly pacer: RequestPacer;
  /** robots.txt once loaded (or loading); cleared when it could not be reached. */
  private robots: Promise<RobotsRules> | undefined;
  /** Epoch ms after which nothing is waited for or started (a Lambda invocation's time budget). */
  private deadline: number | undefined;

  constructor(options: Partial<HttpFetcherOptions> & { origin: string }) {
    this.options = { ...DEFAULT_HTTP_OPTIONS, ...options };
    this.origin = new URL(this.options.origin);
    if (this.origin.protocol !== 'https:' && this.origin.protocol !== 'http:') {
      throw new Error(`origin must be an http(s) URL, got ${this.options.origin}`);
    }
    const interval = this.options.requestsPerSecond > 0 ? 1000 / this.options.requestsPerSecond : 0;
    this.pacer = new RequestPacer(interval, Math.max(1, this.options.concurrency), this.clock);
  }

  /**
   * Sets (or clears) the time by which every fetch must end: requests are cut at it, retries and
   * Retry-After waits that would run past it are not made. On Lambda, the invocation's deadline.
   */
  setDeadline(epochMs: number | undefined): void {
    this.deadline = epochMs;
  }

  async fetch(url: string, conditions?: FetchConditions): Promise<FetchResult> {
    const target = this.toOrigin(url);
    this.checkTimeLeft(url);
    if (this.options.respectRobots) {
      const rules = await this.robotsRules();
      if (rules.unreachable)
        throw new FetchFailure(
          url,
          'robots-unreachable',
          `${rules.unreachable}, so nothing may be fetched (RFC 9309) until it answers`,
        );
      if (!rules.isAllowed(target.toString()))
        throw new FetchFailure(url, 'robots-disallowed', 'disallowed by robots.txt');
    }
    return pRetry(() => this.pacer.run(() => this.attempt(url, target, conditions)), {
      retries: this.options.retries,
      // p-retry waits on the global timers: the backoff is waited in onFailedAttempt, on the clock.
      minTimeout: 0,
      ...(this.deadline !== undefined ? { maxRetryTime: Math.max(0, this.deadline - Date.now()) } : {}),
      shouldRetry: ({ error }) => error instanceof RetryableFailure,
      onFailedAttempt: async ({ error, attemptNumber, retriesConsumed, retriesLeft }) => {
        if (!(error instanceof RetryableFailure) || retriesLeft === 0) return;
        if (error.retryAfterMs !== undefined && this.timeLeft() <= error.retryAfterMs) {
          throw new FetchFailure(
            url,
            'timeout',
            `asked to retry after ${Math.ceil(error.retryAfterMs / 1000)} s, more than the time left`,
            error.httpStatus,
          );
        }
        this.options.logger?.warn('retrying request', { url, attempt: attemptNumber, reason: error.message });
        if (error.retryAfterMs !== undefined) await this.clock.sleep(error.retryAfterMs);
        // The backoff ends at the deadline at the latest, and then the request finds no time left;
        // with none left already, p-retry gives up with this failure (maxRetryTime).
        const left = this.timeLeft();
        if (left <= 0) return;
        await this.clock.sleep(Math.min(this.backoffDelay(retriesConsumed, 30_000), left));
        this.checkTimeLeft(url);
      },
    });
  }

  /** The wait before another try: exponential from retryMinDelayMs with jitter, as p-retry's `randomize`. */
  private backoffDelay(retriesConsumed: number, maxDelayMs: number): number {
    return Math.min(Math.round((Math.random() + 1) * this.options.retryMinDelayMs * 2 ** retriesConsumed), maxDelayMs);
  }

  private get clock(): PacerClock {
    return this.options.clock ?? systemPacerClock;
  }

  private timeLeft(): number {
    return this.deadline === undefined ? Number.POSITIVE_INFINITY : this.deadline - Date.now();
  }

  private checkTimeLeft(url: string): void {
    if (this.timeLeft() <= 0) throw new FetchFailure(url, 'timeout', 'no time left to fetch it in this invocation');
  }

  /** A canonical www.ilo.org URL as it is fetched from the origin. */
  private toOrigin(url: string): URL {
    const parsed = new URL(url);
    if (parsed.origin !== ILO_ORIGIN && parsed.origin !== this.origin.origin) {
      throw new FetchFailure(
        url,
        'host-not-allowed',
        `refusing to fetch ${parsed.host}: only ${this.allowedHosts()} are fetched`,
      );
    }
    return new URL(`${parsed.pathname}${parsed.search}`, this.origin);
  }

  /** The canonical URL of something fetched from the origin. */
  private toCanonical(url: URL): string {
    return new URL(`${url.pathname}${url.search}`, ILO_ORIGIN).toString();
  }

  private allowedHosts(): string {
    return this.origin.origin === ILO_ORIGIN ? 'www.ilo.org' : `www.ilo.org and ${this.origin.host}`;
  }

  private async attempt(url: string, target: URL, conditions?: FetchConditions): Promise<FetchResult> {
    let current = target;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const response = await this.request(url, current, conditions);
      if (response.status >= 300 && response.status < 400 && response.status !== 304) {
        const location = response.headers.get('location');
        await response.body?.cancel();
        if (!location)
          throw new FetchFailure(url, 'http-status', `redirect ${response.status} without Location`, response.status);
        const next = new URL(location, current);
        // Following a redirect is fetching: the same host rule applies. www.ilo.org maps to the mirror.
        if (next.origin === ILO_ORIGIN && this.origin.origin !== ILO_ORIGIN)
          current = new URL(`${next.pathname}${next.search}`, this.origin);
        else if (next.origin === this.origin.origin) current = next;
        else
          throw new FetchFailure(
            url,
            'host-not-allowed',
            `redirected to ${next.host}, which is not allowed (only ${this.allowedHosts()})`,
          );
        continue;
      }
      return this.readResponse(url, current, response);
    }
    throw new FetchFailure(url, 'http-status', `more than ${MAX_REDIRECTS} redirects`);
  }

  private async request(url: string, target: URL, conditions?: FetchConditions): Promise<Response> {
    const headers: Record<string, string> = {
      'user-agent': this.options.userAgent,
      accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
    };
    if (conditions?.etag) headers['if-none-match'] = conditions.etag;
    if (conditions?.lastModified) headers['if-modified-since'] = conditions.lastModified;
    this.checkTimeLeft(url);
    // Cut at the deadline too: a page that hangs must not outlive the invocation.
    const send = () =>
      fetch(target, {
        headers,
        redirect: 'manual',
        signal: timeoutSignal(Math.max(1, Math.min(this.options.timeoutMs, this.timeLeft()))),
      });
    try {
      return await send();
    } catch (error) {
      if (!closedBeforeAnswering(error)) throw this.networkFailure(url, target, error);
    }
    // A kept-alive connection the server closed while this process was busy: extracting a 6 MB page
    // holds the event loop for longer than a server keeps an idle connection (5 s for Node's), and
    // the next request went out on the closed one ("other side closed"). The request never reached
    // the server: sent once more, at once (the pool opens a new connection), not counted as a retry.
    try {
      return await send();
    } catch (error) {
      throw this.networkFailure(url, target, error);
    }
  }

  private async readResponse(url: string, target: URL, response: Response): Promise<FetchResult> {
    const canonical = this.toCanonical(target);
    if (response.status === 304) {
      await response.body?.cancel();
      return { status: 'not-modified', url: canonical };
    }
    if (response.status === 404 || response.status === 410) {
      await response.body?.cancel();
      return { status: 'gone', url: canonical, httpStatus: response.status };
    }
    if (response.status === 429 || response.status >= 500) {
      await response.body?.cancel();
      const failure = new RetryableFailure(url, 'http-status', `answered ${response.status}`, response.status);
      const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
      if (retryAfter !== undefined) {
        if (retryAfter > this.options.maxRetryAfterMs) {
          throw new FetchFailure(
            url,
            'http-status',
            `answered ${response.status} with Retry-After of ${Math.round(retryAfter / 1000)} s`,
            response.status,
          );
        }
        failure.retryAfterMs = retryAfter;
      }
      throw failure;
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      const hint = response.status === 403 ? ' (the site may be refusing this User-Agent)' : '';
      throw new FetchFailure(url, 'http-status', `answered ${response.status}${hint}`, response.status);
    }
    const contentType = response.headers.get('content-type') ?? undefined;
    const bytes = await this.readBody(url, response);
    const decoded = decodeText(bytes, contentType);
    if (decoded.damaged) {
      // Not retried in this run (the same bytes would come back); the page stays pending for the next.
      throw new FetchFailure(
        url,
        'bad-content',
        `bytes not valid in ${decoded.label}${decoded.label === 'gb18030' ? '' : ' nor in GB18030'}: not stored, to keep U+FFFD out of the outputs`,
      );
    }
    if (decoded.mislabelled)
      this.options.logger?.warn('charset label is wrong', { url, label: decoded.label, readAs: decoded.charset });
    // A body cut short where nothing says how long it is (no Content-Length, a closed connection).
    const cut = unfinishedDocument(decoded.text);
    if (cut) throw new RetryableFailure(url, 'truncated', `body ended after ${bytes.length} bytes without ${cut}`);
    return {
      status: 'ok',
      url: canonical,
      body: decoded.text,
      ...(contentType ? { contentType } : {}),
      ...optionalHeader('etag', response.headers.get('etag')),
      ...optionalHeader('lastModified', response.headers.get('last-modified')),
    };
  }

  private async readBody(url: string, response: Response): Promise<Uint8Array> {
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    if (declared > this.options.maxBodyBytes) {
      await response.body?.cancel();
      throw new FetchFailure(
        url,
        'too-large',
        `body of ${declared} bytes is over the ${this.options.maxBodyBytes}-byte limit`,
      );
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    try {
      for await (const chunk of response.body ?? []) {
        total += chunk.byteLength;
        if (total > this.options.maxBodyBytes) {
          await response.body?.cancel().catch(() => undefined);
          throw new FetchFailure(url, 'too-large', `body is over the ${this.options.maxBodyBytes}-byte limit`);
        }
        chunks.push(chunk);
      }
    } catch (error) {
      if (error instanceof FetchFailure) throw error;
      // The timeout signal also covers the body: a body that stalls is a timeout, not a short body.
      if (isError(error) && error.name === 'TimeoutError') {
        throw new RetryableFailure(
          url,
          'timeout',
          `body stalled after ${total} bytes: no end within ${this.options.timeoutMs} ms`,
        );
      }
      throw new RetryableFailure(url, 'truncated', `body ended early after ${total} bytes (${describe(error)})`);
    }
    // Content-Length counts the bytes on the wire. With a Content-Encoding (gzip, br...) fetch hands
    // back the decoded bytes, which can be fewer (gzip of a tiny body is larger than the body), so
    // the comparison only holds for an unencoded body. A cut encoded body still fails: the HTTP
    // client errors when the connection closes short of Content-Length (caught above as truncated).
    const encoding = response.headers.get('content-encoding')?.trim().toLowerCase();
    const unencoded = !encoding || encoding === 'identity';
    if (unencoded && Number.isFinite(declared) && total < declared) {
      throw new RetryableFailure(url, 'truncated', `body ended after ${total} of ${declared} bytes`);
    }
    return Buffer.concat(chunks, total);
  }

  /** A request that got no answer. Named by where it really went, so a dead mirror is not called www.ilo.org. */
  private networkFailure(url: string, target: URL, error: unknown): FetchFailure {
    const name = isError(error) ? error.name : undefined;
    const where = target.origin === ILO_ORIGIN ? '' : ` from ${target.origin}`;
    if (name === 'TimeoutError' || name === 'AbortError') {
      return new RetryableFailure(url, 'timeout', `no answer${where} within ${this.options.timeoutMs} ms`);
    }
    return new RetryableFailure(url, 'network', `${describe(error)}${where}`);
  }

  private robotsRules(): Promise<RobotsRules> {
    // A robots.txt that could not be reached is not remembered: the next fetch asks again.
    this.robots ??= this.loadRobots().catch((error: unknown) => {
      this.robots = undefined;
      throw error;
    });
    return this.robots;
  }

  private async loadRobots(): Promise<RobotsRules> {
    const robotsUrl = `${ILO_ORIGIN}/robots.txt`;
    let result: FetchResult;
    try {
      result = await pRetry(() => this.pacer.run(() => this.attempt(robotsUrl, this.toOrigin(robotsUrl))), {
        retries: this.options.retries,
        minTimeout: 0,
        shouldRetry: ({ error }) => error instanceof RetryableFailure,
        onFailedAttempt: async ({ error, retriesConsumed, retriesLeft }) => {
          if (error instanceof RetryableFailure && retriesLeft > 0)
            await this.clock.sleep(this.backoffDelay(retriesConsumed, Number.POSITIVE_INFINITY));
        },
      });
    } catch (error) {
      if (error instanceof FetchFailure && (error.reason === 'network' || error.reason === 'timeout')) throw error;
      // RFC 9309: robots.txt "unavailable" (any 4xx) allows everything; "unreachable" (5xx) disallows.
      const status = error instanceof FetchFailure ? error.httpStatus : undefined;
      if (status !== undefined && status >= 400 && status < 500) return ALLOW_ALL;
      return unreachableRobots(
        error instanceof FetchFailure
          ? `robots.txt ${error.detail}`
          : `robots.txt could not be read (${errorMessage(error)})`,
      );
    }
    if (result.status !== 'ok') return ALLOW_ALL;
    const rules = parseRobots(new URL('/robots.txt', this.origin).toString(), result.body, this.options.userAgent);
    if (rules.crawlDelayMs) this.pacer.widenInterval(rules.crawlDelayMs);
    return rules;
  }
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date. */
function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function optionalHeader<K extends string>(key: K, value: string | null): { [P in K]?: string } {
  return (value ? { [key]: value } : {}) as { [P in K]?: string };
}

// What the usual network error codes mean, for one-line messages.
const NETWORK_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed',
  CERT_HAS_EXPIRED: 'TLS certificate expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed TLS certificate',
};

/** The connection was closed or reset before any answer came (fetch's cause: UND_ERR_SOCKET, ECONNRESET). */
function closedBeforeAnswering(error: unknown): boolean {
  const code = (error as { cause?: { code?: string } })?.cause?.code;
  return isError(error) && error.name === 'TypeError' && (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET');
}

function describe(error: unknown): string {
  // fetch() wraps the real error as its cause; a host with two addresses fails with an AggregateError.
  const cause = (error as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } })?.cause;
  const code = cause?.code ?? cause?.errors?.find((e) => e.code)?.code;
  const base = errorMessage(error);
  if (code && NETWORK_ERRORS[code]) return `${NETWORK_ERRORS[code]} (${code})`;
  return code ? `${base} (${code})` : cause?.message ? `${base} (${cause.message})` : base;
}
