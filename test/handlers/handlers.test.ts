// The three Lambda handlers with real-shaped events, against S3/SNS/SQS on loopback (fauxqs, with
// the conditional-write proxy in front for S3, as real S3 behaves) and the replica over HTTP. Each
// handler runs with exactly the environment the synthesized template gives it (references resolved
// to the template's own queues, bucket and topic, created in fauxqs), plus what the Lambda runtime
// itself sets. discover -> queue -> ingest (one batch with poison messages) -> queue -> publish.
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { PublishResult } from '#handlers/publish.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ReplicaServer, startReplicaServer } from '#replica/replica-server.js';
import { S3Store } from '#adapters/s3-store.js';
import { readWholeCrawlState } from '#pipeline/discover/crawl-store.js';
import { REQUIRED_SETTINGS, VARIABLES } from '#handlers/deployment.js';
import { METRIC } from '#handlers/metric-names.js';
import { VARIANT_STORY, VARIATION, canonical, variantPage, variationPage } from '#test/helpers/replica.js';
import {
  fauxqsEndpoint,
  testAwsEnv,
  testS3Client,
  testSnsClient,
  testSqsClient,
  uniqueName,
} from '#test/helpers/aws-clients.js';
import { type CfnTemplate, type EmulatedStack, emulateStack } from '#test/helpers/emulated-stack.js';
import { type CloudFrontStandIn, startCloudFrontStandIn } from '#test/helpers/cloudfront-standin.js';
import { type ConditionalS3Proxy, startConditionalS3Proxy } from '#test/helpers/fauxqs.js';
import { deliveredEvent } from '#test/helpers/sns-delivery.js';
import { synthStack } from '#test/infra/synth.js';

const SEED_ID = 'ilo-partners-microsoft-strengthen-ai-skilling-china';
const DISTRIBUTION = { id: 'E2EMULATED0001', domainName: 'd111111abcdef8.cloudfront.net' };
type FunctionName = keyof typeof REQUIRED_SETTINGS;

/** `step` run once, on the first call; every call gets its result. */
function once<T>(step: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => (result ??= step());
}

/** A Lambda context whose time runs out `timeoutMs` from now, as Lambda's does. */
function lambdaContext(name: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    memoryLimitInMB: '1024',
    awsRequestId: `req-${Math.random().toString(16).slice(2)}`,
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function sqsEvent(messages: { id: string; body: string }[]): SQSEvent {
  return {
    Records: messages.map(
      (message): SQSRecord => ({
        messageId: message.id,
        receiptHandle: `receipt-${message.id}`,
        body: message.body,
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: String(Date.now()),
          SenderId: 'AIDAEXAMPLE',
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
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
  let cloudfront: CloudFrontStandIn;
  /** Takes over requests to the replica when set (a hanging or refusing origin). */
  let origin: ((request: IncomingMessage, response: ServerResponse) => boolean) | undefined;
  let s3: S3Client;
  let sns: SNSClient;
  let sqs: SQSClient;
  let emulated: EmulatedStack;
  let functionIds: Record<FunctionName, string>;
  let bucket: string;
  let topicArn: string;
  const queues: Record<'ingest' | 'publish' | 'subscriber', string> = { ingest: '', publish: '', subscriber: '' };
  let savedEnv: NodeJS.ProcessEnv;

  async function drain(queueUrl: string): Promise<Message[]> {
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

  /** What the Lambda runtime sets besides the function's own variables (here: the emulator's endpoint). */
  function runtimeEnvironment(name: FunctionName): Record<string, string> {
    return {
      ...testAwsEnv(proxy.endpoint),
      // fauxqs has no CloudFront: its API comes from the stand-in.
      AWS_ENDPOINT_URL_CLOUDFRONT: cloudfront.endpoint,
      AWS_LAMBDA_FUNCTION_NAME: name,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
      // Lambda's advanced logging controls set this; Powertools honours it. Keeps test output short.
      AWS_LAMBDA_LOG_LEVEL: 'ERROR',
    };
  }

  /** Loads a handler as a fresh container with `environment` as its whole environment. */
  async function handlerWith<T>(name: FunctionName, environment: Record<string, string>): Promise<T> {
    // Each import is a fresh "container": configuration is read at module scope, as in Lambda.
    vi.resetModules();
    process.env = { PATH: savedEnv.PATH ?? '', ...runtimeEnvironment(name), ...environment };
    const modules = {
      discover: () => import('#handlers/discover.js'),
      ingest: () => import('#handlers/ingest.js'),
      publish: () => import('#handlers/publish.js'),
    };
    return (await modules[name]()).handler as T;
  }

  /** Loads a handler with exactly the template's environment for it. */
  function handler<T>(name: FunctionName): Promise<T> {
    return handlerWith<T>(name, emulated.environmentOf(functionIds[name]));
  }

  beforeAll(async () => {
    savedEnv = { ...process.env };
    replica = await startReplicaServer({ hook: (request, response) => origin?.(request, response) ?? false });
    proxy = await startConditionalS3Proxy(fauxqsEndpoint());
    cloudfront = await startCloudFrontStandIn();
    s3 = testS3Client(proxy.endpoint);
    sns = testSnsClient(fauxqsEndpoint());
    sqs = testSqsClient(fauxqsEndpoint());
    // The stack as an operator would deploy it against a mirror they run (no pacing needed).
    const { stack, template } = synthStack({ origin: replica.origin, originRate: '0' });
    const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
      stack.getLogicalId(construct.node.defaultChild as never);
    emulated = await emulateStack(template().toJSON() as CfnTemplate, {
      endpoint: proxy.endpoint,
      prefix: uniqueName('handlers'),
      distribution: DISTRIBUTION,
    });
    functionIds = {
      discover: logicalId(stack.pipeline.discover),
      ingest: logicalId(stack.pipeline.ingest),
      publish: logicalId(stack.pipeline.publish),
    };
    bucket = emulated.bucketName(logicalId(stack.content.bucket));
    topicArn = emulated.resolve({ Ref: logicalId(stack.topics.notifications) });
    queues.ingest = emulated.queue(logicalId(stack.pipeline.ingestQueue)).url;
    queues.publish = emulated.queue(logicalId(stack.pipeline.publishQueue)).url;
    queues.subscriber = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('subscriber') }))).QueueUrl!;
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queues.subscriber, AttributeNames: ['QueueArn'] }),
    );
    await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: Attributes!.QueueArn!,
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );
  });

  afterAll(async () => {
    process.env = savedEnv;
    await replica?.close();
    await proxy?.close();
    await cloudfront?.close();
    s3?.destroy();
    sns?.destroy();
    sqs?.destroy();
  });

  it('starts every function with exactly the environment the template gives it', async () => {
    for (const name of Object.keys(functionIds) as FunctionName[]) {
      await expect(handler(name), name).resolves.toBeTypeOf('function');
    }
  });

  it('refuses to start a function whose template lacks a variable it needs, naming it', async () => {
    for (const [name, required] of Object.entries(REQUIRED_SETTINGS) as [
      FunctionName,
      readonly (keyof typeof VARIABLES)[],
    ][]) {
      for (const setting of ['bucket', ...required] as const) {
        const variable = VARIABLES[setting];
        const { [variable]: _, ...rest } = emulated.environmentOf(functionIds[name]);
        await expect(handlerWith(name, rest), `${name} without ${variable}`).rejects.toThrow(`${variable} is not set`);
      }
    }
  });

  // The pipeline's steps on the one emulated stack, each run once, by whichever test needs it first,
  // with what it left in the queues: every test can run alone (-t) or in any order.
  const discovered = once(async () => {
    const discover = await handler<() => Promise<{ queued: number }>>('discover');
    const result = await discover();
    return { discover, result, messages: await drain(queues.ingest), publishRequests: await drain(queues.publish) };
  });
  const ingested = once(async () => {
    const { messages } = await discovered();
    const ingest =
      await handler<(event: SQSEvent) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>>('ingest');
    const event = sqsEvent([
      ...messages.map((m) => ({ id: m.MessageId!, body: m.Body! })),
      { id: 'poison-not-json', body: '{"url": ' },
      {
        id: 'poison-foreign-url',
        body: JSON.stringify({ url: 'https://evil.example/resource/news/x', lang: 'en', lastmod: null }),
      },
      {
        id: 'poison-wrong-lang',
        body: JSON.stringify({ url: 'https://www.ilo.org/resource/news/x', lang: 'zh', lastmod: null }),
      },
    ]);
    const result = await ingest(event);
    return { result, publishRequests: await drain(queues.publish) };
  });

  it('discover queues one ingest message per new news page and asks publish to run', async () => {
    const { discover, result, messages, publishRequests } = await discovered();
    expect(result.queued).toBe(9);
    expect(messages).toHaveLength(9);
    const bodies = messages.map((m) => JSON.parse(m.Body!));
    expect(bodies.every((b) => b.url.startsWith('https://www.ilo.org/') && ['en', 'zh'].includes(b.lang))).toBe(true);
    expect(publishRequests.map((m) => JSON.parse(m.Body!).type)).toEqual(['publish']);
    // A second run finds nothing new to queue.
    expect((await discover()).queued).toBe(0);
    await drain(queues.publish);
  });

  it('ingest stores a batch and reports only the poison messages as failures', async () => {
    const { result, publishRequests } = await ingested();
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual([
      'poison-foreign-url',
      'poison-not-json',
      'poison-wrong-lang',
    ]);
    const meta = JSON.parse(
      await (
        await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `articles/${SEED_ID}/meta.json` }))
      ).Body!.transformToString(),
    );
    expect(meta).toMatchObject({ id: SEED_ID, version: 1, languages: ['en', 'zh'] });
    expect(publishRequests.length).toBeGreaterThan(0);
  });

  it('ingest ends a batch whose pages all hang before its timeout, each message reported as a failure', async () => {
    const ingest = await handler<(event: SQSEvent, context: Context) => Promise<SQSBatchResponse>>('ingest');
    // The origin holds every news page open and never answers; each request is noted with the
    // (virtual) time the client gave up on it.
    const hanging = new Set<ServerResponse>();
    const requested: { path: string; cutAt?: number }[] = [];
    origin = (request, response) => {
      if (!request.url?.includes('/resource/news/')) return false;
      const seen: { path: string; cutAt?: number } = { path: request.url };
      requested.push(seen);
      hanging.add(response);
      response.on('close', () => {
        seen.cutAt = Date.now();
        hanging.delete(response);
      });
      return true;
    };
    const timeoutMs = 6_000;
    const event = sqsEvent((await discovered()).messages.slice(0, 3).map((m) => ({ id: m.MessageId!, body: m.Body! })));
    expect(event.Records).toHaveLength(3);
    // Lambda's clock, virtual, so that load on this machine cannot eat the margin: it stands still
    // while the function works (S3, parsing, reporting) and moves, timer by timer, only while the
    // function waits on the origin that hangs. The function's deadline, its fetch cut, p-retry's
    // waits and the context's remaining time all read this clock.
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout', 'performance'] });
    try {
      const start = Date.now();
      let result: SQSBatchResponse | undefined;
      let failure: unknown;
      void ingest(event, lambdaContext('ingest', timeoutMs)).then(
        (r) => (result = r),
        (e: unknown) => (failure = e ?? new Error('rejected')),
      );
      const settled = () => result !== undefined || failure !== undefined;
      for (let idle = 0; !settled() && Date.now() - start < timeoutMs; ) {
        // Let the I/O in flight settle (loopback: a close reaches the server within a turn or two).
        for (let turn = 0; turn < 20 && !settled(); turn++) await new Promise((resolve) => setImmediate(resolve));
        if (settled() || hanging.size === 0) continue;
        if (vi.getTimerCount() === 0 && ++idle > 500)
          throw new Error('ingest waits on the hanging origin with no timer that could end the wait');
        await vi.advanceTimersToNextTimerAsync();
      }
      // The client's abort reaches the origin's socket (time does not move meanwhile).
      for (let turn = 0; turn < 200 && hanging.size > 0; turn++) await new Promise((resolve) => setImmediate(resolve));
      // Lambda ends an invocation at its timeout (and then retries the whole batch).
      expect(failure).toBeUndefined();
      expect(result, 'still running at the timeout: Lambda would have killed it').toBeDefined();
      expect(Date.now() - start).toBeLessThan(timeoutMs);
      expect(result!.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(event.Records.map((r) => r.messageId));
      // The first page was cut exactly at the deadline (10% of the time, 1 s, kept back for reporting);
      // no other page was started with so little time left.
      expect(requested).toHaveLength(1);
      expect(requested[0]!.cutAt! - start).toBe(timeoutMs - 1_000);
    } finally {
      vi.useRealTimers();
      origin = undefined;
      for (const response of hanging) response.destroy();
    }
  });

  it('ingest does not wait out a Retry-After longer than its time left, and goes on with the next page', async () => {
    const ingest = await handler<(event: SQSEvent, context: Context) => Promise<SQSBatchResponse>>('ingest');
    const [first, second] = (await discovered()).messages.filter((m) => JSON.parse(m.Body!).lang === 'en');
    const refused = new URL(JSON.parse(first!.Body!).url).pathname;
    origin = (request, response) => {
      if (decodeURIComponent(new URL(request.url!, 'http://x').pathname) !== decodeURIComponent(refused)) return false;
      response.writeHead(503, { 'retry-after': '60' }).end();
      return true;
    };
    const timeoutMs = 20_000;
    // Lambda's clock, virtual and standing still: a function that waited out the Retry-After (or
    // anything else) would never end, and the test would fail at its own timeout, whatever the load.
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout', 'performance'] });
    try {
      const event = sqsEvent([first!, second!].map((m) => ({ id: m.MessageId!, body: m.Body! })));
      const start = Date.now();
      const result = await ingest(event, lambdaContext('ingest', timeoutMs));
      expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: first!.MessageId }] });
      expect(Date.now()).toBe(start);
    } finally {
      vi.useRealTimers();
      origin = undefined;
    }
  });

  it('ingest counts MarkupDrift only for pages a fallback layer found, not for a field cut at its limit', async () => {
    // Its own key prefix: these stories stay out of the other tests' bucket.
    const ingest = await handlerWith<(event: SQSEvent, context: Context) => Promise<SQSBatchResponse>>('ingest', {
      ...emulated.environmentOf(functionIds.ingest),
      [VARIABLES.prefix]: uniqueName('drift'),
    });
    const drifted = VARIANT_STORY.markupDrift.path;
    const limited = VARIATION.englishOnly;
    const title = 'Just transition finance platform launched at the International Labour Conference';
    const pages: Record<string, string> = {
      [drifted]: variantPage(VARIANT_STORY.markupDrift),
      [limited]: variationPage(limited).replace(`${title}</h2>`, `${'Decent work for all '.repeat(60)}</h2>`),
    };
    origin = (request, response) => {
      const page = pages[decodeURIComponent(new URL(request.url!, 'http://x').pathname)];
      if (page === undefined) return false;
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
      return true;
    };
    const written: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const event = sqsEvent(
        [drifted, limited].map((pathname, i) => ({
          id: `page-${i}`,
          body: JSON.stringify({ url: canonical(pathname), lang: 'en', lastmod: null }),
        })),
      );
      expect(await ingest(event, lambdaContext('ingest', 120_000))).toEqual({ batchItemFailures: [] });
    } finally {
      write.mockRestore();
      origin = undefined;
    }
    // Powertools writes the metrics as one embedded-metric-format line per invocation.
    const emf = written
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(emf).toHaveLength(1);
    // A metric added more than once in an invocation is a list of its values.
    const total = (name: string) => [emf[0]![name] ?? 0].flat().reduce((sum: number, n) => sum + Number(n), 0);
    expect(emf[0]).toMatchObject({ service: 'ingest' });
    expect(total(METRIC.storiesNew)).toBe(2);
    expect(total(METRIC.markupDrift)).toBe(1);
    await drain(queues.publish);
  });

  it('publish renders the feeds and notifies each story exactly once', async () => {
    await ingested();
    const publish = await handler<(event: SQSEvent, context: Context) => Promise<PublishResult>>('publish');
    const event = sqsEvent([{ id: 'p1', body: JSON.stringify({ type: 'publish', reason: 'ingest' }) }]);
    // The first publish CloudFront has seen: every cached path goes.
    cloudfront.failWith(503);
    await expect(publish(event, lambdaContext('publish', 300_000))).rejects.toThrow();
    cloudfront.failWith(undefined);
    // The run that failed to invalidate left nothing to send, but its invalidation is still owed.
    expect((await publish(event, lambdaContext('publish', 300_000))).invalidated).toEqual(['/*']);
    expect(cloudfront.invalidations.map((i) => [i.distributionId, i.paths])).toEqual([[DISTRIBUTION.id, ['/*']]]);
    const feed = await (
      await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'feeds/en/rss.xml' }))
    ).Body!.transformToString();
    expect(feed).toContain('<atom:link href="https://d111111abcdef8.cloudfront.net/feeds/en/rss.xml" rel="self"');
    const delivered = await drain(queues.subscriber);
    expect(delivered).toHaveLength(6);
    expect(new Set(delivered.map((m) => deliveredEvent(m.Body!).id)).size).toBe(6);
    // Retried (the same SQS batch delivered again): nothing is sent twice, nothing invalidated again.
    expect(await publish(event, lambdaContext('publish', 300_000))).toMatchObject({
      notificationsSent: 0,
      invalidated: [],
    });
    expect(await drain(queues.subscriber)).toHaveLength(0);
    expect(cloudfront.invalidations).toHaveLength(1);
  });

  it('discover confirms from ingest receipts what was stored, and queues none of it again after the wait', async () => {
    await ingested();
    const discover = await handler<() => Promise<{ queued: number }>>('discover');
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 7 * 60 * 60 * 1000);
      expect((await discover()).queued).toBe(0);
    } finally {
      vi.useRealTimers();
    }
    const state = (await readWholeCrawlState(new S3Store({ bucket, client: s3 })))!;
    const outcomes = Object.values(state.urls as Record<string, { outcome: string; queued?: unknown }>);
    expect(outcomes).toHaveLength(9);
    expect(outcomes.every((u) => ['ingested', 'covered'].includes(u.outcome) && u.queued === undefined)).toBe(true);
    await drain(queues.publish);
  });

  it('refuses to start with a bad value, naming every variable that is wrong', async () => {
    const { STORE_BUCKET: _, ...rest } = emulated.environmentOf(functionIds.publish);
    await expect(handlerWith('publish', { ...rest, CONTENT_MODE: 'teaser' })).rejects.toThrow(
      "invalid configuration: CONTENT_MODE must be 'full' or 'summary', got 'teaser'; STORE_BUCKET is not set",
    );
  });
});
