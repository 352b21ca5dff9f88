// Answering a GET or HEAD for a file's content the way the CDN in front of the bucket does
// (docs/ARCHITECTURE.md, "serve and CloudFront"): a strong ETag, Last-Modified, 304 for a matching
// If-None-Match (or, without one, an If-Modified-Since not older than the file), gzip or brotli for
// text types with `Vary: Accept-Encoding` (a compressed answer carries the ETag made weak, as
// CloudFront does), Content-Length, and nosniff (the caller adds the other security headers).
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';

export interface FileResponse {
  body: Buffer;
  contentType: string;
  cacheControl?: string;
  lastModified?: Date;
  extraHeaders?: Record<string, string>;
  /** The body compressed (made once and shared by the caller); compressed here when not given. */
  compressed?: (encoding: Encoding) => Promise<Buffer>;
}

/** CloudFront compresses objects from 1,000 bytes to 10,000,000 bytes; so do we. */
const MIN_COMPRESS = 1_000;
const MAX_COMPRESS = 10_000_000;
const COMPRESSIBLE = /^(text\/|application\/([a-z.+-]*\+)?(json|xml)\b)/;

export type Encoding = 'br' | 'gzip';

export function compress(encoding: Encoding, body: Buffer): Promise<Buffer> {
  // Brotli quality 5: most of its gain at a small part of the top level's cost.
  if (encoding === 'br')
    return promisify(brotliCompress)(body, {
      params: { [zlib.BROTLI_PARAM_QUALITY]: 5, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length },
    });
  return promisify(gzip)(body);
}

export async function sendFile(request: IncomingMessage, response: ServerResponse, file: FileResponse): Promise<void> {
  const hash = createHash('sha256').update(file.body).digest('hex').slice(0, 32);
  const compressible = COMPRESSIBLE.test(file.contentType);
  const encoding =
    compressible && file.body.length >= MIN_COMPRESS && file.body.length <= MAX_COMPRESS
      ? chooseEncoding(request.headers['accept-encoding'])
      : undefined;
  const headers: Record<string, string> = {
    etag: encoding ? `W/"${hash}"` : `"${hash}"`,
    'content-type': file.contentType,
    'x-content-type-options': 'nosniff',
    ...(file.lastModified ? { 'last-modified': file.lastModified.toUTCString() } : {}),
    ...(file.cacheControl ? { 'cache-control': file.cacheControl } : {}),
    ...(compressible ? { vary: 'Accept-Encoding' } : {}),
    ...file.extraHeaders,
  };
  if (notModified(request, hash, file.lastModified)) {
    response.writeHead(304, headers);
    response.end();
    return;
  }
  const body = encoding
    ? await (file.compressed ?? ((coding: Encoding) => compress(coding, file.body)))(encoding)
    : file.body;
  response.writeHead(200, {
    ...headers,
    ...(encoding ? { 'content-encoding': encoding } : {}),
    'content-length': String(body.length),
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}

export function sendStatus(
  response: ServerResponse,
  status: number,
  message: string,
  extraHeaders: Record<string, string> = {},
): void {
  const body = `${message}\n`;
  response.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    ...extraHeaders,
  });
  response.end(body);
}

/**
 * RFC 9110 section 13.2.2: If-None-Match decides when present (weak comparison, so the weak ETag of a
 * compressed answer revalidates too); otherwise If-Modified-Since, to the second.
 */
function notModified(request: IncomingMessage, hash: string, lastModified: Date | undefined): boolean {
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    return (
      ifNoneMatch.trim() === '*' ||
      ifNoneMatch.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === `"${hash}"`)
    );
  }
  const ifModifiedSince = request.headers['if-modified-since'];
  if (!ifModifiedSince || !lastModified) return false;
  const since = Date.parse(ifModifiedSince);
  return !Number.isNaN(since) && Math.floor(lastModified.getTime() / 1000) <= Math.floor(since / 1000);
}

/** Brotli when the client takes it, else gzip, else none; `q=0` refuses a coding (RFC 9110 12.5.3). */
function chooseEncoding(header: string | string[] | undefined): Encoding | undefined {
  if (!header) return undefined;
  const weights = new Map<string, number>();
  for (const part of (Array.isArray(header) ? header.join(',') : header).split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    weights.set(name, q === undefined ? 1 : Number(q));
  }
  const weight = (coding: string) => weights.get(coding) ?? weights.get('*') ?? 0;
  const best = (['br', 'gzip'] as const)
    .filter((coding) => weight(coding) > 0)
    .sort((a, b) => weight(b) - weight(a))[0];
  return best;
}
