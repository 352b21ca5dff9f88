// The SNS notifier over real HTTP: fauxqs 1.9.2 on loopback delivering a topic to SQS queues, one
// filtering on the `languages` attribute (raw delivery), one on the absence of `topics`, and one
// taking everything (the SNS envelope).
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { CreateTopicCommand, type SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SnsNotifier, createSnsClient } from '#adapters/sns-notifier.js';
import { buildNotification } from '#pipeline/notify/notification-message.js';
import { notificationEvent } from '#test/helpers/notification-event.js';
import type { NotificationEnvelope } from '#pipeline/ports.js';
import { composeRecord } from '#pipeline/record/article-record.js';
import { TEST_AWS, fauxqsEndpoint, testSnsClient, testSqsClient, uniqueName } from '#test/helpers/aws-clients.js';
import { article, record } from '#test/helpers/articles.js';
import { sqsText } from '#test/helpers/sns-delivery.js';

const PUBLIC_URL = 'https://news.example.org';
const NOW = new Date('2026-01-02T03:04:05Z');

// What a subscriber who wants Chinese stories writes is {"languages": ["zh"]}: real SNS matches a
// String.Array attribute element by element. fauxqs 1.9.2 instead compares the attribute's whole
// JSON text ('["en","zh"]'), so that policy alone would drop every message here. The suffix
// condition matches that text when "zh" is the last language (languages are sorted en, zh) and can
// never match a single element, so this policy selects the same messages on SNS and on fauxqs.
const CHINESE_ONLY_POLICY = { languages: ['zh', { suffix: '"zh"]' }] };
// Stories without topics send no `topics` attribute, so "exists: false" selects them (SNS and fauxqs alike).
const NO_TOPICS_POLICY = { topics: [{ exists: false }] };

/** The text an SQS subscriber gets, after checking that what fauxqs delivered is what was published. */
function sqsTextOf(delivered: string, sent: NotificationEnvelope): string {
  expect(delivered).toBe(sent.Message);
  return sqsText(delivered);
}

let sns: SNSClient;
let sqs: SQSClient;
/** Form bodies of the Publish requests the SDK sent. */
const wire: string[] = [];

beforeAll(() => {
  sns = testSnsClient(fauxqsEndpoint());
  sqs = testSqsClient(fauxqsEndpoint());
  sns.middlewareStack.add(
    (next) => async (args) => {
      const body = (args.request as { body?: unknown }).body;
      if (typeof body === 'string' && body.includes('Action=Publish')) wire.push(body);
      return next(args);
    },
    { step: 'finalizeRequest', name: 'recordPublishBodies' },
  );
});

afterAll(() => {
  sns?.destroy();
  sqs?.destroy();
});

async function createQueue(name: string): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl!, arn: Attributes!.QueueArn! };
}

/** Everything waiting in a queue (SNS delivery is done by the time Publish answers). */
async function drain(queueUrl: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
      }),
    );
    if (!Messages || Messages.length === 0) return all;
    all.push(...Messages);
  }
}

describe('SnsNotifier', () => {
  let topicArn: string;
  let setupWire: string[];
  let chinese: { url: string; arn: string };
  let noTopics: { url: string; arn: string };
  let everything: { url: string; arn: string };
  const bilingual = buildNotification(
    record({ topics: [{ slug: 'skills', label: { en: 'Skills' } }] }),
    PUBLIC_URL,
    'article.published',
  );
  const englishOnly = buildNotification(
    composeRecord('english-only-story', { en: article({ lang: 'en', title: 'An English-only story' }) }, undefined, NOW)
      .record,
    PUBLIC_URL,
    'article.published',
  );
  const chineseOnly = buildNotification(
    composeRecord('zh-0123456789ab', { zh: article({ lang: 'zh', title: '只有中文的新闻' }) }, undefined, NOW).record,
    PUBLIC_URL,
    'article.updated',
  );
  const all = [bilingual, englishOnly, chineseOnly];
  const sentFor = (text: string) => all.find((n) => n.Message === text)!;

  beforeAll(async () => {
    ({ TopicArn: topicArn } = (await sns.send(new CreateTopicCommand({ Name: uniqueName('ilo-news') }))) as {
      TopicArn: string;
    });
    chinese = await createQueue(uniqueName('chinese'));
    noTopics = await createQueue(uniqueName('no-topics'));
    everything = await createQueue(uniqueName('everything'));
    for (const [queue, policy] of [
      [chinese, CHINESE_ONLY_POLICY],
      [noTopics, NO_TOPICS_POLICY],
    ] as const) {
      await sns.send(
        new SubscribeCommand({
          TopicArn: topicArn,
          Protocol: 'sqs',
          Endpoint: queue.arn,
          Attributes: { FilterPolicy: JSON.stringify(policy), RawMessageDelivery: 'true' },
        }),
      );
    }
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: everything.arn }));

    const notifier = new SnsNotifier({ topicArn, client: sns });
    const from = wire.length;
    for (const message of all) await notifier.publish(message);
    // What these three publishes sent (other tests publish too, in any order).
    setupWire = wire.slice(from);
  });

  it('builds the three messages it is meant to test with', () => {
    expect(all.map((m) => m.MessageAttributes.languages!.StringValue)).toEqual(['["en","zh"]', '["en"]', '["zh"]']);
    expect(all.map((m) => m.MessageAttributes.topics?.StringValue)).toEqual(['["skills"]', undefined, undefined]);
    expect(chineseOnly.Subject).toMatch(/^ILO news \(updated\): Chinese story of /);
  });

  it('publishes with MessageStructure=json on the wire', () => {
    expect(setupWire).toHaveLength(3);
    for (const body of setupWire) expect(new URLSearchParams(body).get('MessageStructure')).toBe('json');
  });

  it('delivers every message, in the SNS envelope, with Subject, the event and MessageAttributes, to an unfiltered subscription', async () => {
    const received = await drain(everything.url);
    expect(received).toHaveLength(3);
    for (const m of received) {
      const envelope = JSON.parse(m.Body!) as {
        Type: string;
        TopicArn: string;
        Subject: string;
        Message: string;
        MessageAttributes: unknown;
      };
      const sent = sentFor(envelope.Message);
      expect(envelope).toMatchObject({
        Type: 'Notification',
        TopicArn: topicArn,
        Subject: sent.Subject,
        // The envelope spells attributes {Type, Value}, as SNS does.
        MessageAttributes: Object.fromEntries(
          Object.entries(sent.MessageAttributes).map(([k, v]) => [k, { Type: v.DataType, Value: v.StringValue }]),
        ),
      });
      // The event subscribers parse, carrying the dedupe key also found in the attributes.
      const event = JSON.parse(sqsTextOf(envelope.Message, sent));
      expect(event).toEqual(notificationEvent(sent));
      expect(event.dedupeKey).toBe(`${event.id}@${event.version}`);
      expect(sent.MessageAttributes.dedupeKey!.StringValue).toBe(event.dedupeKey);
    }
  });

  it('lets a subscription filter on the languages attribute: only the two messages with Chinese arrive, raw', async () => {
    const received = await drain(chinese.url);
    expect(received.map((m) => notificationEvent(sentFor(m.Body!)).id).sort()).toEqual([
      'test-story',
      'zh-0123456789ab',
    ]);
    for (const m of received) {
      const sent = sentFor(m.Body!);
      expect(JSON.parse(sqsTextOf(m.Body!, sent))).toEqual(notificationEvent(sent));
      // Raw delivery passes the attributes on as SQS message attributes, DataType and StringValue as sent.
      expect(Object.keys(m.MessageAttributes ?? {}).sort()).toEqual(Object.keys(sent.MessageAttributes).sort());
      for (const [name, value] of Object.entries(sent.MessageAttributes)) {
        expect(m.MessageAttributes?.[name], name).toMatchObject({
          DataType: value.DataType,
          StringValue: value.StringValue,
        });
      }
    }
  });

  it('lets a subscription select stories without topics, which carry no topics attribute', async () => {
    const received = await drain(noTopics.url);
    expect(received.map((m) => notificationEvent(sentFor(m.Body!)).id).sort()).toEqual([
      'english-only-story',
      'zh-0123456789ab',
    ]);
    for (const m of received) expect(m.MessageAttributes?.topics).toBeUndefined();
  });

  it('throws when the topic does not exist, so the caller can release its claim', async () => {
    const nowhere = new SnsNotifier({ topicArn: topicArn.replace(/[^:]+$/, uniqueName('no-such-topic')), client: sns });
    await expect(nowhere.publish(bilingual)).rejects.toThrow(/does not exist/i);
  });
});

/**
 * A proxy in front of fauxqs that, for Publish requests, either forwards and then drops the
 * connection before the answer reaches the client (SNS accepted, the reply was lost), or answers
 * 400 Throttling itself without forwarding (SNS did not accept).
 */
async function faultyProxy(
  upstream: string,
  fault: () => 'lose-answer' | 'throttle' | undefined,
): Promise<{ endpoint: string; published: number; close(): Promise<void> }> {
  const target = new URL(upstream);
  const state = { published: 0 };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const isPublish = body.toString('utf8').includes('Action=Publish');
      const what = isPublish ? fault() : undefined;
      if (what === 'throttle') {
        response.writeHead(400, { 'content-type': 'text/xml' });
        response.end(
          '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>x</RequestId></ErrorResponse>',
        );
        return;
      }
      const forward = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: request.method,
          path: request.url,
          headers: request.headers,
        },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => parts.push(chunk));
          answer.on('end', () => {
            if (isPublish && answer.statusCode === 200) state.published++;
            if (what === 'lose-answer') return void request.socket.destroy();
            response.writeHead(answer.statusCode ?? 502, answer.headers);
            response.end(Buffer.concat(parts));
          });
        },
      );
      forward.end(body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get published() {
      return state.published;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('SnsNotifier retries', () => {
  it('never sends again after SNS accepted a message whose answer was lost; retries a throttled one; returns the MessageId', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName('retries') }));
    const queue = await createQueue(uniqueName('retries'));
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: queue.arn,
        Attributes: { RawMessageDelivery: 'false' },
      }),
    );
    let next: 'lose-answer' | 'throttle' | undefined;
    const proxy = await faultyProxy(fauxqsEndpoint(), () => {
      const what = next;
      next = undefined;
      return what;
    });
    try {
      // The client as the CLI and the Lambdas build it (one attempt per call), pointed at the proxy.
      const client = createSnsClient(process.env, { ...TEST_AWS, endpoint: proxy.endpoint });
      const notifier = new SnsNotifier({ topicArn: TopicArn!, client, sleep: async () => {} });
      const message = buildNotification(record(), PUBLIC_URL, 'article.published');

      next = 'lose-answer';
      await expect(notifier.publish(message)).rejects.toThrow();
      expect(proxy.published).toBe(1); // accepted once, and not sent again

      next = 'throttle';
      const { messageId } = await notifier.publish(message);
      expect(proxy.published).toBe(2); // the throttled attempt never reached SNS; the retry did, once

      const delivered = (await drain(queue.url)).map(
        (m) => JSON.parse(m.Body!) as { MessageId: string; Message: string },
      );
      expect(delivered).toHaveLength(2);
      expect(delivered.map((m) => m.MessageId)).toContain(messageId);
      // Both deliveries carry the same dedupe key: what subscribers drop duplicates by.
      expect(new Set(delivered.map((m) => JSON.parse(sqsText(m.Message)).dedupeKey))).toEqual(
        new Set(['test-story@1']),
      );
      client.destroy();
    } finally {
      await proxy.close();
    }
  });
});
