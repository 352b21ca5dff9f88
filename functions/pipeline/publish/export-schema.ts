// exports/v1/schema.json: one JSON Schema (2020-12) for every export document. The root describes the
// full article record (exports/v1/articles/<id>.json); `$defs` name the others, so a partner
// validates a document against `<$id>#/$defs/<name>`:
//   page     exports/v1/index.json and exports/v1/archive/YYYY-MM.json
//   changes  exports/v1/changes.json
//   record   articles/<id>/meta.json (the record without links and Markdown)
//   summary  one story as pages list it
import { ARTICLE_SCHEMA } from '../record/article-record.js';
import { CHANGES_SCHEMA } from './changes-list.js';
import { INDEX_SCHEMA } from './export-archive.js';

const localizedString = {
  type: 'object',
  properties: { en: { type: 'string', minLength: 1 }, zh: { type: 'string', minLength: 1 } },
  additionalProperties: false,
};
const localizedUrl = {
  type: 'object',
  properties: { en: { type: 'string', format: 'uri' }, zh: { type: 'string', format: 'uri' } },
  additionalProperties: false,
};
const term = {
  type: 'object',
  required: ['slug', 'label'],
  properties: {
    slug: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$' },
    label: { ...localizedString, minProperties: 1 },
  },
  additionalProperties: false,
};
const isoDate = {
  type: 'string',
  pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2}))?$',
};
const storyId = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,127}$' };
const url = { type: 'string', format: 'uri' };

/** What the record, the summary and the full export share. */
const storyProperties = {
  id: storyId,
  version: { type: 'integer', minimum: 1 },
  publishedAt: isoDate,
  updatedAt: isoDate,
  languages: { type: 'array', items: { enum: ['en', 'zh'] }, minItems: 1, uniqueItems: true },
  title: { ...localizedString, minProperties: 1 },
  summary: localizedString,
  url: { ...localizedUrl, minProperties: 1 },
  topics: { type: 'array', items: term },
  places: { type: 'array', items: term },
  image: {
    type: 'object',
    required: ['url', 'alt'],
    properties: { url, alt: localizedString, credit: { type: 'string' } },
    additionalProperties: false,
  },
  rights: { type: 'string', minLength: 1 },
};
const recordProperties = {
  schema: { const: ARTICLE_SCHEMA },
  ...storyProperties,
  kind: { const: 'news' },
  contentHash: {
    type: 'object',
    properties: {
      en: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' },
      zh: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' },
    },
    additionalProperties: false,
  },
  wordCount: {
    type: 'object',
    properties: { en: { type: 'integer', minimum: 0 }, zh: { type: 'integer', minimum: 0 } },
    additionalProperties: false,
  },
};
const links = {
  type: 'object',
  required: ['json', 'markdown'],
  properties: { json: url, markdown: localizedUrl },
  additionalProperties: false,
};
const RECORD_REQUIRED = [
  'schema',
  'id',
  'version',
  'kind',
  'publishedAt',
  'updatedAt',
  'languages',
  'title',
  'summary',
  'url',
  'topics',
  'places',
  'contentHash',
  'wordCount',
  'rights',
];

export function exportSchema(publicUrl: string): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `${publicUrl.replace(/\/+$/, '')}/exports/v1/schema.json`,
    title: 'ILO news article (ilo-syndication/article@1)',
    description:
      'One ILO news story in English and/or Chinese, as exports/v1/articles/<id>.json serves it. Keys for a language the story lacks are absent. ' +
      'The other export documents are described under $defs: page (index.json and archive/YYYY-MM.json), changes (changes.json), ' +
      'record (articles/<id>/meta.json) and summary (one story in a page).',
    type: 'object',
    required: [...RECORD_REQUIRED, 'links'],
    properties: { ...recordProperties, links, markdown: localizedString },
    additionalProperties: false,
    $defs: {
      record: {
        title: 'Article record (articles/<id>/meta.json)',
        type: 'object',
        required: RECORD_REQUIRED,
        properties: recordProperties,
        additionalProperties: false,
      },
      summary: {
        title: 'One story as the index and archive pages list it',
        type: 'object',
        required: [
          'id',
          'version',
          'publishedAt',
          'updatedAt',
          'languages',
          'title',
          'summary',
          'url',
          'topics',
          'places',
          'rights',
          'links',
        ],
        properties: { ...storyProperties, links },
        additionalProperties: false,
      },
      page: {
        title: `Index and archive pages (${INDEX_SCHEMA}): exports/v1/index.json, exports/v1/archive/YYYY-MM.json`,
        type: 'object',
        required: ['schema', 'generatedAt', 'articles', 'next'],
        properties: {
          schema: { const: INDEX_SCHEMA },
          generatedAt: isoDate,
          month: { type: 'string', pattern: '^\\d{4}-\\d{2}$' },
          articles: { type: 'array', items: { $ref: '#/$defs/summary' } },
          next: { oneOf: [url, { type: 'null' }] },
        },
        additionalProperties: false,
      },
      changes: {
        title: `Changes list (${CHANGES_SCHEMA}): exports/v1/changes.json`,
        type: 'object',
        required: ['schema', 'generatedAt', 'complete', 'changes'],
        properties: {
          schema: { const: CHANGES_SCHEMA },
          generatedAt: isoDate,
          complete: { type: 'boolean' },
          changes: {
            type: 'array',
            items: {
              type: 'object',
              required: ['seq', 'id', 'version', 'type', 'updatedAt', 'href'],
              properties: {
                seq: {
                  type: 'integer',
                  minimum: 1,
                  description: 'Grows with every change, never reused: keep the highest you have seen.',
                },
                id: storyId,
                version: { type: 'integer', minimum: 1 },
                type: { enum: ['article.published', 'article.updated'] },
                updatedAt: isoDate,
                href: url,
              },
              additionalProperties: false,
            },
          },
        },
        additionalProperties: false,
      },
    },
  };
}
