import { describe, expect, it } from 'vitest';
import { buildNotification, notificationSubject } from '../../functions/pipeline/notify/notification-message.js';
import { record } from '../helpers/articles.js';

describe('buildNotification', () => {
  it('follows the message contract, with SNS attributes for filter policies', () => {
    const r = record({ topics: [{ slug: 'skills', label: { en: 'Skills' } }] });
    const envelope = buildNotification(r, 'https://d111.cloudfront.net', 'article.published');
    const message = JSON.parse(envelope.Message);
    expect(message).toEqual({
      type: 'article.published',
      id: 'test-story',
      version: 1,
      publishedAt: '2024-11-12',
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
    });
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
    const chinese = record({ id: 'zh-0320866f6ec8', title: { zh: '国际劳工组织在云南举办农民工职业安全与健康培训' }, languages: ['zh'], publishedAt: '2025-09-03' });
    expect(notificationSubject(chinese, 'article.published')).toBe('ILO news: Chinese story of 2025-09-03 (zh-0320866f6ec8)');
  });
});
