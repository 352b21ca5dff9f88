// A small real HTTP server for an ILO-shaped site kept as files (the bundled replica under
// replica/site). URL paths map to files: "/a/b" -> "a/b.html",
// "/sitemap.xml?page=2" -> "sitemap.page-2.xml"; Chinese paths are stored decoded.
import { readFile } from 'node:fs/promises';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sendFile, sendStatus } from '../functions/adapters/http/static-response.js';
import { errorMessage } from '../functions/pipeline/errors.js';

export const BUNDLED_REPLICA = fileURLToPath(new URL('./site', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export interface ReplicaServer {
  /** The origin to pass as --origin, e.g. http://127.0.0.1:41234 */
  origin: string;
  server: Server;
  close(): Promise<void>;
}

/**
 * Lets a test take over a request before the files are consulted (to answer 500, stall, redirect...).
 * Return true when the hook answered.
 */
export type RequestHook = (request: IncomingMessage, response: ServerResponse) => boolean | Promise<boolean>;

export async function startReplicaServer(
  options: { root?: string; port?: number; hook?: RequestHook } = {},
): Promise<ReplicaServer> {
  const root = path.resolve(options.root ?? BUNDLED_REPLICA);
  const server = createServer((request, response) => {
    void handle(root, request, response, options.hook).catch((error: unknown) => {
      if (!response.headersSent) sendStatus(response, 500, `replica error: ${errorMessage(error)}`);
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(
  root: string,
  request: IncomingMessage,
  response: ServerResponse,
  hook?: RequestHook,
): Promise<void> {
  if (hook && (await hook(request, response))) return;
  if (request.method !== 'GET' && request.method !== 'HEAD')
    return sendStatus(response, 405, 'method not allowed', { allow: 'GET, HEAD' });
  const file = fileFor(root, request.url ?? '/');
  if (!file) return sendStatus(response, 404, 'not found');
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    return sendStatus(response, 404, 'not found');
  }
  sendFile(request, response, { body, contentType: contentTypeFor(file, body) });
}

/**
 * The Content-Type of a file. A page stored in a legacy encoding (GBK, Big5...) says so in its own
 * <meta charset> within the first 1024 bytes; like the old servers such pages come from, the replica
 * then sends no charset at all (rather than a false "utf-8"), so clients must sniff the page's own.
 */
function contentTypeFor(file: string, body: Buffer): string {
  const extension = path.extname(file);
  const type = CONTENT_TYPES[extension] ?? 'application/octet-stream';
  if (extension !== '.html') return type;
  const declared = /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(body.subarray(0, 1024).toString('latin1'))?.[1];
  return declared && !/^utf-?8$/i.test(declared) ? 'text/html' : type;
}

/** The file serving a request path, or undefined when the path leaves the site folder. */
export function fileFor(root: string, requestUrl: string): string | undefined {
  const url = new URL(requestUrl, 'http://replica.invalid');
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return undefined;
  }
  if (pathname.includes('\0')) return undefined;
  if (pathname.endsWith('/')) pathname += 'index';
  let relative = pathname.replace(/^\/+/, '');
  if (path.extname(relative) === '') relative += '.html';
  const page = url.searchParams.get('page');
  if (page !== null) {
    if (!/^\d{1,4}$/.test(page)) return undefined;
    const extension = path.extname(relative);
    relative = `${relative.slice(0, -extension.length)}.page-${page}${extension}`;
  }
  const file = path.resolve(root, relative);
  return file.startsWith(`${root}${path.sep}`) ? file : undefined;
}
