// The HTTP Fetcher against real HTTP servers on 127.0.0.1: origin mapping, headers, statuses,
// retries, limits, redirects, robots.txt, pacing and charsets. Every server records what it saw,
// so the tests assert on the wire behaviour, not on the fetcher's word.
import { once } from 'node:events';
import {
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  createServer,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_USER_AGENT, HttpFetcher, type HttpFetcherOptions } from '#adapters/http-fetcher.js';
import { startReplicaServer } from '#replica/replica-server.js';
import { FetchFailure, type FetchFailureReason } from '#pipeline/errors.js';
import type { FetchResult } from '#pipeline/ports.js';
import { STORY, canonical, replicaPage } from '#test/helpers/replica.js';
import { VirtualClock } from '#test/helpers/virtual-clock.js';

interface Seen {
  path: string;
  headers: IncomingHttpHeaders;
  /** When it came, on the fetcher's clock (the test's virtual clock, else the system's). */
  at: number;
}

interface TestServer {
  origin: string;
  /** Every request the server received, in arrival order. */
  requests: Seen[];
  paths(): string[];
  close(): Promise<void>;
}

type Handler = (request: IncomingMessage, response: ServerResponse, seen: Seen) => void | Promise<void>;

const servers: { close(): Promise<void> }[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(handler: Handler, clock: { now(): number } = Date): Promise<TestServer> {
  const requests: Seen[] = [];
  const server: Server = createServer((request, response) => {
    const seen = { path: request.url ?? '', headers: request.headers, at: clock.now() };
    requests.push(seen);
    void Promise.resolve(handler(request, response, seen)).catch(() => response.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const result: TestServer = {
    origin: `http://127.0.0.1:${port}`,
    requests,
    paths: () => requests.map((r) => r.path),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(result);
  return result;
}

function send(
  response: ServerResponse,
  status: number,
  body: string | Buffer = '',
  headers: Record<string, string> = {},
): void {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  response.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': String(bytes.length),
    ...headers,
  });
  response.end(bytes);
}

/** Small delays and no pacing, so every test stays fast; each test widens what it checks. */
function fetcherFor(origin: string, options: Partial<HttpFetcherOptions> = {}): HttpFetcher {
  return new HttpFetcher({
    origin,
    timeoutMs: 3_000,
    requestsPerSecond: 0,
    concurrency: 4,
    retries: 0,
    retryMinDelayMs: 10,
    respectRobots: false,
    ...options,
  });
}

/** The FetchFailure a promise rejects with (fails the test if it resolves or throws something else). */
async function failureOf(promise: Promise<FetchResult>): Promise<FetchFailure> {
  const outcome = await promise.then(
    (result) => ({ resolved: result }),
    (error: unknown) => ({ rejected: error }),
  );
  if ('resolved' in outcome) throw new Error(`expected a FetchFailure, got ${JSON.stringify(outcome.resolved)}`);
  expect(outcome.rejected).toBeInstanceOf(FetchFailure);
  return outcome.rejected as FetchFailure;
}

async function expectFailure(
  promise: Promise<FetchResult>,
  reason: FetchFailureReason,
  httpStatus?: number,
): Promise<FetchFailure> {
  const failure = await failureOf(promise);
  expect(failure.reason, failure.message).toBe(reason);
  expect(failure.httpStatus).toBe(httpStatus);
  return failure;
}

const ILO = 'https://www.ilo.org';

describe('HttpFetcher: origin mapping, headers and statuses', () => {
  it('fetches canonical www.ilo.org URLs from the mirror and returns canonical URLs', async () => {
    const server = await serve((request, response) => send(response, 200, `<p>page ${request.url}</p>`));
    const fetcher = fetcherFor(server.origin);

    const result = await fetcher.fetch(`${ILO}/resource/news/some-story?lang=en`);

    expect(server.paths()).toEqual(['/resource/news/some-story?lang=en']);
    expect(result).toMatchObject({
      status: 'ok',
      url: `${ILO}/resource/news/some-story?lang=en`,
      body: '<p>page /resource/news/some-story?lang=en</p>',
    });
    expect(result.url).not.toContain('127.0.0.1');
  });

  it('fetches a percent-encoded Chinese story from the replica and gives back its canonical URL', async () => {
    const replica = await startReplicaServer();
    servers.push(replica);
    const fetcher = fetcherFor(replica.origin);

    const result = await fetcher.fetch(canonical(STORY.seedZh));

    expect(result.status).toBe('ok');
    expect(result.url).toBe(canonical(STORY.seedZh));
    expect(result.status === 'ok' && result.body).toBe(replicaPage(STORY.seedZh));
    expect(result.status === 'ok' && result.contentType).toBe('text/html; charset=utf-8');
  });

  it('sends the configured User-Agent', async () => {
    const server = await serve((_request, response) => send(response, 200, 'ok'));
    await fetcherFor(server.origin, { userAgent: 'custom-agent/9.9 (+https://example.org/bot)' }).fetch(`${ILO}/a`);
    expect(server.requests[0]?.headers['user-agent']).toBe('custom-agent/9.9 (+https://example.org/bot)');
  });

  it('sends a default User-Agent that names the project', async () => {
    const server = await serve((_request, response) => send(response, 200, 'ok'));
    await fetcherFor(server.origin).fetch(`${ILO}/a`);
    const agent = server.requests[0]?.headers['user-agent'];
    expect(agent).toBe(DEFAULT_USER_AGENT);
    expect(agent).toMatch(/^ilo-syndication\//);
  });

  it('returns the validators of a 200, and sends no conditional headers when it has none', async () => {
    const server = await serve((_request, response) =>
      send(response, 200, 'fresh', { etag: '"v1"', 'last-modified': 'Wed, 21 Oct 2015 07:28:00 GMT' }),
    );
    const result = await fetcherFor(server.origin).fetch(`${ILO}/page`);

    expect(result).toEqual({
      status: 'ok',
      url: `${ILO}/page`,
      body: 'fresh',
      contentType: 'text/html; charset=utf-8',
      etag: '"v1"',
      lastModified: 'Wed, 21 Oct 2015 07:28:00 GMT',
    });
    expect(server.requests[0]?.headers['if-none-match']).toBeUndefined();
    expect(server.requests[0]?.headers['if-modified-since']).toBeUndefined();
  });

  it('sends If-None-Match and If-Modified-Since and maps 304 to not-modified', async () => {
    const server = await serve((request, response) => {
      if (request.headers['if-none-match'] === '"v1"') {
        response.writeHead(304, { etag: '"v1"' });
        response.end();
      } else send(response, 200, 'changed');
    });
    const fetcher = fetcherFor(server.origin);

    const result = await fetcher.fetch(`${ILO}/page`, { etag: '"v1"', lastModified: 'Wed, 21 Oct 2015 07:28:00 GMT' });

    expect(result).toEqual({ status: 'not-modified', url: `${ILO}/page` });
    expect(server.requests[0]?.headers['if-none-match']).toBe('"v1"');
    expect(server.requests[0]?.headers['if-modified-since']).toBe('Wed, 21 Oct 2015 07:28:00 GMT');
    // A stale validator gets the new page.
    expect(await fetcher.fetch(`${ILO}/page`, { etag: '"v0"' })).toMatchObject({ status: 'ok', body: 'changed' });
  });

  it.each([404, 410])('maps %i to gone with the HTTP status, without retrying', async (status) => {
    const server = await serve((_request, response) => send(response, status, 'nothing here'));
    const result = await fetcherFor(server.origin, { retries: 2 }).fetch(`${ILO}/missing`);
    expect(result).toEqual({ status: 'gone', url: `${ILO}/missing`, httpStatus: status });
    expect(server.requests).toHaveLength(1);
  });
});

describe('HttpFetcher: retries', () => {
  it('retries a 500 and succeeds on the next 200', async () => {
    let calls = 0;
    const server = await serve((_request, response) =>
      ++calls === 1 ? send(response, 500, 'oops') : send(response, 200, 'recovered'),
    );
    const result = await fetcherFor(server.origin, { retries: 3 }).fetch(`${ILO}/flaky`);
    expect(result).toMatchObject({ status: 'ok', body: 'recovered', url: `${ILO}/flaky` });
    expect(server.requests).toHaveLength(2);
  });

  it('waits for Retry-After on a 429 before trying again', async () => {
    let calls = 0;
    const clock = new VirtualClock();
    const server = await serve(
      (_request, response) =>
        ++calls === 1 ? send(response, 429, 'slow down', { 'retry-after': '1' }) : send(response, 200, 'ok now'),
      clock,
    );
    const result = await fetcherFor(server.origin, { retries: 1, clock }).fetch(`${ILO}/busy`);
    expect(result).toMatchObject({ status: 'ok', body: 'ok now' });
    expect(server.requests).toHaveLength(2);
    // Retry-After's second, then the backoff (10-20 ms from retryMinDelayMs), on the fetcher's clock.
    expect(clock.waits).toEqual([1000, expect.any(Number)]);
    expect(clock.waits[1]).toBeGreaterThanOrEqual(10);
    expect(clock.waits[1]).toBeLessThanOrEqual(20);
    expect(server.requests[1]!.at - server.requests[0]!.at).toBe(1000 + clock.waits[1]!);
  });

  it('backs off exponentially between tries, with jitter, and waits on its clock for nothing else', async () => {
    const clock = new VirtualClock();
    const server = await serve((_request, response) => send(response, 503, 'unavailable'), clock);
    await expectFailure(
      fetcherFor(server.origin, { retries: 3, retryMinDelayMs: 1000, clock }).fetch(`${ILO}/down`),
      'http-status',
      503,
    );
    expect(server.requests).toHaveLength(4);
    // Try n waits between 1 and 2 times retryMinDelayMs * 2^(n-1) before it is sent.
    expect(clock.waits).toHaveLength(3);
    clock.waits.forEach((wait, n) => {
      expect(wait).toBeGreaterThanOrEqual(1000 * 2 ** n);
      expect(wait).toBeLessThanOrEqual(2000 * 2 ** n);
    });
    const gaps = server.requests.slice(1).map((request, n) => request.at - server.requests[n]!.at);
    expect(gaps).toEqual(clock.waits);
  });

  it('fails at once, without retrying, when Retry-After is longer than maxRetryAfterMs', async () => {
    const server = await serve((_request, response) => send(response, 503, 'maintenance', { 'retry-after': '3600' }));
    await expectFailure(
      fetcherFor(server.origin, { retries: 3, maxRetryAfterMs: 5_000 }).fetch(`${ILO}/down`),
      'http-status',
      503,
    );
    expect(server.requests).toHaveLength(1);
  });

  it('throws FetchFailure with httpStatus 503 once the retries are exhausted', async () => {
    const server = await serve((_request, response) => send(response, 503, 'unavailable'));
    const failure = await expectFailure(
      fetcherFor(server.origin, { retries: 2 }).fetch(`${ILO}/down`),
      'http-status',
      503,
    );
    expect(failure.url).toBe(`${ILO}/down`);
    expect(server.requests).toHaveLength(3);
  });

  it.each([403, 400])('does not retry a %i', async (status) => {
    const server = await serve((_request, response) => send(response, status, 'no'));
    await expectFailure(fetcherFor(server.origin, { retries: 3 }).fetch(`${ILO}/refused`), 'http-status', status);
    expect(server.requests).toHaveLength(1);
  });
});

describe('HttpFetcher: timeouts, truncation, size and network errors', () => {
  it('gives up on a server that never answers with reason timeout, after retrying', async () => {
    const server = await serve(() => {
      /* never answer */
    });
    await expectFailure(fetcherFor(server.origin, { timeoutMs: 200, retries: 1 }).fetch(`${ILO}/stall`), 'timeout');
    expect(server.requests).toHaveLength(2);
  });

  it('times out a body that stalls after the headers', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html', 'content-length': '1000' });
      response.write('x'.repeat(10));
      // ...and nothing more, while keeping the connection open.
    });
    await expectFailure(fetcherFor(server.origin, { timeoutMs: 300 }).fetch(`${ILO}/slow-body`), 'timeout');
  });

  it('reports a body cut short of its Content-Length as truncated, after retrying', async () => {
    const server = await serve((request, response) => {
      response.writeHead(200, { 'content-type': 'text/html', 'content-length': '1000' });
      response.write('0123456789');
      setTimeout(() => request.socket.destroy(), 20);
    });
    await expectFailure(fetcherFor(server.origin, { retries: 1 }).fetch(`${ILO}/cut`), 'truncated');
    expect(server.requests).toHaveLength(2);
  });

  it('accepts a compressed body whose Content-Length (of the compressed bytes) is larger than the text', async () => {
    // gzip of a tiny body is larger than the body itself: a correct, complete response.
    const text = 'User-agent: *\nAllow: /\n';
    const gzipped = gzipSync(Buffer.from(text));
    expect(gzipped.length).toBeGreaterThan(Buffer.byteLength(text));
    const server = await serve((request, response) => {
      if (!/\bgzip\b/.test(String(request.headers['accept-encoding'])))
        return send(response, 200, text, { 'content-type': 'text/plain' });
      response.writeHead(200, {
        'content-type': 'text/plain',
        'content-encoding': 'gzip',
        'content-length': String(gzipped.length),
      });
      response.end(gzipped);
    });
    const result = await fetcherFor(server.origin).fetch(`${ILO}/small`);
    expect(server.requests[0]?.headers['accept-encoding']).toMatch(/\bgzip\b/);
    expect(result).toMatchObject({ status: 'ok', body: text });
  });

  it('still reports a compressed body cut short of its Content-Length as truncated', async () => {
    const gzipped = gzipSync(Buffer.from('<p>国际劳工组织</p>'.repeat(500)));
    const server = await serve((request, response) => {
      response.writeHead(200, {
        'content-type': 'text/html',
        'content-encoding': 'gzip',
        'content-length': String(gzipped.length),
      });
      response.write(gzipped.subarray(0, Math.floor(gzipped.length / 2)));
      setTimeout(() => request.socket.destroy(), 20);
    });
    await expectFailure(fetcherFor(server.origin).fetch(`${ILO}/cut-gzip`), 'truncated');
    expect(server.requests[0]?.headers['accept-encoding']).toMatch(/\bgzip\b/);
  });

  it('refuses a body over maxBodyBytes announced by Content-Length, and accepts one exactly at the limit', async () => {
    const server = await serve((request, response) => {
      if (request.url === '/big') {
        // Announces a body over the limit and sends only its start: refused on the header alone,
        // so this is too-large, not a timeout waiting for the rest.
        response.writeHead(200, { 'content-type': 'text/html', 'content-length': '1000000' });
        response.write('x'.repeat(100));
      } else send(response, 200, 'y'.repeat(1000));
    });
    const fetcher = fetcherFor(server.origin, { maxBodyBytes: 1000, retries: 2, timeoutMs: 1_000 });
    await expectFailure(fetcher.fetch(`${ILO}/big`), 'too-large');
    expect(server.paths()).toEqual(['/big']);
    expect(await fetcher.fetch(`${ILO}/exact`)).toMatchObject({ status: 'ok', body: 'y'.repeat(1000) });
  });

  it('refuses a streamed body (no Content-Length) once it passes maxBodyBytes', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      const chunk = 'z'.repeat(400);
      for (let i = 0; i < 10; i++) response.write(chunk);
      response.end();
    });
    const fetcher = fetcherFor(server.origin, { maxBodyBytes: 1000, retries: 2 });
    await expectFailure(fetcher.fetch(`${ILO}/streamed`), 'too-large');
    expect(server.requests).toHaveLength(1);
  });

  it('sends a request again, once and at once, when its kept-alive connection was closed before any answer', async () => {
    // What happens when a long extraction holds the event loop past the server's keep-alive timeout:
    // the next request goes out on a connection the server has closed. Here the server closes each
    // connection when a second request arrives on it, so every reused connection is such a one.
    const served = new WeakMap<object, number>();
    let closed = 0;
    const server = await serve((request, response) => {
      const count = (served.get(request.socket) ?? 0) + 1;
      served.set(request.socket, count);
      if (count > 1) {
        closed++;
        return void request.socket.destroy();
      }
      send(response, 200, '<!DOCTYPE html><html><body>ok</body></html>');
    });
    const warnings: string[] = [];
    const fetcher = fetcherFor(server.origin, {
      retries: 0,
      logger: { info: () => undefined, warn: (message: string) => void warnings.push(message), error: () => undefined },
    });
    for (const page of ['a', 'b', 'c', 'd', 'e', 'f']) {
      expect((await fetcher.fetch(`${ILO}/${page}`)).status).toBe('ok');
      await new Promise((resolve) => setImmediate(resolve)); // the connection back in the pool, for the next request
    }
    expect(closed).toBeGreaterThan(0); // requests did go out on reused connections, and were closed
    expect(server.paths()).toHaveLength(6 + closed);
    expect(warnings).toEqual([]);
  });

  it('reports a connection closed twice running as a network failure', async () => {
    const server = await serve((request) => void request.socket.destroy());
    await expectFailure(fetcherFor(server.origin, { retries: 0 }).fetch(`${ILO}/a`), 'network');
    expect(server.paths()).toEqual(['/a', '/a']);
  });

  it('reports a refused connection as a network failure', async () => {
    const probe = await serve(() => undefined);
    const closedOrigin = probe.origin;
    await probe.close();
    await expectFailure(fetcherFor(closedOrigin, { retries: 1 }).fetch(`${ILO}/anything`), 'network');
    // With robots.txt on, the robots fetch fails the same way rather than hanging or allowing.
    await expectFailure(fetcherFor(closedOrigin, { respectRobots: true }).fetch(`${ILO}/anything`), 'network');
  });
});

describe('HttpFetcher: hosts and redirects', () => {
  it('refuses a redirect to another host, and the other host never gets a request', async () => {
    const other = await serve((_request, response) => send(response, 200, 'elsewhere'));
    const server = await serve((request, response) => {
      if (request.url === '/to-port') send(response, 302, '', { location: `${other.origin}/x` });
      else send(response, 301, '', { location: 'http://evil.example/' });
    });
    const fetcher = fetcherFor(server.origin, { retries: 2 });

    await expectFailure(fetcher.fetch(`${ILO}/to-port`), 'host-not-allowed');
    await expectFailure(fetcher.fetch(`${ILO}/to-evil`), 'host-not-allowed');

    expect(other.requests).toHaveLength(0);
    expect(server.paths()).toEqual(['/to-port', '/to-evil']);
  });

  it('follows a redirect within the origin and returns the canonical final URL', async () => {
    const server = await serve((request, response) => {
      if (request.url === '/old') send(response, 301, '', { location: '/new?x=1' });
      else if (request.url === '/absolute')
        send(response, 302, '', { location: `http://${request.headers.host}/final` });
      else send(response, 200, `at ${request.url}`);
    });
    const fetcher = fetcherFor(server.origin);

    expect(await fetcher.fetch(`${ILO}/old`)).toMatchObject({
      status: 'ok',
      url: `${ILO}/new?x=1`,
      body: 'at /new?x=1',
    });
    expect(await fetcher.fetch(`${ILO}/absolute`)).toMatchObject({
      status: 'ok',
      url: `${ILO}/final`,
      body: 'at /final',
    });
    expect(server.paths()).toEqual(['/old', '/new?x=1', '/absolute', '/final']);
  });

  it('follows a redirect to https://www.ilo.org on the mirror', async () => {
    const server = await serve((request, response) => {
      if (request.url === '/start') send(response, 301, '', { location: `${ILO}/resource/news/moved` });
      else send(response, 200, `mirror ${request.url}`);
    });
    const result = await fetcherFor(server.origin).fetch(`${ILO}/start`);
    expect(result).toMatchObject({
      status: 'ok',
      url: `${ILO}/resource/news/moved`,
      body: 'mirror /resource/news/moved',
    });
    expect(server.paths()).toEqual(['/start', '/resource/news/moved']);
  });

  it('gives up on a redirect loop', async () => {
    const server = await serve((_request, response) => send(response, 302, '', { location: '/loop' }));
    await expectFailure(fetcherFor(server.origin).fetch(`${ILO}/loop`), 'http-status');
    // The first request and five redirects, then it stops.
    expect(server.requests).toHaveLength(6);
  });

  it('refuses a URL on a foreign host without any network call', async () => {
    const server = await serve((_request, response) => send(response, 200, 'User-agent: *\nAllow: /\n'));
    const fetcher = fetcherFor(server.origin, { respectRobots: true, retries: 2 });
    await expectFailure(fetcher.fetch('https://example.com/x'), 'host-not-allowed');
    await expectFailure(fetcher.fetch('http://www.ilo.org.evil.example/x'), 'host-not-allowed');
    expect(server.requests).toHaveLength(0);
  });
});

describe('HttpFetcher: robots.txt', () => {
  it('honours Disallow rules: the server never sees the disallowed path', async () => {
    const server = await serve((request, response) => {
      if (request.url === '/robots.txt')
        send(response, 200, 'User-agent: *\nDisallow: /private\n', { 'content-type': 'text/plain' });
      else send(response, 200, `page ${request.url}`);
    });
    const fetcher = fetcherFor(server.origin, { respectRobots: true });

    await expectFailure(fetcher.fetch(`${ILO}/private/report`), 'robots-disallowed');
    expect(await fetcher.fetch(`${ILO}/public`)).toMatchObject({ status: 'ok', body: 'page /public' });

    expect(server.paths()).toEqual(['/robots.txt', '/public']);
  });

  it('applies a group written for its own User-Agent token', async () => {
    const server = await serve((request, response) => {
      if (request.url === '/robots.txt') {
        send(response, 200, 'User-agent: ilo-syndication\nDisallow: /\n\nUser-agent: *\nAllow: /\n', {
          'content-type': 'text/plain',
        });
      } else send(response, 200, 'page');
    });
    await expectFailure(fetcherFor(server.origin, { respectRobots: true }).fetch(`${ILO}/any`), 'robots-disallowed');
    expect(server.paths()).toEqual(['/robots.txt']);
  });

  it('honours the replica robots.txt (Disallow: /search)', async () => {
    const seen: string[] = [];
    const replica = await startReplicaServer({
      hook: (request) => {
        seen.push(request.url ?? '');
        return false;
      },
    });
    servers.push(replica);
    const fetcher = fetcherFor(replica.origin, { respectRobots: true });

    await expectFailure(fetcher.fetch(`${ILO}/search?q=jobs`), 'robots-disallowed');
    expect(await fetcher.fetch(canonical(STORY.seedEn))).toMatchObject({ status: 'ok', url: canonical(STORY.seedEn) });
    expect(seen.filter((p) => p.startsWith('/search'))).toEqual([]);
  });

  it('allows everything when robots.txt is missing (404)', async () => {
    const server = await serve((request, response) =>
      request.url === '/robots.txt' ? send(response, 404, 'no') : send(response, 200, 'page'),
    );
    const fetcher = fetcherFor(server.origin, { respectRobots: true });
    expect(await fetcher.fetch(`${ILO}/private/anything`)).toMatchObject({ status: 'ok', body: 'page' });
    expect(server.paths()).toEqual(['/robots.txt', '/private/anything']);
  });

  it('allows everything when robots.txt answers 401 or 403 (RFC 9309: unavailable)', async () => {
    for (const status of [401, 403]) {
      const server = await serve((request, response) =>
        request.url === '/robots.txt' ? send(response, status, 'no') : send(response, 200, 'page'),
      );
      const fetcher = fetcherFor(server.origin, { respectRobots: true });
      expect(await fetcher.fetch(`${ILO}/resource/news/x`)).toMatchObject({ status: 'ok', body: 'page' });
    }
  });

  it('fetches nothing while robots.txt answers 5xx (RFC 9309: unreachable)', async () => {
    const server = await serve((request, response) =>
      request.url === '/robots.txt' ? send(response, 503, 'down') : send(response, 200, 'page'),
    );
    const fetcher = fetcherFor(server.origin, { respectRobots: true });
    await expectFailure(fetcher.fetch(`${ILO}/resource/news/x`), 'robots-unreachable');
    expect(server.paths()).toEqual(['/robots.txt']);
  });

  it('asks for robots.txt again after a network failure instead of remembering it', async () => {
    let up = false;
    const server = await serve((request, response) => {
      if (!up) return void response.destroy();
      send(response, 200, request.url === '/robots.txt' ? 'User-agent: *\nDisallow:\n' : 'page');
    });
    const fetcher = fetcherFor(server.origin, { respectRobots: true });
    await expectFailure(fetcher.fetch(`${ILO}/a`), 'network');
    up = true;
    expect(await fetcher.fetch(`${ILO}/a`)).toMatchObject({ status: 'ok', body: 'page' });
    // Twice while down (a connection closed before any answer is tried once more at once), once after.
    expect(server.paths().filter((p) => p === '/robots.txt')).toHaveLength(3);
  });

  it('fetches robots.txt once for many requests', async () => {
    const server = await serve((request, response) =>
      request.url === '/robots.txt'
        ? send(response, 200, 'User-agent: *\nDisallow: /x\n')
        : send(response, 200, 'page'),
    );
    const fetcher = fetcherFor(server.origin, { respectRobots: true });
    const urls = ['/a', '/b', '/c', '/d', '/e', '/x'].map((p) => `${ILO}${p}`);
    const results = await Promise.allSettled(urls.map((url) => fetcher.fetch(url)));
    await fetcher.fetch(`${ILO}/f`);

    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
    ]);
    expect(server.paths().filter((p) => p === '/robots.txt')).toHaveLength(1);
    expect(server.paths()[0]).toBe('/robots.txt');
    expect(server.paths().sort()).toEqual(['/a', '/b', '/c', '/d', '/e', '/f', '/robots.txt']);
  });

  it('widens the pace to the Crawl-delay', async () => {
    const clock = new VirtualClock();
    const server = await serve(
      (request, response) =>
        request.url === '/robots.txt'
          ? send(response, 200, 'User-agent: *\nCrawl-delay: 1\n')
          : send(response, 200, 'page'),
      clock,
    );
    // One request at a time, so each is on the wire alone while the clock stands still.
    const fetcher = fetcherFor(server.origin, { respectRobots: true, requestsPerSecond: 100, concurrency: 1, clock });

    await Promise.all([fetcher.fetch(`${ILO}/one`), fetcher.fetch(`${ILO}/two`)]);

    expect(server.paths()).toEqual(['/robots.txt', '/one', '/two']);
    const [robots, one, two] = server.requests.map((r) => r.at) as [number, number, number];
    // Crawl-delay is the gap between any two requests, robots.txt itself included.
    expect(one - robots).toBe(1000);
    expect(two - one).toBe(1000);
  });
});

describe('HttpFetcher: pacing and concurrency', () => {
  it('spaces request starts by 1/requestsPerSecond', async () => {
    const server = await serve((_request, response) => send(response, 200, 'page'));
    // A virtual clock that stands still: each request waits for its booked start, so the waits asked
    // for are the pace itself, checked exactly and whatever the machine is doing meanwhile.
    const waits: number[] = [];
    const clock = { now: () => 1_000_000, sleep: async (ms: number) => void waits.push(ms) };
    const fetcher = fetcherFor(server.origin, { requestsPerSecond: 5, concurrency: 5, clock });

    await Promise.all([1, 2, 3, 4, 5].map((n) => fetcher.fetch(`${ILO}/p${n}`)));

    expect(server.requests).toHaveLength(5);
    expect(waits).toEqual([200, 400, 600, 800]);
  });

  async function maxInFlight(concurrency: number): Promise<{ max: number; served: number }> {
    let inFlight = 0;
    let max = 0;
    const server = await serve((_request, response) => {
      inFlight++;
      max = Math.max(max, inFlight);
      setTimeout(() => {
        // Counted down before the response leaves, so an overlap the client caused is always seen.
        inFlight--;
        send(response, 200, 'slow page');
      }, 80);
    });
    const fetcher = fetcherFor(server.origin, { concurrency });
    const results = await Promise.all(['/a', '/b', '/c', '/d'].map((p) => fetcher.fetch(`${ILO}${p}`)));
    expect(results.every((r) => r.status === 'ok')).toBe(true);
    return { max, served: server.requests.length };
  }

  it('never has more than `concurrency` requests in flight', async () => {
    expect(await maxInFlight(1)).toEqual({ max: 1, served: 4 });
    // The same measurement does see overlap when it is allowed.
    expect(await maxInFlight(2)).toEqual({ max: 2, served: 4 });
  });
});

describe('HttpFetcher: charsets', () => {
  const ZHONGWEN_GBK = Buffer.from([0xd6, 0xd0, 0xce, 0xc4]); // 中文
  const ILO_NAME_GBK = Buffer.from([0xb9, 0xfa, 0xbc, 0xca, 0xc0, 0xcd, 0xb9, 0xa4, 0xd7, 0xe9, 0xd6, 0xaf]); // 国际劳工组织

  it('has correct GBK fixtures', () => {
    expect(new TextDecoder('gbk').decode(ZHONGWEN_GBK)).toBe('中文');
    expect(new TextDecoder('gbk').decode(ILO_NAME_GBK)).toBe('国际劳工组织');
    expect(new TextDecoder('gb2312').decode(ILO_NAME_GBK)).toBe('国际劳工组织');
    // And they are not UTF-8, so a wrong decoder would garble them.
    expect(new TextDecoder('utf-8').decode(ILO_NAME_GBK)).not.toBe('国际劳工组织');
  });

  function page(head: string, ...parts: (string | Buffer)[]): Buffer {
    return Buffer.concat([
      Buffer.from(`<html><head>${head}</head><body>`, 'latin1'),
      ...parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p)),
      Buffer.from('</body></html>', 'latin1'),
    ]);
  }

  async function fetchBody(body: Buffer, contentType: string): Promise<string> {
    const server = await serve((_request, response) => send(response, 200, body, { 'content-type': contentType }));
    const result = await fetcherFor(server.origin).fetch(`${ILO}/zh`);
    if (result.status !== 'ok') throw new Error(`unexpected ${result.status}`);
    return result.body;
  }

  it('decodes GBK named by the Content-Type header', async () => {
    const body = await fetchBody(
      page('<title>x</title>', '<h1>', ILO_NAME_GBK, '</h1><p>', ZHONGWEN_GBK, '</p>'),
      'text/html; charset=gbk',
    );
    expect(body).toBe('<html><head><title>x</title></head><body><h1>国际劳工组织</h1><p>中文</p></body></html>');
  });

  it('decodes GB2312 named only by <meta charset>', async () => {
    const body = await fetchBody(page('<meta charset="gb2312">', '<h1>', ILO_NAME_GBK, '</h1>'), 'text/html');
    expect(body).toBe('<html><head><meta charset="gb2312"></head><body><h1>国际劳工组织</h1></body></html>');
  });

  it('prefers the header charset to a conflicting <meta>', async () => {
    const body = await fetchBody(page('<meta charset="utf-8">', ZHONGWEN_GBK), 'text/html; charset=GBK');
    expect(body).toContain('<body>中文</body>');
  });

  it('decodes UTF-8 by default', async () => {
    const text = '<html><body><h1>国际劳工组织与微软合作</h1></body></html>';
    const body = await fetchBody(Buffer.from(text, 'utf8'), 'text/html');
    expect(body).toBe(text);
  });
});
