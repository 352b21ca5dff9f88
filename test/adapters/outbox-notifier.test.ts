// The local outbox: each published envelope becomes exactly one JSON line, and concurrent
// publishers never interleave or lose lines.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutboxNotifier } from '#adapters/outbox-notifier.js';
import type { NotificationEnvelope } from '#pipeline/ports.js';
import { buildNotification } from '#pipeline/notify/notification-message.js';
import { notificationEvent } from '#test/helpers/notification-event.js';
import { record } from '#test/helpers/articles.js';
import { tempDir } from '#test/helpers/temp-dir.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('outbox-test-'));
});

afterEach(async () => {
  await cleanup();
});

function envelope(n: number, extra = ''): NotificationEnvelope {
  return {
    Subject: `New story ${n}: 国际劳工组织与微软合作`,
    Message: JSON.stringify({ id: `story-${n}`, title: '国际劳工组织 "quoted"\nnew line', body: extra }),
    MessageAttributes: {
      storyId: { DataType: 'String', StringValue: `story-${n}` },
      languages: { DataType: 'String.Array', StringValue: '["en","zh"]' },
      version: { DataType: 'Number', StringValue: String(n) },
    },
  };
}

async function lines(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n');
}

describe('OutboxNotifier', () => {
  it('appends exactly one JSON line per publish, equal to the message', async () => {
    const file = path.join(dir, 'out', 'nested', 'notifications.jsonl');
    const notifier = new OutboxNotifier(file);

    await notifier.publish(envelope(1));
    expect(await readFile(file, 'utf8')).toBe(`${JSON.stringify(envelope(1))}\n`);

    await notifier.publish(envelope(2));
    const written = await lines(file);
    expect(written).toHaveLength(2);
    expect(written.map((line) => JSON.parse(line))).toEqual([envelope(1), envelope(2)]);
  });

  it('keeps the SNS shape of a subscriber message: MessageStructure json, one text per protocol', async () => {
    const file = path.join(dir, 'notifications.jsonl');
    const message = buildNotification(record(), 'https://news.example.org', 'article.published');
    await new OutboxNotifier(file).publish(message);
    const line = JSON.parse((await lines(file))[0]!) as NotificationEnvelope;
    expect(Object.keys(line)).toEqual(['Subject', 'Message', 'MessageStructure', 'MessageAttributes']);
    expect(line.MessageStructure).toBe('json');
    const texts = JSON.parse(line.Message) as Record<string, string>;
    expect(Object.keys(texts).sort()).toEqual(['default', 'email', 'https', 'lambda', 'sqs']);
    expect(notificationEvent(line)).toMatchObject({ id: 'test-story', version: 1, dedupeKey: 'test-story@1' });
    expect(texts.email).toContain('Reference: test-story@1');
  });

  it('tells whether a message with a dedupe key was sent, with the id publish gave it; a line cut short is no message', async () => {
    const file = path.join(dir, 'notifications.jsonl');
    const notifier = new OutboxNotifier(file);
    expect(await notifier.findSent('test-story@1')).toBeUndefined(); // no outbox yet
    const first = buildNotification(record(), 'https://news.example.org', 'article.published');
    const second = buildNotification(record({ version: 2 }), 'https://news.example.org', 'article.updated');
    const { messageId } = await notifier.publish(first);
    // A crash in the middle of an append leaves a partial line.
    await writeFile(file, `${await readFile(file, 'utf8')}${JSON.stringify(second).slice(0, 80)}`);
    expect(await new OutboxNotifier(file).findSent('test-story@1')).toBe(messageId);
    expect(await new OutboxNotifier(file).findSent('test-story@2')).toBeUndefined();
  });

  it('appends to an existing outbox without touching what is there', async () => {
    const file = path.join(dir, 'notifications.jsonl');
    const earlier = `${JSON.stringify(envelope(0))}\n`;
    await writeFile(file, earlier);

    await new OutboxNotifier(file).publish(envelope(1));

    const text = await readFile(file, 'utf8');
    expect(text.startsWith(earlier)).toBe(true);
    expect(text.slice(earlier.length)).toBe(`${JSON.stringify(envelope(1))}\n`);
  });

  it('keeps 50 concurrent publishes as 50 complete, parseable lines', async () => {
    const file = path.join(dir, 'notifications.jsonl');
    // Two notifiers on one file, like two overlapping runs; sizable messages make interleaving visible.
    const notifiers = [new OutboxNotifier(file), new OutboxNotifier(file)];
    const messages = Array.from({ length: 50 }, (_, n) => envelope(n, `正文${n}-`.repeat(2_000)));

    await Promise.all(messages.map((message, n) => notifiers[n % 2]!.publish(message)));

    const written = await lines(file);
    expect(written).toHaveLength(50);
    const parsed = written.map((line) => JSON.parse(line) as NotificationEnvelope);
    const byId = new Map(parsed.map((m) => [m.MessageAttributes.storyId!.StringValue, m]));
    expect(byId.size).toBe(50);
    for (const [n, message] of messages.entries()) expect(byId.get(`story-${n}`)).toEqual(message);
  });
});
