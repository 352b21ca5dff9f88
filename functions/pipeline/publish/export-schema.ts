// exports/v1/schema.json: one JSON Schema (2020-12) for every export document, made from the same
// definitions as the types the code writes them with (record/record-schema.ts and the two lists
// below). The root describes the full article record (exports/v1/articles/<id>.json); `$defs` name
// the others, so a partner validates a document against `<$id>#/$defs/<name>`:
//   page     exports/v1/index.json and exports/v1/archive/YYYY-MM.json
//   changes  exports/v1/changes.json
//   record   articles/<id>/meta.json (the record without links and Markdown)
//   summary  one story as pages list it
import {
  Array as ArrayOf,
  Boolean as BooleanOf,
  Literal,
  Null,
  Object as ObjectOf,
  Optional,
  type Static,
  String as StringOf,
  Union,
} from '@sinclair/typebox';
import {
  ARTICLE_RECORD,
  ARTICLE_SUMMARY,
  EXPORTED_ARTICLE,
  HTTP_URL,
  ISO_DATE,
  STORY_ID,
  VERSION,
} from '../record/record-schema.js';
import { EVENT_TYPES } from '../notify/event-type.js';
import { keys } from '../state/store-keys.js';

/** The `schema` of the index and archive pages, and of the changes list. */
export const INDEX_SCHEMA = 'ilo-syndication/index@1';
export const CHANGES_SCHEMA = 'ilo-syndication/changes@1';

const strict = { additionalProperties: false } as const;

export const EXPORT_PAGE = ObjectOf(
  {
    schema: Literal(INDEX_SCHEMA),
    /** When the newest change listed here happened (not when the file was written). */
    generatedAt: ISO_DATE(),
    /** YYYY-MM for an archive page. */
    month: Optional(StringOf({ pattern: '^\\d{4}-\\d{2}$' })),
    articles: ArrayOf(ARTICLE_SUMMARY),
    /** URL of the next (older) page, or null on the last one. */
    next: Union([HTTP_URL(), Null()]),
  },
  {
    title: `Index and archive pages (${INDEX_SCHEMA}): exports/v1/index.json, exports/v1/archive/YYYY-MM.json`,
    ...strict,
  },
);

const CHANGE_ENTRY = ObjectOf(
  {
    seq: VERSION({ description: 'Grows with every change, never reused: keep the highest you have seen.' }),
    id: STORY_ID(),
    version: VERSION(),
    /** The same as the version's notification (notify/event-type.ts). */
    type: Union([Literal(EVENT_TYPES.published), Literal(EVENT_TYPES.updated)]),
    updatedAt: ISO_DATE(),
    /** The full record. */
    href: HTTP_URL(),
  },
  strict,
);

export const CHANGES_LIST = ObjectOf(
  {
    schema: Literal(CHANGES_SCHEMA),
    generatedAt: ISO_DATE(),
    /** False once older changes have been dropped from this list. */
    complete: BooleanOf(),
    /** Newest first: `seq` descending. */
    changes: ArrayOf(CHANGE_ENTRY),
  },
  { title: `Changes list (${CHANGES_SCHEMA}): exports/v1/changes.json`, ...strict },
);

export type ExportPage = Static<typeof EXPORT_PAGE>;
export type ChangeEntry = Static<typeof CHANGE_ENTRY>;
export type ChangesList = Static<typeof CHANGES_LIST>;

export function exportSchema(publicUrl: string): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `${publicUrl.replace(/\/+$/, '')}/${keys.exportSchema()}`,
    ...EXPORTED_ARTICLE,
    title: 'ILO news article (ilo-syndication/article@1)',
    description:
      'One ILO news story in English and/or Chinese, as exports/v1/articles/<id>.json serves it. Keys for a language the story lacks are absent. ' +
      'The other export documents are described under $defs: page (index.json and archive/YYYY-MM.json), changes (changes.json), ' +
      'record (articles/<id>/meta.json) and summary (one story in a page).',
    $defs: { record: ARTICLE_RECORD, summary: ARTICLE_SUMMARY, page: pageOfSummaries(), changes: CHANGES_LIST },
  };
}

/** The page with its stories pointing at `$defs/summary`, as partners know it, instead of a copy of it. */
function pageOfSummaries() {
  const { articles, ...properties } = EXPORT_PAGE.properties;
  return {
    ...EXPORT_PAGE,
    properties: { ...properties, articles: { ...articles, items: { $ref: '#/$defs/summary' } } },
  };
}
