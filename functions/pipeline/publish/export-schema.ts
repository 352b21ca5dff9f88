// exports/v1/schema.json: a JSON Schema (2020-12) that every exported article validates against.
import { ARTICLE_SCHEMA } from '../record/article-record.js';

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
  properties: { slug: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$' }, label: { ...localizedString, minProperties: 1 } },
  additionalProperties: false,
};
const isoDate = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2}))?$' };

export function exportSchema(publicUrl: string): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `${publicUrl.replace(/\/+$/, '')}/exports/v1/schema.json`,
    title: 'ILO news article (ilo-syndication/article@1)',
    description: 'One ILO news story in English and/or Chinese. Keys for a language the story lacks are absent.',
    type: 'object',
    required: ['schema', 'id', 'version', 'kind', 'publishedAt', 'updatedAt', 'languages', 'title', 'summary', 'url', 'topics', 'places', 'contentHash', 'wordCount', 'rights', 'links'],
    properties: {
      schema: { const: ARTICLE_SCHEMA },
      id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,127}$' },
      version: { type: 'integer', minimum: 1 },
      kind: { const: 'news' },
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
        properties: { url: { type: 'string', format: 'uri' }, alt: localizedString, credit: { type: 'string' } },
        additionalProperties: false,
      },
      contentHash: {
        type: 'object',
        properties: { en: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' }, zh: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' } },
        additionalProperties: false,
      },
      wordCount: {
        type: 'object',
        properties: { en: { type: 'integer', minimum: 0 }, zh: { type: 'integer', minimum: 0 } },
        additionalProperties: false,
      },
      rights: { type: 'string', minLength: 1 },
      links: {
        type: 'object',
        required: ['json', 'markdown'],
        properties: { json: { type: 'string', format: 'uri' }, markdown: localizedUrl },
        additionalProperties: false,
      },
      markdown: localizedString,
    },
    additionalProperties: false,
  };
}
