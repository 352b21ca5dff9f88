// The article record and what partners get of it, each defined once (TypeBox): the TypeScript types
// the code uses and the JSON Schema that exports/v1/schema.json publishes (publish/export-schema.ts)
// are both made from these definitions (docs/ARCHITECTURE.md, "Public contracts").
import {
  Array as ArrayOf,
  Integer,
  Literal,
  Object as ObjectOf,
  Optional,
  type Static,
  String as StringOf,
  type TSchema,
  Union,
} from '@sinclair/typebox';
import { Errors } from '@sinclair/typebox/errors';
import { STORY_ID_PATTERN } from '../site/ilo-urls.js';

export const ARTICLE_SCHEMA = 'ilo-syndication/article@1';

const strict = { additionalProperties: false } as const;

/** A value per language; a language the story lacks has no key (never an empty string). */
const localized = <T extends TSchema>(value: () => T, options: { minProperties?: number } = {}) =>
  ObjectOf({ en: Optional(value()), zh: Optional(value()) }, { ...strict, ...options });
const text = () => StringOf({ minLength: 1 });
export const HTTP_URL = () => StringOf({ format: 'uri' });
/** A date, or an instant with its offset: what the ILO's pages give, in ISO 8601. */
export const ISO_DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2}))?$';
export const ISO_DATE = () => StringOf({ pattern: ISO_DATE_PATTERN });
export const STORY_ID = () => StringOf({ pattern: STORY_ID_PATTERN });
export const VERSION = (options: { description?: string } = {}) => Integer({ minimum: 1, ...options });

const TERM = ObjectOf(
  { slug: StringOf({ pattern: '^[a-z0-9][a-z0-9-]*$' }), label: localized(text, { minProperties: 1 }) },
  strict,
);

/** What the record, the summary and the full export share. */
const story = {
  id: STORY_ID(),
  version: VERSION(),
  publishedAt: ISO_DATE(),
  updatedAt: ISO_DATE(),
  languages: ArrayOf(Union([Literal('en'), Literal('zh')]), { minItems: 1, uniqueItems: true }),
  title: localized(text, { minProperties: 1 }),
  summary: localized(text),
  url: localized(HTTP_URL, { minProperties: 1 }),
  topics: ArrayOf(TERM),
  places: ArrayOf(TERM),
  image: Optional(ObjectOf({ url: HTTP_URL(), alt: localized(text), credit: Optional(StringOf()) }, strict)),
  rights: StringOf({ minLength: 1 }),
};

/** The record (articles/<id>/meta.json): what a story is, and whether a version is new. */
const record = {
  schema: Literal(ARTICLE_SCHEMA),
  ...story,
  kind: Literal('news'),
  contentHash: localized(() => StringOf({ pattern: '^sha256:[0-9a-f]{64}$' })),
  wordCount: localized(() => Integer({ minimum: 0 })),
};
export const ARTICLE_RECORD = ObjectOf(record, { title: 'Article record (articles/<id>/meta.json)', ...strict });

const ARTICLE_LINKS = ObjectOf(
  {
    /** The full record as JSON. */
    json: HTTP_URL(),
    /** The Markdown file of each language. */
    markdown: localized(HTTP_URL),
  },
  strict,
);

/** The record without its hashes and counts, with its links: what lists of stories carry. */
export const ARTICLE_SUMMARY = ObjectOf(
  { ...story, links: ARTICLE_LINKS },
  { title: 'One story as the index and archive pages list it', ...strict },
);

/** What partners get: the full record with each language's Markdown (left out in summary mode). */
export const EXPORTED_ARTICLE = ObjectOf(
  { ...record, links: ARTICLE_LINKS, markdown: Optional(localized(text)) },
  strict,
);

export type Term = Static<typeof TERM>;
export type ArticleRecord = Static<typeof ARTICLE_RECORD>;
export type ArticleLinks = Static<typeof ARTICLE_LINKS>;
export type ArticleSummary = Static<typeof ARTICLE_SUMMARY>;
export type ExportedArticle = Static<typeof EXPORTED_ARTICLE>;

// What a reader that must not refuse what it does not rely on checks: the same definition without
// the value rules (formats, patterns, lengths, counts, uniqueness) and open to added keys. The
// types and the required keys stay, so a missing field or a field of the wrong type is still caught.
export const VALUE_RULES: ReadonlySet<string> = new Set([
  'format',
  'pattern',
  'minLength',
  'maxLength',
  'minProperties',
  'minItems',
  'uniqueItems',
]);

/** The definition loosened as above, dropping `dropped` (TypeBox's own markers, symbol keys, are kept). */
export function loosened<T extends TSchema>(schema: T, dropped: ReadonlySet<string> = VALUE_RULES): T {
  const loose = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(loose);
    if (node === null || typeof node !== 'object') return node;
    const copy: Record<string | symbol, unknown> = {};
    for (const key of Reflect.ownKeys(node)) {
      const value = (node as Record<string | symbol, unknown>)[key];
      if (typeof key === 'string' && dropped.has(key)) continue;
      copy[key] = key === 'additionalProperties' && value === false ? true : loose(value);
    }
    return copy;
  };
  return loose(schema) as T;
}

/** The first thing `value` breaks in `schema`, as one line naming the field ("`title.en` ..."), or undefined. */
export function firstProblem(schema: TSchema, value: unknown): string | undefined {
  const first = Errors(schema, value).First();
  if (first === undefined) return undefined;
  const field = first.path.replace(/^\//, '').replaceAll('/', '.');
  return field === '' ? `the document: ${first.message.toLowerCase()}` : `\`${field}\`: ${first.message.toLowerCase()}`;
}
