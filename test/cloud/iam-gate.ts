// IAM, locally, for the synthesized stack: each function signs its AWS requests with credentials of
// its own (as Lambda gives it its execution role's), and the proxy in front of fauxqs asks this gate
// whether the role's identity policies from the template allow each request, answering AccessDenied
// in the service's own wire format when they do not. So a function that touches a key, queue or
// topic its role does not grant fails here as it would in AWS, instead of only after `cdk deploy`.
//
// What is evaluated: the Allow and Deny statements of the role's inline and attached AWS::IAM::Policy
// resources (Action/NotAction, Resource/NotResource, `*` and `?` wildcards; an explicit deny wins),
// the actions S3, SQS, SNS and CloudFront need for the requests the functions make, and the KMS permissions SNS
// needs from a publisher to an encrypted topic. Not evaluated: conditions (a statement with one is an
// error here, not a guess), resource-based policies (their only statements deny plain HTTP, which the
// emulator speaks by necessity), managed policies (none in the template: an error if one appears).
import { createHash } from 'node:crypto';
import type { Refusal, SignedRequest } from '#test/helpers/fauxqs.js';
import {
  type CfnTemplate,
  type EmulatedStack,
  EMULATED_ACCOUNT,
  EMULATED_REGION,
} from '#test/helpers/emulated-stack.js';

export interface Statement {
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  /** Resolved ARNs (patterns). */
  Resource?: string[];
  NotResource?: string[];
}

/** A permission a request needs: an action on a resource ARN. */
export interface Permission {
  action: string;
  resource: string;
}

export interface Principal {
  /** The assumed role, as AWS names it in an AccessDenied message. */
  arn: string;
  statements: Statement[];
  /** What the request needs, from its service, action and parameters. */
  permissionsFor(request: SignedRequest): Permission[];
}

/** The statements of a role's identity policies in the template, with their resources resolved. */
export function roleStatements(
  template: CfnTemplate,
  stack: Pick<EmulatedStack, 'resolve'>,
  roleLogicalId: string,
): Statement[] {
  const role = template.Resources[roleLogicalId];
  if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${roleLogicalId} is not a role of the template`);
  if (role.Properties?.ManagedPolicyArns?.length)
    throw new Error(`the emulated IAM does not evaluate managed policies (${roleLogicalId})`);
  const documents: { Statement: Record<string, unknown>[] }[] = (role.Properties?.Policies ?? []).map(
    (p: { PolicyDocument: { Statement: Record<string, unknown>[] } }) => p.PolicyDocument,
  );
  for (const [, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::IAM::Policy' && resource.Type !== 'AWS::IAM::ManagedPolicy') continue;
    const roles = (resource.Properties?.Roles ?? []) as unknown[];
    if (roles.some((r) => (r as { Ref?: string }).Ref === roleLogicalId))
      documents.push(resource.Properties!.PolicyDocument);
  }
  return documents.flatMap((document) =>
    document.Statement.map((s) => {
      if (s.Condition !== undefined)
        throw new Error(`the emulated IAM does not evaluate conditions (${roleLogicalId}: ${JSON.stringify(s)})`);
      const resources = (value: unknown) => ([] as unknown[]).concat(value).map((v) => stack.resolve(v));
      return {
        Effect: s.Effect as Statement['Effect'],
        ...(s.Action !== undefined ? { Action: s.Action as string | string[] } : {}),
        ...(s.NotAction !== undefined ? { NotAction: s.NotAction as string | string[] } : {}),
        ...(s.Resource !== undefined ? { Resource: resources(s.Resource) } : {}),
        ...(s.NotResource !== undefined ? { NotResource: resources(s.NotResource) } : {}),
      };
    }),
  );
}

/** IAM's answer for identity policies: an explicit deny wins, then an allow is needed. */
export function isAllowed(statements: Statement[], { action, resource }: Permission): boolean {
  const applies = (s: Statement) => {
    const actionMatches =
      s.Action !== undefined
        ? list(s.Action).some((p) => wildcard(p, true).test(action))
        : !list(s.NotAction ?? []).some((p) => wildcard(p, true).test(action));
    const resourceMatches =
      s.Resource !== undefined
        ? s.Resource.some((p) => wildcard(p, false).test(resource))
        : !(s.NotResource ?? []).some((p) => wildcard(p, false).test(resource));
    return actionMatches && resourceMatches;
  };
  if (statements.some((s) => s.Effect === 'Deny' && applies(s))) return false;
  return statements.some((s) => s.Effect === 'Allow' && applies(s));
}

const list = (value: string | string[]) => ([] as string[]).concat(value);

/** An IAM pattern (`*` any run, `?` one character); actions compare without case, as IAM does. */
function wildcard(pattern: string, ignoreCase: boolean): RegExp {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '');
}

/**
 * The permissions the requests of the functions need, by service:
 * - S3 (path-style): GetObject for GET/HEAD of an object, PutObject, DeleteObject (each key of a
 *   multi-object delete), ListBucket for a listing or a HEAD of the bucket;
 * - SQS (JSON protocol): the operation on the queue the QueueUrl names (batches as their single form);
 * - SNS (query protocol): Publish on the topic, and kms:GenerateDataKey* and kms:Decrypt on the key of
 *   an encrypted topic, which SNS asks of the publisher.
 * A request this does not know is refused with a message saying so, never let through unchecked.
 */
export function permissionsFor(
  request: SignedRequest,
  names: { queueArn: (url: string) => string; topicKeyArn: (topicArn: string) => string | undefined },
): Permission[] {
  switch (request.service) {
    case 's3': {
      const [, bucket = '', ...rest] = request.path.split('/');
      const key = rest.join('/');
      const object = `arn:aws:s3:::${bucket}/${key}`;
      if (key === '') {
        // A listing (ListObjects, ListObjectsV2) or HeadBucket; a sub-resource (?acl, ?versions...) is another action.
        const subresource = [...request.query.keys()].find(
          (k) =>
            ![
              'list-type',
              'prefix',
              'delimiter',
              'max-keys',
              'continuation-token',
              'start-after',
              'marker',
              'encoding-type',
              'fetch-owner',
              'x-id',
            ].includes(k),
        );
        if ((request.method === 'GET' || request.method === 'HEAD') && !subresource)
          return [{ action: 's3:ListBucket', resource: `arn:aws:s3:::${bucket}` }];
        if (request.method === 'POST' && request.query.has('delete')) {
          const keys = [...(request.body ?? Buffer.alloc(0)).toString('utf8').matchAll(/<Key>([^<]*)<\/Key>/g)].map(
            (m) => unescapeXml(m[1]!),
          );
          return keys.map((k) => ({ action: 's3:DeleteObject', resource: `arn:aws:s3:::${bucket}/${k}` }));
        }
      } else {
        if (request.method === 'GET' || request.method === 'HEAD')
          return [{ action: 's3:GetObject', resource: object }];
        if (request.method === 'PUT' || request.method === 'POST') {
          const source = request.headers['x-amz-copy-source'];
          return [
            { action: 's3:PutObject', resource: object },
            ...(typeof source === 'string'
              ? [
                  {
                    action: 's3:GetObject',
                    resource: `arn:aws:s3:::${decodeURIComponent(source.replace(/^\//, '').split('?')[0]!)}`,
                  },
                ]
              : []),
          ];
        }
        if (request.method === 'DELETE') return [{ action: 's3:DeleteObject', resource: object }];
      }
      return [{ action: `s3:unknown(${request.method} ${request.path}?${request.query})`, resource: object }];
    }
    case 'sqs': {
      const target = String(request.headers['x-amz-target'] ?? '');
      const operation = /^AmazonSQS\.(\w+)$/.exec(target)?.[1];
      const input = JSON.parse((request.body ?? Buffer.from('{}')).toString('utf8') || '{}') as {
        QueueUrl?: string;
        QueueName?: string;
      };
      if (!operation) return [{ action: `sqs:unknown(${target || 'query protocol'})`, resource: '*' }];
      const action = `sqs:${operation.replace(/Batch$/, '')}`;
      // GetQueueUrl names the queue; everything else gives its URL.
      const resource = input.QueueUrl
        ? names.queueArn(input.QueueUrl)
        : `arn:aws:sqs:${EMULATED_REGION}:${EMULATED_ACCOUNT}:${input.QueueName ?? ''}`;
      return [{ action, resource }];
    }
    case 'sns': {
      const form = new URLSearchParams((request.body ?? Buffer.alloc(0)).toString('utf8'));
      const operation = form.get('Action') ?? 'unknown';
      const topicArn = form.get('TopicArn') ?? form.get('TargetArn') ?? '*';
      const action = `sns:${operation.replace(/Batch$/, '')}`;
      const key = operation.startsWith('Publish') ? names.topicKeyArn(topicArn) : undefined;
      return [
        { action, resource: topicArn },
        ...(key
          ? [
              { action: 'kms:GenerateDataKey', resource: key },
              { action: 'kms:Decrypt', resource: key },
            ]
          : []),
      ];
    }
    case 'cloudfront': {
      const distribution = /^\/\d{4}-\d{2}-\d{2}\/distribution\/([^/]+)\/invalidation$/.exec(request.path)?.[1];
      if (request.method === 'POST' && distribution)
        return [
          {
            action: 'cloudfront:CreateInvalidation',
            resource: `arn:aws:cloudfront::${EMULATED_ACCOUNT}:distribution/${distribution}`,
          },
        ];
      return [{ action: `cloudfront:unknown(${request.method} ${request.path})`, resource: '*' }];
    }
    default:
      return [{ action: `${request.service || 'unsigned'}:unknown`, resource: request.path }];
  }
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/**
 * The gate the proxy consults. Requests signed with a key no function holds (the test's own clients,
 * acting as the account's administrator) pass; a function's requests are checked against its role.
 */
export class IamGate {
  private readonly principals = new Map<string, Principal>();
  /** Every refusal, for a test to show (a function may catch and log the error). */
  readonly denied: { principal: string; permission: Permission }[] = [];

  register(accessKeyId: string, principal: Principal): void {
    this.principals.set(accessKeyId, principal);
  }

  check = (request: SignedRequest): Refusal | undefined => {
    const principal = this.principals.get(request.accessKeyId);
    if (!principal) return undefined;
    const missing = principal.permissionsFor(request).find((p) => !isAllowed(principal.statements, p));
    if (!missing) return undefined;
    this.denied.push({ principal: principal.arn, permission: missing });
    return refusal(request.service, principal.arn, missing);
  };
}

/** Credentials of their own for a function (Lambda's come from its role): a stable fake key id. */
export function credentialsFor(functionName: string): {
  AWS_ACCESS_KEY_ID: string;
  AWS_SECRET_ACCESS_KEY: string;
  AWS_SESSION_TOKEN: string;
} {
  const digest = createHash('sha256').update(functionName).digest('hex').toUpperCase();
  return {
    AWS_ACCESS_KEY_ID: `ASIA${digest.slice(0, 16)}`,
    AWS_SECRET_ACCESS_KEY: digest.slice(16, 56),
    AWS_SESSION_TOKEN: `emulated-${digest.slice(0, 32)}`,
  };
}

/** AccessDenied as each service sends it (S3 and SNS: XML; SQS: JSON protocol). */
function refusal(service: string, principal: string, { action, resource }: Permission): Refusal {
  const requestId = createHash('sha256')
    .update(`${principal}${action}${resource}${Math.random()}`)
    .digest('hex')
    .slice(0, 16)
    .toUpperCase();
  const message = `User: ${principal} is not authorized to perform: ${action} on resource: "${resource}" because no identity-based policy allows the ${action} action`;
  if (service === 'sqs') {
    return {
      status: 400,
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-query-error': 'AccessDenied;Sender',
        'x-amzn-requestid': requestId,
      },
      body: JSON.stringify({ __type: 'com.amazon.coral.service#AccessDeniedException', message }),
    };
  }
  if (service === 'sns' || service === 'cloudfront') {
    const code = action.startsWith('kms:')
      ? 'KMSAccessDenied'
      : service === 'sns'
        ? 'AuthorizationError'
        : 'AccessDenied';
    return {
      status: action.startsWith('kms:') ? 400 : 403,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      body: `<ErrorResponse xmlns="${service === 'sns' ? 'http://sns.amazonaws.com/doc/2010-03-31/' : 'http://cloudfront.amazonaws.com/doc/2020-05-31/'}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    };
  }
  return {
    status: 403,
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>${escapeXml(message)}</Message><RequestId>${requestId}</RequestId><HostId>${requestId}</HostId></Error>`,
  };
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
