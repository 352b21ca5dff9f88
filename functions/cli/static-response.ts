// Answering a GET or HEAD for a file's content with the headers feed readers and caches rely on:
// a strong ETag, 304 for a matching If-None-Match, Content-Length, and nosniff.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface FileResponse {
  body: Buffer;
  contentType: string;
  cacheControl?: string;
  extraHeaders?: Record<string, string>;
}

export function sendFile(request: IncomingMessage, response: ServerResponse, file: FileResponse): void {
  const etag = `"${createHash('sha256').update(file.body).digest('hex').slice(0, 32)}"`;
  const headers: Record<string, string> = {
    etag,
    'content-type': file.contentType,
    'x-content-type-options': 'nosniff',
    ...(file.cacheControl ? { 'cache-control': file.cacheControl } : {}),
    ...file.extraHeaders,
  };
  if (matchesEtag(request.headers['if-none-match'], etag)) {
    response.writeHead(304, headers);
    response.end();
    return;
  }
  response.writeHead(200, { ...headers, 'content-length': String(file.body.length) });
  response.end(request.method === 'HEAD' ? undefined : file.body);
}

export function sendStatus(response: ServerResponse, status: number, message: string, extraHeaders: Record<string, string> = {}): void {
  const body = `${message}\n`;
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), ...extraHeaders });
  response.end(body);
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header === '*' || header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}
