// The emulated IAM the cloud test runs the functions under: its evaluation and the permissions it
// reads off each kind of request the functions make.
import { describe, expect, it } from 'vitest';
import type { SignedRequest } from '#test/helpers/fauxqs.js';
import { type Statement, isAllowed, permissionsFor } from './iam-gate.js';

const BUCKET = 'arn:aws:s3:::content';
const names = {
  queueArn: (url: string) => `arn:aws:sqs:us-east-1:000000000000:${url.split('/').at(-1)}`,
  topicKeyArn: (arn: string) => (arn.endsWith(':news') ? 'arn:aws:kms:us-east-1:000000000000:key/k1' : undefined),
};
const request = (service: string, method: string, path: string, extra: Partial<SignedRequest> = {}): SignedRequest => ({
  service,
  method,
  path,
  query: new URLSearchParams(extra.query ?? ''),
  headers: {},
  accessKeyId: 'ASIAEXAMPLE',
  ...extra,
});

describe('the emulated IAM', () => {
  const statements: Statement[] = [
    { Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`${BUCKET}/state/*`, `${BUCKET}/index.html`] },
    { Effect: 'Allow', Action: 'kms:GenerateDataKey*', Resource: ['arn:aws:kms:us-east-1:000000000000:key/k1'] },
    { Effect: 'Deny', Action: 's3:*', Resource: [`${BUCKET}/state/secret.json`] },
  ];

  it('allows what a statement grants (wildcards in actions and keys), an explicit deny winning', () => {
    expect(isAllowed(statements, { action: 's3:GetObject', resource: `${BUCKET}/state/crawl.json` })).toBe(true);
    expect(isAllowed(statements, { action: 'S3:getobject', resource: `${BUCKET}/index.html` })).toBe(true);
    expect(isAllowed(statements, { action: 's3:GetObject', resource: `${BUCKET}/index.htmlx` })).toBe(false);
    expect(isAllowed(statements, { action: 's3:PutObject', resource: `${BUCKET}/state/crawl.json` })).toBe(false);
    expect(isAllowed(statements, { action: 's3:GetObject', resource: `${BUCKET}/state/secret.json` })).toBe(false);
    expect(
      isAllowed(statements, { action: 'kms:GenerateDataKey', resource: 'arn:aws:kms:us-east-1:000000000000:key/k1' }),
    ).toBe(true);
    expect(
      isAllowed([{ Effect: 'Allow', Action: 's3:GetObject', NotResource: [`${BUCKET}/raw/*`] }], {
        action: 's3:GetObject',
        resource: `${BUCKET}/raw/a`,
      }),
    ).toBe(false);
  });

  it('reads the permission each request needs', () => {
    expect(permissionsFor(request('s3', 'HEAD', '/content/feeds/en/rss.xml'), names)).toEqual([
      { action: 's3:GetObject', resource: `${BUCKET}/feeds/en/rss.xml` },
    ]);
    expect(permissionsFor(request('s3', 'PUT', '/content/index.html'), names)).toEqual([
      { action: 's3:PutObject', resource: `${BUCKET}/index.html` },
    ]);
    expect(
      permissionsFor(
        request('s3', 'GET', '/content', { query: new URLSearchParams('list-type=2&prefix=state/') }),
        names,
      ),
    ).toEqual([{ action: 's3:ListBucket', resource: BUCKET }]);
    const deletes = request('s3', 'POST', '/content', {
      query: new URLSearchParams('delete='),
      body: Buffer.from('<Delete><Object><Key>a&amp;b</Key></Object><Object><Key>c</Key></Object></Delete>'),
    });
    expect(permissionsFor(deletes, names)).toEqual([
      { action: 's3:DeleteObject', resource: `${BUCKET}/a&b` },
      { action: 's3:DeleteObject', resource: `${BUCKET}/c` },
    ]);
    const send = request('sqs', 'POST', '/', {
      headers: { 'x-amz-target': 'AmazonSQS.SendMessageBatch' },
      body: Buffer.from(JSON.stringify({ QueueUrl: 'http://q/000000000000/ingest' })),
    });
    expect(permissionsFor(send, names)).toEqual([
      { action: 'sqs:SendMessage', resource: 'arn:aws:sqs:us-east-1:000000000000:ingest' },
    ]);
    const publish = request('sns', 'POST', '/', {
      body: Buffer.from('Action=Publish&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A000000000000%3Anews'),
    });
    expect(permissionsFor(publish, names).map((p) => p.action)).toEqual([
      'sns:Publish',
      'kms:GenerateDataKey',
      'kms:Decrypt',
    ]);
    expect(permissionsFor(request('cloudfront', 'POST', '/2020-05-31/distribution/E1/invalidation'), names)).toEqual([
      { action: 'cloudfront:CreateInvalidation', resource: 'arn:aws:cloudfront::000000000000:distribution/E1' },
    ]);
    // What it does not know is named as such, so no policy can allow it by accident.
    expect(
      permissionsFor(request('s3', 'GET', '/content', { query: new URLSearchParams('acl=') }), names)[0]!.action,
    ).toMatch(/^s3:unknown/);
  });
});
