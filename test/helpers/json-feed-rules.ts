// The JSON Feed 1.1 rules (https://www.jsonfeed.org/version/1.1/) as a JSON Schema, for ajv.
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const author = {
  type: 'object',
  properties: { name: { type: 'string' }, url: { type: 'string', format: 'uri' }, avatar: { type: 'string' } },
  minProperties: 1,
};

export const jsonFeed11Schema = {
  type: 'object',
  required: ['version', 'title', 'items'],
  properties: {
    version: { const: 'https://jsonfeed.org/version/1.1' },
    title: { type: 'string', minLength: 1 },
    home_page_url: { type: 'string', format: 'uri' },
    feed_url: { type: 'string', format: 'uri' },
    description: { type: 'string' },
    language: { type: 'string', pattern: '^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$' },
    authors: { type: 'array', items: author },
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id'],
        anyOf: [{ required: ['content_html'] }, { required: ['content_text'] }],
        properties: {
          id: { type: 'string', minLength: 1 },
          url: { type: 'string', format: 'uri' },
          title: { type: 'string' },
          content_html: { type: 'string' },
          content_text: { type: 'string' },
          summary: { type: 'string' },
          image: { type: 'string', format: 'uri' },
          date_published: { type: 'string', format: 'date-time' },
          date_modified: { type: 'string', format: 'date-time' },
          tags: { type: 'array', items: { type: 'string' } },
          language: { type: 'string' },
          authors: { type: 'array', items: author },
        },
        // Extensions must start with "_"; everything else must be a field of the spec.
        patternProperties: { '^_': {} },
        additionalProperties: false,
      },
    },
  },
  patternProperties: { '^_': {} },
  additionalProperties: false,
} as const;

const ajv = new Ajv2020.default({ allErrors: true, strict: false });
addFormats.default(ajv);
export const validateJsonFeed11 = ajv.compile(jsonFeed11Schema);
