// The three Lambda handlers with real-shaped events, against S3/SNS/SQS on loopback (fauxqs, with
// the conditional-write proxy in front for S3, as real S3 behaves) and the replica over HTTP.
// discover -> queue -> ingest (one batch with poison messages) -> queue -> publish -> subscriber.
import { CreateBucketCommand, GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, type SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ReplicaServer, startReplicaServer } from '../../functions/cli/replica-server.js';
import { TEST_AWS, fauxqsEndpoint, testAwsEnv, testS3Client, testSnsClient, testSqsClient, uniqueName } from '../helpers/aws-clients.js';
import { type ConditionalS3Proxy, startConditionalS3Proxy } from '../helpers/fauxqs.js';

const SEED_ID = 'ilo-partners-microsoft-strengthen-ai-skilling-china';

function sqsEvent(messages: { id: string; body: string }[]): SQSEvent {
  return {
    Records: messages.map(
      (message): SQSRecord => ({
        messageId: message.id,
        receiptHandle: `receipt-${message.id}`,
        body: message.body,
        attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()), SenderId: 'AIDAEXAMPLE', ApproximateFirstReceiveTimestamp: String(Date.now()) },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:ingest',
        awsRegion: 'us-east-1',
      }),
    ),
  };
}

describe('Lambda handlers', () => {
  let replica: ReplicaServer;
  let proxy: ConditionalS3Proxy;
  let s3: S3Client;
  let sns: SNSClient;
  let sqs: SQSClient;
  const bucket = uniqueName('handlers');
  const queues: Record<'ingest' | 'publish' | 'subscriber', string> = { ingest: '', publish: '', subscriber: '' };
  let savedEnv: NodeJS.ProcessEnv;

  async function drain(queueUrl: string): Promise<Message[]> {
    const all: Message[] = [];
    for (;;) {
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
      if (!Messages || Messages.length === 0) return all;
      all.push(...Messages);
      for (const m of Messages) await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
    }
  }

  async function handler<T>(name: 'discover' | 'ingest' | 'publish'): Promise<T> {
    // Each import is a fresh "container": configuration is read at module scope, as in Lambda.
    vi.resetModules();
    const modules = {
      discover: () => import('../../functions/handlers/discover.js'),
      ingest: () => import('../../functions/handlers/ingest.js'),
      publish: () => import('../../functions/handlers/publish.js'),
    };
    return (await modules[name]()).handler as T;
  }

  beforeAll(async () => {
    savedEnv = { ...process.env };
    replica = await startReplicaServer();
    proxy = await startConditionalS3Proxy(fauxqsEndpoint());
    s3 = testS3Client(proxy.endpoint);
    sns = testSnsClient(fauxqsEndpoint());
    sqs = testSqsClient(fauxqsEndpoint());
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    for (const name of Object.keys(queues) as (keyof typeof queues)[]) {
      queues[name] = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName(name) }))).QueueUrl!;
    }
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: uniqueName('news') }))).TopicArn!;
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queues.subscriber, AttributeNames: ['QueueArn'] }));
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: Attributes!.QueueArn!, Attributes: { RawMessageDelivery: 'true' } }));
    Object.assign(process.env, testAwsEnv(proxy.endpoint), {
      STORE_BUCKET: bucket,
      TOPIC_ARN: topicArn,
      INGEST_QUEUE_URL: queues.ingest,
      PUBLISH_QUEUE_URL: queues.publish,
      ORIGIN: replica.origin,
      PUBLIC_URL: 'https://d111111abcdef8.cloudfront.net',
      REQUESTS_PER_SECOND: '0',
      POWERTOOLS_DEV: 'true',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    });
    void TEST_AWS;
  });

  afterAll(async () => {
    process.env = savedEnv;
    await replica?.close();
    await proxy?.close();
    s3?.destroy();
    sns?.destroy();
    sqs?.destroy();
  });

  let ingestMessages: Message[] = [];

  it('discover queues one ingest message per new news page and asks publish to run', async () => {
    const discover = await handler<() => Promise<{ queued: number }>>('discover');
    const result = await discover();
    expect(result.queued).toBe(9);
    ingestMessages = await drain(queues.ingest);
    expect(ingestMessages).toHaveLength(9);
    const bodies = ingestMessages.map((m) => JSON.parse(m.Body!));
    expect(bodies.every((b) => b.url.startsWith('https://www.ilo.org/') && ['en', 'zh'].includes(b.lang))).toBe(true);
    expect((await drain(queues.publish)).map((m) => JSON.parse(m.Body!).type)).toEqual(['publish']);
    // A second run finds nothing new to queue.
    expect((await discover()).queued).toBe(0);
    await drain(queues.publish);
  });

  it('ingest stores a batch and reports only the poison messages as failures', async () => {
    const ingest = await handler<(event: SQSEvent) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>>('ingest');
    const event = sqsEvent([
      ...ingestMessages.map((m) => ({ id: m.MessageId!, body: m.Body! })),
      { id: 'poison-not-json', body: '{"url": ' },
      { id: 'poison-foreign-url', body: JSON.stringify({ url: 'https://evil.example/resource/news/x', lang: 'en', lastmod: null }) },
      { id: 'poison-wrong-lang', body: JSON.stringify({ url: 'https://www.ilo.org/resource/news/x', lang: 'zh', lastmod: null }) },
    ]);
    const result = await ingest(event);
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['poison-foreign-url', 'poison-not-json', 'poison-wrong-lang']);
    const meta = JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `articles/${SEED_ID}/meta.json` }))).Body!.transformToString());
    expect(meta).toMatchObject({ id: SEED_ID, version: 1, languages: ['en', 'zh'] });
    expect((await drain(queues.publish)).length).toBeGreaterThan(0);
  });

  it('publish renders the feeds and notifies each story exactly once', async () => {
    const publish = await handler<(event: SQSEvent) => Promise<{ notificationsSent: number }>>('publish');
    const event = sqsEvent([{ id: 'p1', body: JSON.stringify({ type: 'publish', reason: 'ingest' }) }]);
    expect((await publish(event)).notificationsSent).toBe(6);
    const feed = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'feeds/en/rss.xml' }))).Body!.transformToString();
    expect(feed).toContain('<atom:link href="https://d111111abcdef8.cloudfront.net/feeds/en/rss.xml" rel="self"');
    const delivered = await drain(queues.subscriber);
    expect(delivered).toHaveLength(6);
    expect(new Set(delivered.map((m) => JSON.parse(m.Body!).id)).size).toBe(6);
    // Retried (the same SQS batch delivered again): nothing is sent twice.
    expect((await publish(event)).notificationsSent).toBe(0);
    expect(await drain(queues.subscriber)).toHaveLength(0);
  });

  it('refuses to start without its configuration, naming the variable', async () => {
    const bucketName = process.env.STORE_BUCKET;
    delete process.env.STORE_BUCKET;
    process.env.CONTENT_MODE = 'teaser';
    try {
      await expect(handler('publish')).rejects.toThrow("invalid configuration: CONTENT_MODE must be 'full' or 'summary', got 'teaser'; STORE_BUCKET is not set");
    } finally {
      process.env.STORE_BUCKET = bucketName;
      delete process.env.CONTENT_MODE;
    }
  });
});
