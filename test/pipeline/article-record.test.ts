import { describe, expect, it } from 'vitest';
import { composeRecord, contentHash } from '#pipeline/record/article-record.js';
import { article } from '#test/helpers/articles.js';

const now = new Date('2026-11-25T10:00:00.123Z');
const later = new Date('2026-11-26T10:00:00Z');

describe('composeRecord', () => {
  it('makes a bilingual version 1 record with per-language fields and no empty keys', () => {
    const en = article({
      lang: 'en',
      tags: [{ kind: 'topic', slug: 'skills', label: 'Skills', url: 'https://www.ilo.org/topics-and-sectors/skills' }],
    });
    const zh = article({
      lang: 'zh',
      tags: [
        { kind: 'topic', slug: 'skills', label: '技能', url: 'https://www.ilo.org/zh-hans/topics-and-sectors/skills' },
      ],
    });
    const { record, change } = composeRecord('test-story', { en, zh }, undefined, now);
    expect(change).toBe('new');
    expect(record).toMatchObject({
      schema: 'ilo-syndication/article@1',
      id: 'test-story',
      version: 1,
      kind: 'news',
      publishedAt: '2024-11-12T12:00:00Z', // the page gave a date only: 12:00 UTC, as feeds give it
      updatedAt: '2026-11-25T10:00:00Z',
      languages: ['en', 'zh'],
      title: { en: 'Test story', zh: '测试新闻' },
      summary: { en: 'A lead paragraph.', zh: '导语。' },
      url: { en: en.url, zh: zh.url },
      topics: [{ slug: 'skills', label: { en: 'Skills', zh: '技能' } }],
      rights: '© International Labour Organization',
    });
    expect(record.contentHash.en).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(record.wordCount).toEqual({ en: 8, zh: 6 }); // "A lead paragraph. The body of the story."; 导语 + 新闻正文
  });

  it('leaves out keys of a language the story lacks', () => {
    const { record } = composeRecord(
      'test-story',
      { en: article({ lang: 'en', summary: undefined, markdown: 'Body.' }) },
      undefined,
      now,
    );
    expect(record.languages).toEqual(['en']);
    expect(Object.keys(record.title)).toEqual(['en']);
    expect(Object.keys(record.url)).toEqual(['en']);
    expect('zh' in record.contentHash).toBe(false);
  });

  it('is unchanged (the stored record itself) when only chrome or tags differ', () => {
    const first = composeRecord('test-story', { en: article({ lang: 'en' }) }, undefined, now).record;
    const again = composeRecord(
      'test-story',
      {
        en: article({
          lang: 'en',
          tags: [{ kind: 'topic', slug: 'x', label: 'X', url: 'https://www.ilo.org/x' }],
          image: { url: 'https://www.ilo.org/i.webp' },
        }),
      },
      first,
      later,
    );
    expect(again.change).toBe('unchanged');
    expect(again.record).toBe(first);
  });

  it('makes version 2 when the text, the title or the languages change, keeping publishedAt', () => {
    const first = composeRecord('test-story', { en: article({ lang: 'en' }) }, undefined, now).record;
    for (const pages of [
      { en: article({ lang: 'en', markdown: 'The body of the story, edited.' }) },
      { en: article({ lang: 'en', title: 'Test story (corrected)' }) },
      { en: article({ lang: 'en' }), zh: article({ lang: 'zh' }) },
    ]) {
      const next = composeRecord('test-story', pages, first, later);
      expect(next.change).toBe('updated');
      expect(next.record.version).toBe(2);
      expect(next.record.updatedAt).toBe('2026-11-26T10:00:00Z');
      expect(next.record.publishedAt).toBe('2024-11-12T12:00:00Z');
    }
  });

  it('gives a date-only story the instant feeds give it, and keeps a date-time with its offset', () => {
    expect(
      composeRecord('s', { en: article({ lang: 'en', publishedAt: '2025-05-05' }) }, undefined, now).record.publishedAt,
    ).toBe('2025-05-05T12:00:00Z');
    expect(
      composeRecord('s', { en: article({ lang: 'en', publishedAt: '2024-11-12T10:00:00+01:00' }) }, undefined, now)
        .record.publishedAt,
    ).toBe('2024-11-12T10:00:00+01:00');
    // A record stored before (date only) keeps its day when a new version is made without a page date.
    const legacy = {
      ...composeRecord('s', { en: article({ lang: 'en' }) }, undefined, now).record,
      publishedAt: '2024-11-12',
    };
    expect(
      composeRecord('s', { en: article({ lang: 'en', publishedAt: undefined, markdown: 'Edited.' }) }, legacy, later)
        .record.publishedAt,
    ).toBe('2024-11-12T12:00:00Z');
  });

  it("keeps a Chinese page's alt text as the Chinese alt only when it is Chinese", () => {
    const image = (alt: string) => ({ url: 'https://www.ilo.org/sites/default/files/a.webp', alt, credit: '© ILO' });
    const en = article({ lang: 'en', image: image('Workers at a training') });
    // Drupal often shows the shared image's English alt on the Chinese page: that is no Chinese alt.
    const copied = composeRecord(
      's',
      { en, zh: article({ lang: 'zh', image: image('Workers at a training') }) },
      undefined,
      now,
    ).record;
    expect(copied.image!.alt).toEqual({ en: 'Workers at a training' });
    const translated = composeRecord(
      's',
      { en, zh: article({ lang: 'zh', image: image('参加培训的工人') }) },
      undefined,
      now,
    ).record;
    expect(translated.image!.alt).toEqual({ en: 'Workers at a training', zh: '参加培训的工人' });
  });

  it('hashes the normalized Markdown: same text, same hash', () => {
    expect(contentHash(article({ lang: 'en' }))).toBe(contentHash(article({ lang: 'en', tags: [] })));
    expect(contentHash(article({ lang: 'en' }))).not.toBe(contentHash(article({ lang: 'en', markdown: 'Other.' })));
  });
});
