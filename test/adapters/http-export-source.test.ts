// The export source `pull` reads through, over real HTTP on loopback: ETag revalidation, redirects
// followed only on the source's own origin, and one-line errors for everything else.
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpExportSource } from '#adapters/http-export-source.js';
import { BadExport, assertIsError } from '#pipeline/errors.js';

let server: Server;
let other: Server;
let base: string;
let elsewhere: string;
const seen: { url: string; ifNoneMatch?: string }[] = [];

async function listen(handler: Parameters<typeof createServer>[1]): Promise<[Server, string]> {
  const s = createServer(handler);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return [s, `http://127.0.0.1:${(s.address() as AddressInfo).port}`];
}

beforeAll(async () => {
  [other, elsewhere] = await listen((_request, response) => response.end('{"leaked":true}'));
  [server, base] = await listen((request, response) => {
    seen.push({
      url: request.url!,
      ...(request.headers['if-none-match'] ? { ifNoneMatch: String(request.headers['if-none-match']) } : {}),
    });
    switch (request.url) {
      case '/doc.json':
        if (request.headers['if-none-match'] === '"v1"') return void response.writeHead(304, { etag: '"v1"' }).end();
        return void response.writeHead(200, { etag: '"v1"', 'content-type': 'application/json' }).end('{"ok":"中文"}');
      case '/moved.json':
        return void response.writeHead(301, { location: '/doc.json' }).end();
      case '/away.json':
        return void response.writeHead(302, { location: `${elsewhere}/x.json` }).end();
      case '/loop.json':
        return void response.writeHead(302, { location: '/loop.json' }).end();
      case '/gone.json':
        return void response.writeHead(410).end();
      case '/broken.json':
        return void response.writeHead(500, 'Internal Server Error').end('oops');
      case '/latin1.json':
        return void response.writeHead(200).end(Buffer.from([0x7b, 0xe9, 0x7d]));
      case '/big.json':
        return void response.writeHead(200).end('x'.repeat(5000));
      case '/slow.json':
        return void setTimeout(() => response.end('{}'), 3000);
      default:
        return void response.writeHead(404).end();
    }
  });
});

afterAll(async () => {
  server.closeAllConnections();
  other.closeAllConnections();
  await Promise.all([server, other].map((s) => new Promise((resolve) => s.close(resolve))));
});

function source(options: { timeoutMs?: number; maxBytes?: number } = {}) {
  return new HttpExportSource({
    from: base,
    timeoutMs: options.timeoutMs ?? 5000,
    ...(options.maxBytes ? { maxBytes: options.maxBytes } : {}),
  });
}

async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BadExport);
  assertIsError(error);
  const message = error.message;
  expect(message).not.toContain('\n');
  return message;
}

describe('HttpExportSource', () => {
  it('answers the body and its ETag, then 304 when revalidated with it', async () => {
    expect(await source().get(`${base}/doc.json`)).toEqual({ status: 'ok', body: '{"ok":"中文"}', etag: '"v1"' });
    expect(await source().get(`${base}/doc.json`, '"v1"')).toEqual({ status: 'not-modified' });
    expect(seen.at(-1)).toEqual({ url: '/doc.json', ifNoneMatch: '"v1"' });
  });

  it('follows a redirect on the same origin', async () => {
    expect(await source().get(`${base}/moved.json`)).toMatchObject({ status: 'ok', body: '{"ok":"中文"}' });
  });

  it('refuses a redirect to another host, and any URL off the source', async () => {
    expect(await failure(source().get(`${base}/away.json`))).toBe(
      `${base}/away.json leads to ${elsewhere}/x.json, outside ${base} (pull fetches only from the source it was given)`,
    );
    expect(await failure(source().get(`${elsewhere}/x.json`))).toMatch(/outside/);
  });

  it('says gone for 404 and 410', async () => {
    expect(await source().get(`${base}/gone.json`)).toEqual({ status: 'gone' });
    expect(await source().get(`${base}/nothing.json`)).toEqual({ status: 'gone' });
  });

  it('gives one line for a server error, a redirect loop, a body that is not UTF-8, too large, too slow, or no server', async () => {
    expect(await failure(source().get(`${base}/broken.json`))).toBe(
      `${base}/broken.json answered 500 Internal Server Error`,
    );
    expect(await failure(source().get(`${base}/loop.json`))).toBe(`${base}/loop.json redirects too many times`);
    expect(await failure(source().get(`${base}/latin1.json`))).toBe(`${base}/latin1.json is not UTF-8 text`);
    expect(await failure(source({ maxBytes: 1000 }).get(`${base}/big.json`))).toBe(
      `${base}/big.json is larger than 1000 bytes`,
    );
    expect(await failure(source({ timeoutMs: 200 }).get(`${base}/slow.json`))).toBe(
      `${base}/slow.json: no answer within 0.2 s`,
    );
    const [gone, goneUrl] = await listen(() => undefined);
    await new Promise((resolve) => gone.close(resolve)); // nothing listens there now
    const closed = new HttpExportSource({ from: goneUrl, timeoutMs: 2000 });
    expect(await failure(closed.get(`${goneUrl}/exports/v1/changes.json`))).toBe(
      `${goneUrl}/exports/v1/changes.json: cannot fetch (ECONNREFUSED)`,
    );
  });
});
