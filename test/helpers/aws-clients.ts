// AWS SDK clients for tests, pointed at the fauxqs of the run (or at a conditional proxy in front
// of it), with dummy credentials and region set on each client, never in process.env.
import { randomBytes } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { inject } from 'vitest';

/** The endpoint of the fauxqs started once for the test run (test/helpers/fauxqs-global-setup.ts). */
export function fauxqsEndpoint(): string {
  const endpoint = inject('fauxqsEndpoint');
  if (!endpoint)
    throw new Error(
      'fauxqs is not running: vitest.config.ts must list test/helpers/fauxqs-global-setup.ts in test.globalSetup',
    );
  return endpoint;
}

/** Dummy credentials and region, set on each test client (never in process.env). */
export const TEST_AWS = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } } as const;

/** The same, as environment variables for a child process (the CLI). */
export function testAwsEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: TEST_AWS.region,
    AWS_ACCESS_KEY_ID: TEST_AWS.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_AWS.credentials.secretAccessKey,
    // The SDK warns on Node 20 that releases after January 2027 need Node 22; keep stderr to our lines.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

export function testS3Client(endpoint: string): S3Client {
  return new S3Client({ ...TEST_AWS, endpoint, forcePathStyle: true });
}

export function testSnsClient(endpoint: string): SNSClient {
  return new SNSClient({ ...TEST_AWS, endpoint });
}

export function testSqsClient(endpoint: string): SQSClient {
  return new SQSClient({ ...TEST_AWS, endpoint });
}

/** A bucket/topic/queue name no other test file uses (they all share one fauxqs). */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}
