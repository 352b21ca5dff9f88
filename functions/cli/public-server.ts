// `serve`: the public part of a store over HTTP on 127.0.0.1, so a real feed reader can subscribe.
// Only an allowlist of public paths is served (feeds, exports, article Markdown and records);
// raw/, state/, notifications.jsonl and anything else, including every traversal trick, is a 404.
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Store } from '../pipeline/ports.js';
import { isPublicKey } from '../pipeline/state/public-paths.js';
import { CACHE_CONTROL, CONTENT_TYPES } from '../pipeline/state/store-keys.js';
import { oneRequestAtATime } from './connection-queue.js';
import { sendFile, sendStatus } from './static-response.js';

/** Content type and cache lifetime of a public key, or undefined when the key is not public. */
export function publicFile(key: string): { contentType: string; cacheControl: string; cors: boolean } | undefined {
  if (!isPublicKey(key)) return undefined;
  if (key.endsWith('rss.xml')) return { contentType: CONTENT_TYPES.rss, cacheControl: CACHE_CONTROL.feed, cors: true };
  if (key.endsWith('atom.xml')) return { contentType: CONTENT_TYPES.atom, cacheControl: CACHE_CONTROL.feed, cors: true };
  if (key.endsWith('feed.json')) return { contentType: CONTENT_TYPES.jsonFeed, cacheControl: CACHE_CONTROL.feed, cors: true };
  if (key.endsWith('.md')) return { contentType: CONTENT_TYPES.markdown, cacheControl: CACHE_CONTROL.article, cors: false };
  const exported = key.startsWith('exports/');
  const listing = /^exports\/v1\/(index|changes)\.json$/.test(key) || key.startsWith('exports/v1/archive/');
  return { contentType: CONTENT_TYPES.json, cacheControl: listing ? CACHE_CONTROL.index : CACHE_CONTROL.article, cors: exported };
}

export interface PublicServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function startPublicServer(store: Store, port: number): Promise<PublicServer> {
  const bodies = new SharedBodies();
  const server = createServer(
    oneRequestAtATime((request, response) =>
      handle(store, bodies, request, response).catch((error: unknown) => {
        if (!response.headersSent) sendStatus(response, 500, 'internal error');
        else response.destroy();
        process.stderr.write(`serve: ${(error as Error).message}\n`);
      }),
    ),
  );
  // A connection that neither sends nor takes anything for two minutes is closed.
  server.setTimeout(120_000, (socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    server,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

const CORS = { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET, HEAD, OPTIONS', 'access-control-allow-headers': 'If-None-Match' };

async function handle(store: Store, bodies: SharedBodies, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const key = keyOf(request.url ?? '/');
  const file = key === undefined ? undefined : publicFile(key);
  if (request.method === 'OPTIONS' && file?.cors) {
    response.writeHead(204, { ...CORS, 'access-control-max-age': '86400' });
    response.end();
    return;
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') return sendStatus(response, 405, 'method not allowed', { allow: 'GET, HEAD' });
  if (key === '') return sendStatus(response, 200, INDEX_TEXT);
  if (key === undefined || !file) return sendStatus(response, 404, 'not found');
  const body = await bodies.read(store, key);
  if (!body) return sendStatus(response, 404, 'not found');
  sendFile(request, response, {
    body,
    contentType: file.contentType,
    cacheControl: file.cacheControl,
    ...(file.cors ? { extraHeaders: CORS } : {}),
  });
}

/**
 * The bytes of recently served files, shared by every response that sends them: a body waiting in a
 * slow client's socket is then one copy however many clients are sent it, not one copy each; and
 * requests for a file that is being read wait for that read instead of reading it once more each.
 */
class SharedBodies {
  private readonly recent = new Map<string, { etag: string; bytes: Buffer }>();
  private readonly reading = new Map<string, Promise<Buffer | undefined>>();

  read(store: Store, key: string): Promise<Buffer | undefined> {
    let pending = this.reading.get(key);
    if (!pending) {
      pending = store
        .get(key)
        .then((object) => (object ? this.bytesOf(key, object) : undefined))
        .finally(() => this.reading.delete(key));
      this.reading.set(key, pending);
    }
    return pending;
  }

  private bytesOf(key: string, object: { body: string; etag: string }): Buffer {
    const known = this.recent.get(key);
    if (known?.etag === object.etag) return known.bytes;
    const bytes = Buffer.from(object.body, 'utf8');
    this.recent.delete(key);
    this.recent.set(key, { etag: object.etag, bytes });
    if (this.recent.size > 64) this.recent.delete(this.recent.keys().next().value!);
    return bytes;
  }
}

/**
 * The store key a request path names. Decoded once; anything that is not a plain relative path
 * afterwards (dot segments, backslashes, NUL, a second layer of encoding) names nothing.
 */
export function keyOf(requestUrl: string): string | undefined {
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(requestUrl, 'http://serve.invalid').pathname);
  } catch {
    return undefined;
  }
  const key = pathname.replace(/^\/+/, '');
  if (/[\\\0%]/.test(key) || key.split('/').some((segment) => segment === '.' || segment === '..')) return undefined;
  return key;
}

const INDEX_TEXT = `ILO news syndication: public files
  /feeds/en/rss.xml  /feeds/en/atom.xml  /feeds/en/feed.json
  /feeds/zh/rss.xml  /feeds/zh/atom.xml  /feeds/zh/feed.json
  /exports/v1/index.json  /exports/v1/changes.json  /exports/v1/schema.json`;
