import { describe, expect, it } from 'vitest';
import {
  EVENT_SUMMARY_MAX,
  EVENT_TITLE_MAX,
  buildNotification,
  notificationSubject,
} from '#pipeline/notify/notification-message.js';
import { notificationEvent } from '#test/helpers/notification-event.js';
import { formatDate } from '#pipeline/parse/dates.js';
import { record } from '#test/helpers/articles.js';

const PUBLIC_URL = 'https://d111.cloudfront.net';

/** What SNS accepts with MessageStructure "json": a JSON object of strings with a `default` key. */
function perProtocol(message: string): Record<string, string> {
  const parsed = JSON.parse(message) as Record<string, unknown>;
  expect(typeof parsed.default).toBe('string');
  for (const [protocol, text] of Object.entries(parsed)) {
    expect(
      ['default', 'sqs', 'lambda', 'https', 'http', 'email', 'email-json', 'sms', 'application', 'firehose'],
      protocol,
    ).toContain(protocol);
    expect(typeof text, protocol).toBe('string');
  }
  expect(Buffer.byteLength(message)).toBeLessThan(256 * 1024);
  return parsed as Record<string, string>;
}

describe('buildNotification', () => {
  it('follows the message contract, with SNS attributes for filter policies and the dedupe key', () => {
    const r = record({ topics: [{ slug: 'skills', label: { en: 'Skills' } }] });
    const envelope = buildNotification(r, PUBLIC_URL, 'article.published');
    expect(envelope.MessageStructure).toBe('json');
    const message = notificationEvent(envelope);
    expect(message).toEqual({
      type: 'article.published',
      id: 'test-story',
      version: 1,
      dedupeKey: 'test-story@1',
      publishedAt: '2024-11-12T12:00:00Z',
      languages: ['en', 'zh'],
      title: r.title,
      url: r.url,
      summary: r.summary,
      links: {
        json: 'https://d111.cloudfront.net/exports/v1/articles/test-story.json',
        markdown: {
          en: 'https://d111.cloudfront.net/articles/test-story/en.md',
          zh: 'https://d111.cloudfront.net/articles/test-story/zh.md',
        },
      },
    });
    expect(envelope.MessageAttributes).toEqual({
      eventType: { DataType: 'String', StringValue: 'article.published' },
      languages: { DataType: 'String.Array', StringValue: '["en","zh"]' },
      topics: { DataType: 'String.Array', StringValue: '["skills"]' },
      dedupeKey: { DataType: 'String', StringValue: 'test-story@1' },
    });
  });

  it('gives queues, functions and HTTPS endpoints the event JSON, and email a readable text', () => {
    const envelope = buildNotification(record(), PUBLIC_URL, 'article.published');
    const texts = perProtocol(envelope.Message);
    for (const protocol of ['default', 'sqs', 'lambda', 'https'])
      expect(JSON.parse(texts[protocol]!), protocol).toEqual(notificationEvent(envelope));
    const email = texts.email!;
    expect(() => JSON.parse(email)).toThrow(); // text, not JSON
    expect(email).toContain(
      'Test story\n\nPublished: 12 November 2024\n\nA lead paragraph.\n\nRead it on ilo.org: https://www.ilo.org/resource/news/test-story\nOur copy (Markdown): https://d111.cloudfront.net/articles/test-story/en.md',
    );
    expect(email).toContain(
      '测试新闻\n\n发布日期：2024年11月12日\n\n导语。\n\n在国际劳工组织网站阅读：https://www.ilo.org/zh-hans/resource/news/%E6%B5%8B%E8%AF%95\n我们的副本（Markdown）：https://d111.cloudfront.net/articles/test-story/zh.md',
    );
    expect(email).toContain('Reference: test-story@1');
    expect(email).toMatch(/unsubscribe link below/);
    expect(email).toMatch(/退订/);
    expect(email).not.toMatch(/[{}"\\]/); // no JSON punctuation in what a person reads
  });

  it('says an update is one, with its version, and keeps an email to the languages the story has', () => {
    const english = record({
      version: 3,
      languages: ['en'],
      title: { en: 'Edited  story\nwith a break' },
      summary: { en: 'Lead.' },
      url: { en: 'https://www.ilo.org/resource/news/x' },
    });
    const email = perProtocol(buildNotification(english, PUBLIC_URL, 'article.updated').Message).email!;
    expect(email.startsWith('Edited story with a break\n\nPublished: 12 November 2024 (Updated story, v3)\n')).toBe(
      true,
    );
    expect(email).not.toContain('发布日期'); // no Chinese block for an English-only story
    expect(email).toContain('Reference: test-story@3');
  });

  it("stays under SNS's 256 KiB whatever the page gives as title and lead, cutting them with an ellipsis", () => {
    const long = (unit: string) => unit.repeat(120_000);
    const r = record({
      title: { en: long('Title words '), zh: long('标题') },
      summary: { en: long('Lead words '), zh: long('导语') },
    });
    const envelope = buildNotification(r, PUBLIC_URL, 'article.published');
    const attributes = Object.entries(envelope.MessageAttributes).reduce(
      (sum, [name, value]) =>
        sum + Buffer.byteLength(name) + Buffer.byteLength(value.DataType) + Buffer.byteLength(value.StringValue),
      0,
    );
    expect(Buffer.byteLength(envelope.Message) + attributes).toBeLessThan(256 * 1024);
    const event = notificationEvent(envelope);
    for (const lang of ['en', 'zh'] as const) {
      expect(event.title[lang]!.length).toBeLessThanOrEqual(EVENT_TITLE_MAX);
      expect(event.title[lang]).toMatch(/…$/);
      expect(event.summary[lang]!.length).toBeLessThanOrEqual(EVENT_SUMMARY_MAX);
    }
    const email = perProtocol(envelope.Message).email!;
    expect(email.split('\n')[0]!.length).toBeLessThanOrEqual(300);
    expect(envelope.Subject.length).toBeLessThan(100);
  });

  it('sends no topics attribute for a story without topics', () => {
    const envelope = buildNotification(record({ topics: [] }), PUBLIC_URL, 'article.updated');
    expect(Object.keys(envelope.MessageAttributes).sort()).toEqual(['dedupeKey', 'eventType', 'languages']);
  });
});

describe('formatDate', () => {
  it("writes the story's own calendar date in each language", () => {
    expect(formatDate('2024-11-12T23:30:00-05:00', 'en')).toBe('12 November 2024');
    expect(formatDate('2025-01-05', 'zh')).toBe('2025年1月5日');
  });
});

describe('notificationSubject', () => {
  it('is ASCII, one line, under 100 characters', () => {
    const long = record({ title: { en: `“Decent work” in Genève — ${'very long words '.repeat(12)}\nsecond line` } });
    const subject = notificationSubject(long, 'article.updated');
    expect(subject).toMatch(/^[\x20-\x7E]+$/);
    expect(subject.length).toBeLessThan(100);
    expect(subject.startsWith('ILO news (updated): "Decent work" in Geneve - very long')).toBe(true);
    expect(subject.endsWith('...')).toBe(true);
  });

  it('falls back to an ASCII description for a Chinese-only story', () => {
    const chinese = record({
      id: 'zh-0320866f6ec8',
      title: { zh: '国际劳工组织在云南举办农民工职业安全与健康培训' },
      languages: ['zh'],
      publishedAt: '2025-09-03',
    });
    expect(notificationSubject(chinese, 'article.published')).toBe(
      'ILO news: Chinese story of 2025-09-03 (zh-0320866f6ec8)',
    );
  });
});
