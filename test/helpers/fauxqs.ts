// A real S3/SNS/SQS API on loopback for adapter and end-to-end tests: fauxqs 1.9.2 in-process, and
// a small HTTP proxy in front of it that adds the S3 conditional writes fauxqs lacks. Clients for
// tests are in aws-clients.ts.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import {
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
  Agent,
  createServer,
  request as httpRequest,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp } from 'fauxqs';
import { errorMessage } from '#pipeline/errors.js';
// Types only: the global setup imports this file, and loading vitest or the AWS SDK there costs seconds.
import type {} from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** http://127.0.0.1:PORT of the fauxqs the global setup started for the run. */
    fauxqsEndpoint: string;
  }
}

export interface Emulator {
  endpoint: string;
  close(): Promise<void>;
}

/** Starts fauxqs on 127.0.0.1 and a free port (its own startFauxqs binds 0.0.0.0). */
export async function startFauxqsServer(): Promise<Emulator> {
  const app = buildApp({ logger: false });
  const endpoint = await app.listen({ host: '127.0.0.1', port: 0 });
  return { endpoint, close: () => app.close() };
}

export interface ProxiedRequest {
  method: string;
  /** The path as decoded: "/bucket/key". */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
}

/** An answer a test makes the proxy give instead of fauxqs (e.g. 409 ConditionalRequestConflict). */
export interface InjectedError {
  status: number;
  code: string;
  message: string;
}

/** A request as an access check sees it: who signed it, for which service, and its body. */
export interface SignedRequest extends ProxiedRequest {
  /** From the SigV4 Authorization header's credential scope ('' when unsigned). */
  accessKeyId: string;
  /** s3, sqs, sns... (the credential scope's service). */
  service: string;
  /** The body, read whole for every service but S3 (whose object bodies stream through). */
  body?: Buffer;
}

/** A refusal, in the wire format of the service refusing (status, headers, body). */
export interface Refusal {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface ConditionalS3Proxy {
  endpoint: string;
  /** Every request the proxy received, in order (its own HEADs upstream are not listed). */
  requests: ProxiedRequest[];
  /** Answer matching requests with an S3 error instead of forwarding them; undefined to stop. */
  inject(answer: ((request: ProxiedRequest) => InjectedError | undefined) | undefined): void;
  /**
   * Checks every request before anything else (the emulated IAM of test/cloud/iam-gate.ts): a
   * refusal is sent as is, and the request goes no further. Undefined to stop.
   */
  gate(check: ((request: SignedRequest) => Refusal | undefined) | undefined): void;
  close(): Promise<void>;
}

// Hop-by-hop headers belong to each connection, not to the request; SigV4 never signs them (they
// are in the SDK's ALWAYS_UNSIGNABLE_HEADERS), so dropping them leaves the signature intact.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'expect',
]);

/**
 * A proxy on 127.0.0.1 in front of fauxqs that does what real S3 does and fauxqs 1.9.2 does not:
 * it honours If-None-Match: * and If-Match: <etag> on PutObject, answering 412 PreconditionFailed
 * (with S3's XML error body) when the condition does not hold, and 404 NoSuchKey for If-Match on a
 * missing key. The check (a HEAD upstream) and the forwarded PUT run under a per-key mutex, so a
 * check-then-put is atomic, as it is in S3; plain PUTs and DELETEs of a key take the same mutex so
 * they cannot slip in between. Everything else (SNS and SQS too) is piped through unchanged: the
 * SDK signs requests with SigV4, so headers and bodies are passed on byte for byte, streamed.
 * Path-style requests only (the S3 clients here use forcePathStyle).
 */
export async function startConditionalS3Proxy(upstreamEndpoint: string): Promise<ConditionalS3Proxy> {
  const upstream = new URL(upstreamEndpoint);
  const agent = new Agent({ keepAlive: true });
  const locks = new Map<string, Promise<void>>();
  const requests: ProxiedRequest[] = [];
  let injector: ((request: ProxiedRequest) => InjectedError | undefined) | undefined;
  let gatekeeper: ((request: SignedRequest) => Refusal | undefined) | undefined;

  async function withKeyLock(key: string, action: () => Promise<void>): Promise<void> {
    const previous = locks.get(key) ?? Promise.resolve();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const mine = previous.then(() => gate);
    locks.set(key, mine);
    await previous;
    try {
      await action();
    } finally {
      release();
      if (locks.get(key) === mine) locks.delete(key);
    }
  }

  /** Forwards the request upstream and its answer back; `body` when the request was already read. */
  function forward(incoming: IncomingMessage, response: ServerResponse, body?: Buffer): Promise<void> {
    return new Promise((resolve) => {
      const headers: IncomingHttpHeaders = {};
      for (const [name, value] of Object.entries(incoming.headers)) if (!HOP_BY_HOP.has(name)) headers[name] = value;
      const outgoing = httpRequest(
        {
          protocol: upstream.protocol,
          hostname: upstream.hostname,
          port: upstream.port,
          method: incoming.method,
          path: incoming.url,
          headers,
          agent,
        },
        (answer) => {
          const raw: string[] = [];
          for (let i = 0; i < answer.rawHeaders.length; i += 2) {
            if (!HOP_BY_HOP.has(answer.rawHeaders[i]!.toLowerCase()))
              raw.push(answer.rawHeaders[i]!, answer.rawHeaders[i + 1]!);
          }
          response.writeHead(answer.statusCode ?? 502, answer.statusMessage, raw);
          answer.pipe(response);
          answer.on('end', resolve);
          answer.on('error', () => {
            response.destroy();
            resolve();
          });
        },
      );
      outgoing.on('error', (error) => {
        if (!response.headersSent)
          sendS3Error(response, { status: 502, code: 'BadGateway', message: `proxy: ${error.message}` });
        else response.destroy();
        resolve();
      });
      // A client that goes away must not hold the key's lock forever.
      response.on('close', resolve);
      if (body) outgoing.end(body);
      else incoming.pipe(outgoing);
    });
  }

  /** HEAD of the object upstream: its ETag, or undefined when it does not exist. */
  async function currentEtag(rawPath: string): Promise<string | undefined> {
    const outgoing = httpRequest({
      protocol: upstream.protocol,
      hostname: upstream.hostname,
      port: upstream.port,
      method: 'HEAD',
      path: rawPath,
      agent,
    });
    outgoing.end();
    const [answer] = (await once(outgoing, 'response')) as [IncomingMessage];
    answer.resume();
    await once(answer, 'end');
    if (answer.statusCode === 404) return undefined;
    if (answer.statusCode !== 200) throw new Error(`proxy: HEAD ${rawPath} answered ${answer.statusCode}`);
    return String(answer.headers.etag ?? '');
  }

  async function refuse(incoming: IncomingMessage, response: ServerResponse, error: InjectedError): Promise<void> {
    // Read the body first so the client (which may still be sending it) gets a clean answer.
    incoming.resume();
    if (!incoming.readableEnded) await once(incoming, 'end');
    sendS3Error(response, error);
  }

  async function handle(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(incoming.url ?? '/', 'http://proxy');
    const path = decodeURIComponent(url.pathname);
    const seen: ProxiedRequest = {
      method: incoming.method ?? 'GET',
      path,
      query: url.searchParams,
      headers: incoming.headers,
    };
    requests.push(seen);
    let body: Buffer | undefined;
    if (gatekeeper) {
      const { accessKeyId, service } = signer(incoming);
      if (service !== 's3' || incoming.method === 'POST') {
        const chunks: Buffer[] = [];
        for await (const chunk of incoming) chunks.push(chunk as Buffer);
        body = Buffer.concat(chunks);
      }
      const refusal = gatekeeper({ ...seen, accessKeyId, service, ...(body ? { body } : {}) });
      if (refusal) {
        if (!body) {
          incoming.resume();
          if (!incoming.readableEnded) await once(incoming, 'end');
        }
        response.writeHead(refusal.status, { ...refusal.headers, 'content-length': Buffer.byteLength(refusal.body) });
        response.end(refusal.body);
        return;
      }
    }
    const injected = injector?.(seen);
    if (injected) return refuse(incoming, response, injected);
    // Read already (by the gate): neither an object PUT nor a DELETE, which take the key's lock below.
    if (body) return forward(incoming, response, body);

    const objectPath =
      /^\/[^/]+\/.+/.test(path) &&
      !url.searchParams.has('uploadId') &&
      incoming.headers['x-amz-copy-source'] === undefined;
    if (!objectPath || (incoming.method !== 'PUT' && incoming.method !== 'DELETE')) return forward(incoming, response);

    await withKeyLock(path, async () => {
      const ifNoneMatch = header(incoming, 'if-none-match');
      const ifMatch = header(incoming, 'if-match');
      if (incoming.method === 'PUT' && (ifNoneMatch !== undefined || ifMatch !== undefined)) {
        if (ifNoneMatch !== undefined && ifNoneMatch !== '*') {
          return refuse(incoming, response, {
            status: 501,
            code: 'NotImplemented',
            message:
              'A header you provided implies functionality that is not implemented (If-None-Match accepts only *)',
          });
        }
        const etag = await currentEtag(url.pathname);
        if (ifNoneMatch === '*' && etag !== undefined)
          return refuse(incoming, response, preconditionFailed('If-None-Match'));
        if (ifMatch !== undefined) {
          if (etag === undefined)
            return refuse(incoming, response, {
              status: 404,
              code: 'NoSuchKey',
              message: 'The specified key does not exist.',
            });
          if (ifMatch !== '*' && unquote(ifMatch) !== unquote(etag))
            return refuse(incoming, response, preconditionFailed('If-Match'));
        }
      }
      await forward(incoming, response);
    });
  }

  const server = createServer((incoming, response) => {
    handle(incoming, response).catch((error: unknown) => {
      if (!response.headersSent)
        sendS3Error(response, { status: 500, code: 'InternalError', message: `proxy: ${errorMessage(error)}` });
      else response.destroy();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    inject: (answer) => {
      injector = answer;
    },
    gate: (check) => {
      gatekeeper = check;
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
      agent.destroy();
    },
  };
}

function preconditionFailed(condition: string): InjectedError {
  return {
    status: 412,
    code: 'PreconditionFailed',
    message: `At least one of the pre-conditions you specified did not hold (${condition})`,
  };
}

function sendS3Error(response: ServerResponse, error: InjectedError): void {
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${error.code}</Code><Message>${escapeXml(error.message)}</Message><RequestId>${requestId}</RequestId><HostId>${requestId}</HostId></Error>`;
  response.writeHead(error.status, {
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(body),
    'x-amz-request-id': requestId,
  });
  response.end(body);
}

/** The access key and service of a SigV4 signature: `Credential=AKID/date/region/service/aws4_request`. */
export function signer(incoming: IncomingMessage): { accessKeyId: string; service: string } {
  const match = /Credential=([^/,\s]+)\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(
    header(incoming, 'authorization') ?? '',
  );
  return { accessKeyId: match?.[1] ?? '', service: match?.[2] ?? '' };
}

function header(incoming: IncomingMessage, name: string): string | undefined {
  const value = incoming.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function unquote(etag: string): string {
  return etag.trim().replace(/^W\//, '').replace(/^"|"$/g, '');
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
