// The CLI on the AWS adapters, as an operator runs it against a bucket and a topic: in process through
// main, the SDK configured from the environment as an operator's shell does (the variables set for
// this file's process; the real CLI process and the SDK's own output are error-messages.test.ts's),
// the replica over real HTTP, fauxqs 1.9.2 as S3/SNS/SQS on loopback. S3 requests go
// through the conditional-write proxy, which adds the If-None-Match / If-Match behaviour of real S3
// that fauxqs lacks (the exactly-once notification claim depends on it).
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, type SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ReplicaServer, startReplicaServer } from '#replica/replica-server.js';
import {
  fauxqsEndpoint,
  testAwsEnv,
  testS3Client,
  testSnsClient,
  testSqsClient,
  uniqueName,
} from '#test/helpers/aws-clients.js';
import type { CliResult } from '#test/helpers/cli.js';
import { runInProcess } from '#test/helpers/cli-in-process.js';
import type { RunReport } from '#pipeline/run-pipeline.js';
import { type ConditionalS3Proxy, startConditionalS3Proxy } from '#test/helpers/fauxqs.js';
import { tempDir } from '#test/helpers/temp-dir.js';
import { deliveredEvent } from '#test/helpers/sns-delivery.js';

const PREFIX = 'ilo/prod';

/** A first run into a bucket says what it publishes with (here, the local defaults). */
const FIRST_SETTINGS = ['--public-url', 'http://127.0.0.1:8080', '--content', 'full'];

describe('syndicate run --store s3://... --notify sns:...', () => {
  let replica: ReplicaServer;
  let proxy: ConditionalS3Proxy;
  let s3: S3Client;
  let sns: SNSClient;
  let sqs: SQSClient;
  let local: { dir: string; cleanup: () => Promise<void> };
  const bucket = uniqueName('cli-aws');
  let topicArn: string;
  let queueUrl: string;
  let env: Record<string, string>;
  let first: CliResult;
  let localRun: CliResult;
  /** What the first run left: the keys in the bucket, and the messages the subscriber received. */
  let firstKeys: string[];
  let firstMessages: Message[];
  let firstRunIds: string[];

  /** Receives and deletes everything waiting in the subscribed queue. */
  async function drainQueue(): Promise<Message[]> {
    const all: Message[] = [];
    for (;;) {
      const { Messages } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if (!Messages || Messages.length === 0) return all;
      all.push(...Messages);
      for (const m of Messages)
        await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
    }
  }

  async function bucketKeys(): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket, ...(token ? { ContinuationToken: token } : {}) }),
      );
      keys.push(...(page.Contents ?? []).map((o) => o.Key!));
      token = page.NextContinuationToken;
    } while (token);
    return keys.sort();
  }

  beforeAll(async () => {
    replica = await startReplicaServer();
    proxy = await startConditionalS3Proxy(fauxqsEndpoint());
    s3 = testS3Client(proxy.endpoint);
    sns = testSnsClient(fauxqsEndpoint());
    sqs = testSqsClient(fauxqsEndpoint());
    local = await tempDir('cli-aws-local-');
    env = testAwsEnv(proxy.endpoint);

    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    ({ TopicArn: topicArn } = (await sns.send(new CreateTopicCommand({ Name: uniqueName('ilo-news') }))) as {
      TopicArn: string;
    });
    ({ QueueUrl: queueUrl } = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('subscriber') }))) as {
      QueueUrl: string;
    });
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: Attributes!.QueueArn!,
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );

    // The runs read the AWS settings from the environment (this file's process only).
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    // The same run into S3/SNS and into a local folder, side by side.
    [first, localRun] = await Promise.all([
      runInProcess([
        'run',
        '--origin',
        replica.origin,
        '--store',
        `s3://${bucket}/${PREFIX}`,
        '--notify',
        `sns:${topicArn}`,
        ...FIRST_SETTINGS,
      ]),
      runInProcess(['run', '--origin', replica.origin, '--data', local.dir]),
    ]);
    // Each test drains what its own runs sent, so every test can run alone and in any order.
    firstKeys = await bucketKeys();
    firstMessages = await drainQueue();
    firstRunIds = firstMessages.map((m) => deliveredEvent(m.Body!).id);
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await replica?.close();
    s3?.destroy();
    sns?.destroy();
    sqs?.destroy();
    await proxy?.close();
    await local?.cleanup();
  });

  // On purpose on the human summary: it is the only output that names the bucket, prefix and topic a
  // run wrote to and notified, which is what a person checks. The rerun below asserts on --json.
  it('completes and says where it wrote and notified', () => {
    expect(first.code, first.stderr).toBe(0);
    expect(localRun.code, localRun.stderr).toBe(0);
    expect(first.stdout).toContain(`-> s3://${bucket}/${PREFIX}`);
    expect(first.stdout).toContain('6 new, 0 updated, 0 unchanged');
    expect(first.stdout).toContain(`6 notifications sent (${topicArn})`);
  });

  it('writes the same keys under the prefix as a local run writes into its folder', async () => {
    const entries = await readdir(local.dir, { recursive: true, withFileTypes: true });
    const localKeys = entries
      .filter((e) => e.isFile())
      .map((e) => path.relative(local.dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
      .filter((key) => key !== 'notifications.jsonl') // the local outbox; SNS takes its place
      .sort();
    const keys = firstKeys;

    expect(keys.every((key) => key.startsWith(`${PREFIX}/`))).toBe(true);
    expect(keys.map((key) => key.slice(PREFIX.length + 1))).toEqual(localKeys);
    expect(localKeys).toContain('feeds/zh/atom.xml');
    expect(localKeys.some((key) => key.startsWith('state/notified/'))).toBe(true);
  });

  it('publishes exactly one message per story to the topic', () => {
    const ids = firstMessages.map((m) => deliveredEvent(m.Body!).id);
    expect(ids).toHaveLength(6);
    expect(new Set(ids).size).toBe(6);
    expect(ids).toContain('ilo-partners-microsoft-strengthen-ai-skilling-china');
  });

  it('sends nothing on a rerun that finds nothing new, and still exits 0', async () => {
    const again = await runInProcess([
      'run',
      '--origin',
      replica.origin,
      '--store',
      `s3://${bucket}/${PREFIX}`,
      '--notify',
      `sns:${topicArn}`,
      '--json',
    ]);
    expect(again.code, again.stderr).toBe(0);
    const report: RunReport = JSON.parse(again.stdout);
    expect([report.newStories, report.updatedStories, report.failed]).toEqual([[], [], []]);
    expect(report.publish.notificationsSent).toBe(0);
    expect(await drainQueue()).toEqual([]);
  });

  it('never notifies a story twice when two runs overlap on one store', async () => {
    // Both runs race for every story; only the conditional-write claim keeps them from both sending
    // (against fauxqs without the proxy, this sends 12 messages).
    const prefix = uniqueName('overlap');
    const args = [
      'run',
      '--origin',
      replica.origin,
      '--store',
      `s3://${bucket}/${prefix}`,
      '--notify',
      `sns:${topicArn}`,
      ...FIRST_SETTINGS,
    ];
    const runs = await Promise.all([runInProcess(args), runInProcess(args)]);
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const ids = (await drainQueue()).map((m) => deliveredEvent(m.Body!).id);
    expect(ids.sort()).toEqual([...firstRunIds].sort());
  });

  it("publishes with the deployment's recorded public URL and content mode, and refuses others unless told to", async () => {
    const store = [
      'run',
      '--origin',
      replica.origin,
      '--store',
      `s3://${bucket}/${PREFIX}`,
      '--notify',
      `sns:${topicArn}`,
    ];
    // The first run recorded its settings (given as the local defaults): a run with others is refused, in one line, before any fetch.
    const refused = await runInProcess([...store, '--content', 'summary']);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')[0]).toBe(
      "syndicate: this store was published with other settings: --content summary (the store's is full); leave the flag out to use the store's, or add --allow-settings-change to render every public file again with yours",
    );
    // Told to: every public file is rendered with the new public URL.
    const moved = await runInProcess([
      ...store,
      '--public-url',
      'https://d111111abcdef8.cloudfront.net',
      '--allow-settings-change',
    ]);
    expect(moved.code, moved.stderr).toBe(0);
    const feed = async () =>
      (
        await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `${PREFIX}/feeds/en/rss.xml` }))
      ).Body!.transformToString();
    expect(await feed()).toContain('https://d111111abcdef8.cloudfront.net/feeds/en/rss.xml');
    // Left out, the flags come from the store: the feeds keep the deployment's URL.
    const plain = await runInProcess(store);
    expect(plain.code, plain.stderr).toBe(0);
    expect(await feed()).toContain('https://d111111abcdef8.cloudfront.net/feeds/en/rss.xml');
    expect(await feed()).not.toContain('127.0.0.1:8080');
    await drainQueue();
  });

  it('refuses, before fetching or sending anything, a bucket nothing was published to without the settings to publish with', async () => {
    const fresh = uniqueName('fresh');
    const refused = await runInProcess([
      'run',
      '--origin',
      replica.origin,
      '--store',
      `s3://${bucket}/${fresh}`,
      '--notify',
      `sns:${topicArn}`,
      '--content',
      'full',
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')[0]).toBe(
      'syndicate: this store records no settings yet (nothing was published there): give --public-url as the deployment has them (its PublicUrl output; the contentMode it was deployed with)',
    );
    expect((await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${fresh}/` }))).KeyCount ?? 0).toBe(0);
    expect(await drainQueue()).toEqual([]);
  });

  it('exits 1 with a one-line reason when the bucket does not exist', async () => {
    const result = await runInProcess([
      'run',
      '--origin',
      replica.origin,
      '--store',
      's3://missing-bucket',
      '--notify',
      `sns:${topicArn}`,
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim()).toMatch(
      /^syndicate: bucket missing-bucket is not reachable: NoSuchBucket: The specified bucket does not exist[^\n]*$/,
    );
  });
});
