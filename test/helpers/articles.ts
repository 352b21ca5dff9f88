// Small factories for core unit tests.
import type { ExtractedArticle } from '#pipeline/extract/extract-article.js';
import type { ArticleRecord } from '#pipeline/record/article-record.js';
import { composeRecord } from '#pipeline/record/article-record.js';

/** An extracted article; an override of `undefined` leaves that (optional) field out. */
export function article(
  overrides: { [K in keyof ExtractedArticle]?: ExtractedArticle[K] | undefined } & { lang: 'en' | 'zh' },
): ExtractedArticle {
  const en = overrides.lang === 'en';
  const made = {
    url: en
      ? 'https://www.ilo.org/resource/news/test-story'
      : 'https://www.ilo.org/zh-hans/resource/news/%E6%B5%8B%E8%AF%95',
    contentLanguage: overrides.lang,
    title: en ? 'Test story' : '测试新闻',
    summary: en ? 'A lead paragraph.' : '导语。',
    publishedAt: '2024-11-12',
    body: [],
    markdown: en ? 'The body of the story.' : '新闻正文。',
    tags: [],
    translations: [],
    layers: { title: 'site', body: 'site' },
    ...overrides,
  };
  for (const [key, value] of Object.entries(made)) if (value === undefined) delete made[key as keyof typeof made];
  return made as ExtractedArticle;
}

export function record(overrides: Partial<ArticleRecord> = {}): ArticleRecord {
  const base = composeRecord(
    'test-story',
    { en: article({ lang: 'en' }), zh: article({ lang: 'zh' }) },
    undefined,
    new Date('2026-01-02T03:04:05Z'),
  ).record;
  return { ...base, ...overrides };
}
