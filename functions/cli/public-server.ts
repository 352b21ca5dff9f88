// `serve`: the public part of a store over HTTP on 127.0.0.1, so a real feed reader (or a browser)
// can subscribe. Only an allowlist of public paths is served (the landing page, the OPML, feeds,
// exports, article Markdown and records); raw/, state/, notifications.jsonl and anything else,
// including every traversal trick, is a 404. It answers as CloudFront does in front of the bucket.
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UnservableFile } from '../adapters/fs-store.js';
import { errorMessage } from '../pipeline/errors.js';
import type { Store, StoredObject } from '../pipeline/ports.js';
import {
  PUBLIC_REDIRECTS,
  ROOT_KEY,
  corsHeaders,
  isCorsKey,
  isPublicKey,
  securityHeaders,
} from '../pipeline/publish/public-paths.js';
import { CACHE_CONTROL, CONTENT_TYPES, PREFIXES, keys } from '../pipeline/state/store-keys.js';
import { oneRequestAtATime } from './connection-queue.js';
import { type Encoding, compress, sendFile, sendStatus } from '../adapters/http/static-response.js';

/** Content type and cache lifetime of a public key, or undefined when the key is not public. */
function publicFile(key: string): { contentType: string; cacheControl: string; cors: boolean } | undefined {
  if (!isPublicKey(key)) return undefined;
  const cors = isCorsKey(key);
  if (key === keys.landingPage()) return { contentType: CONTENT_TYPES.html, cacheControl: CACHE_CONTROL.index, cors };
  if (key === keys.opml()) return { contentType: CONTENT_TYPES.opml, cacheControl: CACHE_CONTROL.index, cors };
  if (key.endsWith('rss.xml')) return { contentType: CONTENT_TYPES.rss, cacheControl: CACHE_CONTROL.feed, cors };
  if (key.endsWith('atom.xml')) return { contentType: CONTENT_TYPES.atom, cacheControl: CACHE_CONTROL.feed, cors };
  if (key.endsWith('feed.json')) return { contentType: CONTENT_TYPES.jsonFeed, cacheControl: CACHE_CONTROL.feed, cors };
  if (key.endsWith('.md')) return { contentType: CONTENT_TYPES.markdown, cacheControl: CACHE_CONTROL.article, cors };
  const listing = key === keys.exportIndex() || key === keys.exportChanges() || key.startsWith(PREFIXES.exportArchive);
  return { contentType: CONTENT_TYPES.json, cacheControl: listing ? CACHE_CONTROL.index : CACHE_CONTROL.article, cors };
}

export interface PublicServer {
  url: string;
  close(): Promise<void>;
}

export async function startPublicServer(store: Store, port: number): Promise<PublicServer> {
  const bodies = new SharedBodies();
  const server = createServer(
    oneRequestAtATime((request, response) =>
      handle(store, bodies, request, response).catch((error: unknown) => {
        if (!response.headersSent) sendStatus(response, 500, 'internal error');
        else response.destroy();
        process.stderr.write(`serve: ${errorMessage(error)}\n`);
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
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const ALLOWED_METHODS = 'GET, HEAD, OPTIONS';

/** The same decisions as the CloudFront function (lib/constructs/public-distribution.ts). */
async function handle(
  store: Store,
  bodies: SharedBodies,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const method = request.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS')
    return sendStatus(response, 405, 'method not allowed', { allow: ALLOWED_METHODS });
  const path = keyOf(request.url ?? '/');
  if (path === undefined) return sendStatus(response, 404, 'not found');
  const redirect = Object.hasOwn(PUBLIC_REDIRECTS, path) ? PUBLIC_REDIRECTS[path] : undefined;
  if (redirect) return sendStatus(response, 301, `moved to ${redirect}`, { location: redirect });
  const key = path === '' ? ROOT_KEY : path;
  const file = publicFile(key);
  if (!file) return sendStatus(response, 404, 'not found');
  if (method === 'OPTIONS') {
    response.writeHead(204, { allow: ALLOWED_METHODS, ...(file.cors ? corsHeaders(true) : {}) });
    response.end();
    return;
  }
  const body = await bodies.read(store, key).catch((error: unknown) => {
    // Planted or out of place, never public: a 404, and one line saying why for whoever runs serve.
    if (!(error instanceof UnservableFile)) throw error;
    process.stderr.write(`serve: ${error.message}\n`);
    return undefined;
  });
  if (!body)
    return sendStatus(
      response,
      404,
      key === ROOT_KEY ? 'not found: no landing page yet (no run has published into this folder)' : 'not found',
    );
  await sendFile(request, response, {
    body: body.bytes,
    compressed: body.compressed,
    contentType: file.contentType,
    cacheControl: file.cacheControl,
    ...(body.lastModified ? { lastModified: body.lastModified } : {}),
    extraHeaders: { ...securityHeaders(key), ...(file.cors ? corsHeaders(false) : {}) },
  });
}

/** A file as `serve` sends it: its bytes, when it was written, and its compressed forms, made once. */
interface SharedBody {
  bytes: Buffer;
  lastModified?: Date;
  compressed: (encoding: Encoding) => Promise<Buffer>;
}

/**
 * The bytes of recently served files, shared by every response that sends them: a body waiting in a
 * slow client's socket is then one copy however many clients are sent it, not one copy each; and
 * requests for a file that is being read wait for that read instead of reading it once more each.
 * Each compressed form of a file is made once too, the first time a client asks for it.
 */
class SharedBodies {
  private readonly recent = new Map<string, { etag: string; body: SharedBody }>();
  private readonly reading = new Map<string, Promise<SharedBody | undefined>>();

  read(store: Store, key: string): Promise<SharedBody | undefined> {
    let pending = this.reading.get(key);
    if (!pending) {
      pending = store
        .get(key)
        .then((object) => (object ? this.bodyOf(key, object) : undefined))
        .finally(() => this.reading.delete(key));
      this.reading.set(key, pending);
    }
    return pending;
  }

  private bodyOf(key: string, object: StoredObject): SharedBody {
    const known = this.recent.get(key);
    if (known?.etag === object.etag) return known.body;
    const bytes = Buffer.from(object.body, 'utf8');
    const encoded = new Map<Encoding, Promise<Buffer>>();
    const body: SharedBody = {
      bytes,
      ...(object.lastModified ? { lastModified: object.lastModified } : {}),
      compressed: (encoding) => {
        let pending = encoded.get(encoding);
        if (!pending) {
          pending = compress(encoding, bytes);
          encoded.set(encoding, pending);
        }
        return pending;
      },
    };
    this.recent.delete(key);
    this.recent.set(key, { etag: object.etag, body });
    const oldest = this.recent.keys().next();
    if (this.recent.size > 64 && !oldest.done) this.recent.delete(oldest.value);
    return body;
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
