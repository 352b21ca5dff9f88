import { describe, expect, it } from 'vitest';
import { fullArticle, fullArticleProblem, isFullArticle } from '#pipeline/record/full-article.js';
import { composeRecord } from '#pipeline/record/article-record.js';
import { article } from '#test/helpers/articles.js';

const now = new Date('2026-11-25T10:00:00Z');
const { record } = composeRecord('test-story', { en: article({ lang: 'en' }) }, undefined, now);
const copy = fullArticle(record, { en: '# Test story\n' });

describe('isFullArticle (made from the record definition)', () => {
  it('accepts a full copy as ingest writes it', () => {
    expect(fullArticleProblem(copy)).toBeUndefined();
    expect(isFullArticle(copy)).toBe(true);
  });

  it('accepts what earlier releases may have stored: added keys, an IRI for a URL, no rights or hashes', () => {
    const { rights: _r, contentHash: _h, wordCount: _w, kind: _k, schema: _s, ...older } = copy;
    const lenient = { ...older, url: { en: 'https://www.ilo.org/ressources/actualités' }, addedLater: 1 };
    expect(isFullArticle(lenient)).toBe(true);
  });

  it('rejects a copy the definition rejects, naming the field', () => {
    const cases: [unknown, string][] = [
      [{ ...copy, title: 'Test story' }, '`title`'],
      [{ ...copy, version: '2' }, '`version`'],
      [{ ...copy, languages: ['fr'] }, '`languages.0`'],
      [{ ...copy, markdown: { en: 3 } }, '`markdown.en`'],
      [{ ...copy, topics: [{ label: { en: 'Skills' } }] }, '`topics.0.slug`'],
      [{ ...copy, retiredTopicFeeds: 'en/topics/skills' }, '`retiredTopicFeeds`'],
    ];
    for (const [value, field] of cases) {
      expect(isFullArticle(value)).toBe(false);
      expect(fullArticleProblem(value)).toMatch(new RegExp(`^${field.replace(/\./g, '\\.')}: `));
    }
    const { markdown: _m, ...noMarkdown } = copy;
    expect(isFullArticle(noMarkdown)).toBe(false);
    expect(fullArticleProblem(noMarkdown)).toContain('`markdown`');
    expect(isFullArticle(null)).toBe(false);
  });
});
