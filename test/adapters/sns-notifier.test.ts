// The SNS notifier over real HTTP: fauxqs 1.9.2 on loopback delivering a topic to two SQS queues, one
// filtering on the `languages` attribute (raw delivery) and one taking everything (the SNS envelope).
import { CreateQueueCommand, GetQueueAttributesCommand, type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, type SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnsNotifier } from '../../functions/adapters/sns-notifier.js';
import { buildNotification } from '../../functions/pipeline/notify/notification-message.js';
import type { NotificationEnvelope } from '../../functions/pipeline/ports.js';
import { composeRecord } from '../../functions/pipeline/record/article-record.js';
import { fauxqsEndpoint, testSnsClient, testSqsClient, uniqueName } from '../helpers/aws-clients.js';
import { article, record } from '../helpers/articles.js';

const PUBLIC_URL = 'https://news.example.org';
const NOW = new Date('2026-01-02T03:04:05Z');

// What a subscriber who wants Chinese stories writes is {"languages": ["zh"]}: real SNS matches a
// String.Array attribute element by element. fauxqs 1.9.2 instead compares the attribute's whole
// JSON text ('["en","zh"]'), so that policy alone would drop every message here. The suffix
// condition matches that text when "zh" is the last language (languages are sorted en, zh) and can
// never match a single element, so this policy selects the same messages on SNS and on fauxqs.
const CHINESE_ONLY_POLICY = { languages: ['zh', { suffix: '"zh"]' }] };

let sns: SNSClient;
let sqs: SQSClient;

beforeAll(() => {
  sns = testSnsClient(fauxqsEndpoint());
  sqs = testSqsClient(fauxqsEndpoint());
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
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageAttributeNames: ['All'] }));
    if (!Messages || Messages.length === 0) return all;
    all.push(...Messages);
  }
}

describe('SnsNotifier', () => {
  let topicArn: string;
  let chinese: { url: string; arn: string };
  let everything: { url: string; arn: string };
  const bilingual = buildNotification(record(), PUBLIC_URL, 'article.published');
  const englishOnly = buildNotification(
    composeRecord('english-only-story', { en: article({ lang: 'en', title: 'An English-only story' }) }, undefined, NOW).record,
    PUBLIC_URL,
    'article.published',
  );
  const chineseOnly = buildNotification(
    composeRecord('zh-0123456789ab', { zh: article({ lang: 'zh', title: '只有中文的新闻' }) }, undefined, NOW).record,
    PUBLIC_URL,
    'article.updated',
  );

  beforeAll(async () => {
    ({ TopicArn: topicArn } = (await sns.send(new CreateTopicCommand({ Name: uniqueName('ilo-news') }))) as { TopicArn: string });
    chinese = await createQueue(uniqueName('chinese'));
    everything = await createQueue(uniqueName('everything'));
    await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: chinese.arn,
        Attributes: { FilterPolicy: JSON.stringify(CHINESE_ONLY_POLICY), RawMessageDelivery: 'true' },
      }),
    );
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: everything.arn }));

    const notifier = new SnsNotifier({ topicArn, client: sns });
    for (const message of [bilingual, englishOnly, chineseOnly]) await notifier.publish(message);
  });

  it('builds the three messages it is meant to test with', () => {
    expect([bilingual, englishOnly, chineseOnly].map((m) => m.MessageAttributes.languages!.StringValue)).toEqual(['["en","zh"]', '["en"]', '["zh"]']);
    expect(chineseOnly.Subject).toMatch(/^ILO news \(updated\): Chinese story of /);
  });

  it('delivers every message, in the SNS envelope, with Subject, Message and MessageAttributes, to an unfiltered subscription', async () => {
    const received = await drain(everything.url);
    expect(received).toHaveLength(3);
    const envelopes = received.map((m) => JSON.parse(m.Body!) as Record<string, unknown>);
    const expected = (n: NotificationEnvelope) => ({
      Type: 'Notification',
      TopicArn: topicArn,
      Subject: n.Subject,
      Message: n.Message,
      // The envelope spells attributes {Type, Value}, as SNS does.
      MessageAttributes: Object.fromEntries(Object.entries(n.MessageAttributes).map(([k, v]) => [k, { Type: v.DataType, Value: v.StringValue }])),
    });
    expect(envelopes.sort(byMessage)).toMatchObject([bilingual, englishOnly, chineseOnly].map(expected).sort(byMessage));
    // The Message is the JSON document subscribers parse.
    expect(JSON.parse(envelopes.find((e) => e.Message === bilingual.Message)!.Message as string)).toMatchObject({ type: 'article.published', id: 'test-story', languages: ['en', 'zh'] });
  });

  it('lets a subscription filter on the languages attribute: only the two messages with Chinese arrive, raw', async () => {
    const received = await drain(chinese.url);
    expect(received.map((m) => m.Body).sort()).toEqual([bilingual.Message, chineseOnly.Message].sort());
    for (const m of received) {
      const sent = m.Body === bilingual.Message ? bilingual : chineseOnly;
      // Raw delivery passes the attributes on as SQS message attributes, DataType and StringValue as sent.
      for (const [name, value] of Object.entries(sent.MessageAttributes)) {
        expect(m.MessageAttributes?.[name], name).toMatchObject({ DataType: value.DataType, StringValue: value.StringValue });
      }
    }
  });

  it('throws when the topic does not exist, so the caller can release its claim', async () => {
    const nowhere = new SnsNotifier({ topicArn: topicArn.replace(/[^:]+$/, uniqueName('no-such-topic')), client: sns });
    await expect(nowhere.publish(bilingual)).rejects.toThrow(/does not exist/i);
  });
});

function byMessage(a: { Message?: unknown }, b: { Message?: unknown }): number {
  return String(a.Message).localeCompare(String(b.Message));
}
