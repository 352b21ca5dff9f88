// The ExportSource port over HTTP(S), for `pull`: a GET with If-None-Match, only on the source's
// origin (redirects are followed by hand and only there), with a timeout and a size cap. Every
// failure is one line naming the URL.
import { BadExport } from '../pipeline/errors.js';
import type { ExportResponse, ExportSource } from '../pipeline/ports.js';

export interface HttpExportSourceOptions {
  /** The source's public root; nothing outside its origin is fetched. */
  from: string;
  timeoutMs: number;
  userAgent?: string;
  /** Largest body accepted (default 32 MiB). */
  maxBytes?: number;
}

const MAX_REDIRECTS = 5;

export class HttpExportSource implements ExportSource {
  private readonly origin: string;

  constructor(private readonly options: HttpExportSourceOptions) {
    this.origin = new URL(options.from).origin;
  }

  async get(url: string, etag?: string): Promise<ExportResponse> {
    let target = url;
    for (let hop = 0; ; hop++) {
      if (new URL(target).origin !== this.origin)
        throw new BadExport(
          `${url} leads to ${target}, outside ${this.origin} (pull fetches only from the source it was given)`,
        );
      const response = await this.request(target, etag);
      if ([301, 302, 303, 307, 308].includes(response.status)) {
        const location = response.headers.get('location');
        await response.body?.cancel();
        if (!location || hop >= MAX_REDIRECTS)
          throw new BadExport(`${url} redirects ${location ? 'too many times' : 'without a Location'}`);
        target = new URL(location, target).toString();
        continue;
      }
      if (response.status === 304) {
        await response.body?.cancel();
        return { status: 'not-modified' };
      }
      if (response.status === 404 || response.status === 410) {
        await response.body?.cancel();
        return { status: 'gone' };
      }
      if (response.status !== 200) {
        await response.body?.cancel();
        throw new BadExport(
          `${url} answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
        );
      }
      const body = await this.readBody(url, response);
      const tag = response.headers.get('etag');
      return { status: 'ok', body, ...(tag ? { etag: tag } : {}) };
    }
  }

  private async request(url: string, etag: string | undefined): Promise<Response> {
    try {
      return await fetch(url, {
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
        headers: {
          accept: 'application/json',
          'user-agent':
            this.options.userAgent ?? 'ilo-syndication-pull/0.1 (+https://github.com/ilo-syndication/ilo-syndication)',
          ...(etag ? { 'if-none-match': etag } : {}),
        },
      });
    } catch (error) {
      throw new BadExport(`${url}: ${describeNetworkError(error, this.options.timeoutMs)}`);
    }
  }

  private async readBody(url: string, response: Response): Promise<string> {
    const max = this.options.maxBytes ?? 32 * 1024 * 1024;
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        size += chunk.byteLength;
        if (size > max) throw new BadExport(`${url} is larger than ${max} bytes`);
        chunks.push(chunk);
      }
    } catch (error) {
      if (error instanceof BadExport) throw error;
      throw new BadExport(`${url}: ${describeNetworkError(error, this.options.timeoutMs)}`);
    }
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
    } catch {
      throw new BadExport(`${url} is not UTF-8 text`);
    }
  }
}

function describeNetworkError(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  const code = e.cause?.code;
  return code ? `cannot fetch (${code})` : `cannot fetch (${e.cause?.message ?? e.message ?? String(error)})`;
}
