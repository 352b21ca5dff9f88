// CloudFront's CreateInvalidation on loopback: fauxqs has no CloudFront, so tests point the SDK at
// this (AWS_ENDPOINT_URL_CLOUDFRONT) and read what was invalidated. It speaks the real REST/XML API
// (POST /2020-05-31/distribution/<id>/invalidation) and, like CloudFront, treats a repeated caller
// reference with the same paths as the same invalidation and with other paths as an error (409).
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { XMLParser } from 'fast-xml-parser';
import { type Refusal, type SignedRequest, signer } from './fauxqs.js';
import { errorMessage } from '#pipeline/errors.js';

export interface RecordedInvalidation {
  id: string;
  distributionId: string;
  callerReference: string;
  paths: string[];
}

export interface CloudFrontStandIn {
  endpoint: string;
  /** Every invalidation created (a repeated caller reference is not listed twice). */
  invalidations: RecordedInvalidation[];
  /** Answer the next requests with an error (e.g. 503 throttling) until set to undefined. */
  failWith(status: number | undefined): void;
  /** Checks every request first (the emulated IAM of test/cloud/iam-gate.ts), as the S3 proxy's gate. */
  gate(check: ((request: SignedRequest) => Refusal | undefined) | undefined): void;
  close(): Promise<void>;
}

const NS = 'http://cloudfront.amazonaws.com/doc/2020-05-31/';

export async function startCloudFrontStandIn(): Promise<CloudFrontStandIn> {
  const invalidations: RecordedInvalidation[] = [];
  let failure: number | undefined;
  let gatekeeper: ((request: SignedRequest) => Refusal | undefined) | undefined;
  const parser = new XMLParser({ isArray: (name) => name === 'Path' });

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const url = new URL(request.url ?? '/', 'http://cloudfront');
    const refusal = gatekeeper?.({
      method: request.method ?? 'GET',
      path: decodeURIComponent(url.pathname),
      query: url.searchParams,
      headers: request.headers,
      ...signer(request),
      body: Buffer.concat(chunks),
    });
    if (refusal) return void response.writeHead(refusal.status, refusal.headers).end(refusal.body);
    const match = /^\/2020-05-31\/distribution\/([^/]+)\/invalidation$/.exec(request.url ?? '');
    if (request.method !== 'POST' || !match)
      return error(response, 404, 'NoSuchResource', `not emulated: ${request.method} ${request.url}`);
    if (failure !== undefined) return error(response, failure, 'ServiceUnavailable', 'injected failure');
    const batch = parser.parse(Buffer.concat(chunks).toString('utf8')).InvalidationBatch as {
      CallerReference: string;
      Paths: { Quantity: number; Items?: { Path: string[] } };
    };
    const paths = (batch.Paths.Items?.Path ?? []).map(String);
    if (paths.length !== Number(batch.Paths.Quantity))
      return error(response, 400, 'InconsistentQuantities', 'Quantity does not match the paths');
    const callerReference = String(batch.CallerReference);
    let invalidation = invalidations.find(
      (i) => i.distributionId === match[1] && i.callerReference === callerReference,
    );
    if (invalidation && JSON.stringify(invalidation.paths) !== JSON.stringify(paths)) {
      return error(response, 409, 'InvalidationBatchAlreadyExists', 'The caller reference was used with another batch');
    }
    if (!invalidation) {
      invalidation = {
        id: `I${randomBytes(6).toString('hex').toUpperCase()}`,
        distributionId: match[1]!,
        callerReference,
        paths,
      };
      invalidations.push(invalidation);
    }
    const items = paths.map((p) => `<Path>${escapeXml(p)}</Path>`).join('');
    const body =
      `<?xml version="1.0" encoding="UTF-8"?>\n<Invalidation xmlns="${NS}"><Id>${invalidation.id}</Id><Status>InProgress</Status>` +
      `<CreateTime>${new Date().toISOString()}</CreateTime><InvalidationBatch><Paths><Quantity>${paths.length}</Quantity><Items>${items}</Items></Paths>` +
      `<CallerReference>${escapeXml(callerReference)}</CallerReference></InvalidationBatch></Invalidation>`;
    response.writeHead(201, {
      'content-type': 'text/xml',
      location: `https://cloudfront.amazonaws.com/2020-05-31/distribution/${match[1]}/invalidation/${invalidation.id}`,
    });
    response.end(body);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((e: unknown) => error(response, 500, 'InternalError', errorMessage(e)));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    invalidations,
    failWith: (status) => {
      failure = status;
    },
    gate: (check) => {
      gatekeeper = check;
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

function error(response: ServerResponse, status: number, code: string, message: string): void {
  if (response.headersSent) return void response.destroy();
  const body = `<?xml version="1.0"?>\n<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${randomBytes(8).toString('hex')}</RequestId></ErrorResponse>`;
  response.writeHead(status, { 'content-type': 'text/xml' });
  response.end(body);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
