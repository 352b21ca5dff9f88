import { describe, expect, it } from 'vitest';
import { BadExport } from '#pipeline/errors.js';
import { parseChanges, parsePage, parseRecord } from '#pipeline/pull/export-documents.js';

const URL = 'https://feeds.example.org/exports/v1/articles/story-2.json';
const record = {
  schema: 'ilo-syndication/article@1',
  id: 'story-2',
  version: 1,
  publishedAt: '2026-11-25',
  languages: ['en'],
  title: { en: 'A story' },
  summary: {},
  url: { en: 'https://www.ilo.org/resource/news/story-2' },
  topics: [{ slug: 'skills', label: { en: 'Skills' } }],
  places: [],
  rights: '© ILO',
};

function problem(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(BadExport);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe("pull's document checks (made from the published definitions)", () => {
  it('accepts a record, a page and a changes list that add fields', () => {
    expect(parseRecord(URL, JSON.stringify({ ...record, addedLater: { x: 1 } }), 'story-2').id).toBe('story-2');
    const page = {
      schema: 'ilo-syndication/index@1',
      articles: [{ id: 'story-2', version: 1, links: { json: URL }, more: 1 }],
      next: null,
      more: 1,
    };
    expect(parsePage(URL, JSON.stringify(page)).articles).toEqual([{ id: 'story-2', version: 1, href: URL }]);
    const changes = {
      schema: 'ilo-syndication/changes@1',
      complete: true,
      changes: [{ seq: 1, id: 'story-2', version: 1, href: URL, more: 1 }],
    };
    expect(parseChanges(URL, JSON.stringify(changes)).changes[0]).toMatchObject({
      seq: 1,
      id: 'story-2',
      type: 'article.published',
    });
  });

  it('rejects what the definition rejects, in one line naming the field', () => {
    const cases: [unknown, string][] = [
      [{ ...record, version: 0 }, '`version`'],
      [{ ...record, publishedAt: 'yesterday' }, '`publishedAt`'],
      [{ ...record, languages: ['fr'] }, '`languages.0`'],
      [{ ...record, languages: ['en', 'en'] }, '`languages`'],
      [{ ...record, title: { en: 3 } }, '`title.en`'],
      [{ ...record, topics: [{ slug: 'Skills!', label: {} }] }, '`topics.0.slug`'],
      [(({ rights: _r, ...rest }) => rest)(record), '`rights`'],
    ];
    for (const [doc, field] of cases) {
      const message = problem(() => parseRecord(URL, JSON.stringify(doc), 'story-2'));
      expect(message.startsWith(`${URL} ${field}: `), message).toBe(true);
      expect(message).not.toContain('\n');
    }
    const page = {
      schema: 'ilo-syndication/index@1',
      articles: [{ id: 'story-2', version: 1, links: {} }],
      next: null,
    };
    expect(problem(() => parsePage(URL, JSON.stringify(page)))).toMatch(/ `articles\.0\.links\.json`: /);
    const changes = { schema: 'ilo-syndication/changes@1', complete: 'yes', changes: [] };
    expect(problem(() => parseChanges(URL, JSON.stringify(changes)))).toMatch(/ `complete`: /);
  });
});
