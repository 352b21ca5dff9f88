// The export documents `pull` reads, checked before anything is written: a document that is not
// what its schema says gives one line naming the document and what is wrong (docs/ARCHITECTURE.md,
// "Public contracts"). Only what pull relies on is checked, against the published definitions
// (record/record-schema.ts, publish/export-schema.ts) picked to those fields and opened to added
// keys, so a source that adds a field is still read; ids and dates become file names, so their
// patterns are kept (and ids are checked first, for a message that says so).
import { Array as ArrayOf, Object as ObjectOf, Pick, type TSchema } from '@sinclair/typebox';
import { EVENT_TYPES } from '../notify/event-type.js';
import type { ChangeEntry, ChangesList } from '../publish/changes-list.js';
import { CHANGES_LIST, CHANGES_SCHEMA, EXPORT_PAGE, INDEX_SCHEMA } from '../publish/export-schema.js';
import { ARTICLE_SCHEMA } from '../record/article-record.js';
import type { ExportedArticle } from '../record/export-article.js';
import { ARTICLE_SUMMARY, EXPORTED_ARTICLE, firstProblem, loosened } from '../record/record-schema.js';
import { isValidStoryId } from '../site/ilo-urls.js';
import { BadExport, errorMessage } from '../errors.js';

export interface PageDocument {
  articles: { id: string; version: number; href: string }[];
  next: string | null;
}

// Pull drops only the rules that would refuse what it can still use: formats (a URL pull checks
// itself), text lengths and key counts; patterns (ids, dates), and the languages' count and
// uniqueness stay.
const PULL_DROPS: ReadonlySet<string> = new Set(['format', 'minLength', 'maxLength', 'minProperties']);
const forPull = <T extends TSchema>(schema: T) => loosened(schema, PULL_DROPS);

const PULLED_CHANGES = forPull(
  ObjectOf({
    complete: CHANGES_LIST.properties.complete,
    changes: ArrayOf(Pick(CHANGES_LIST.properties.changes.items, ['seq', 'id', 'version', 'href'])),
  }),
);
const PULLED_PAGE = forPull(
  ObjectOf({
    articles: ArrayOf(
      ObjectOf({
        ...Pick(ARTICLE_SUMMARY, ['id', 'version']).properties,
        links: Pick(ARTICLE_SUMMARY.properties.links, ['json']),
      }),
    ),
    next: EXPORT_PAGE.properties.next,
  }),
);
const PULLED_RECORD = forPull(
  Pick(EXPORTED_ARTICLE, [
    'id',
    'version',
    'publishedAt',
    'languages',
    'title',
    'summary',
    'url',
    'markdown',
    'topics',
    'places',
    'rights',
  ]),
);

type Json = Record<string, unknown>;

export function parseChanges(url: string, body: string): ChangesList {
  const doc = object(url, parseJson(url, body));
  expectSchema(url, doc, CHANGES_SCHEMA);
  if (Array.isArray(doc.changes)) {
    doc.changes.forEach((entry: unknown, i) => {
      if (!isObject(entry)) return;
      if (!Number.isSafeInteger(entry.seq) || (entry.seq as number) < 1)
        throw bad(url, `changes[${i}] has no seq (a whole number from 1): is the source older than seq?`);
      id(url, entry.id, `changes[${i}].id`);
    });
  }
  conforms(url, PULLED_CHANGES, doc);
  const list = doc as unknown as ChangesList;
  const changes = list.changes.map(
    (change): ChangeEntry => ({
      seq: change.seq,
      id: change.id,
      version: change.version,
      type: change.type === EVENT_TYPES.updated ? EVENT_TYPES.updated : EVENT_TYPES.published,
      updatedAt: String(change.updatedAt ?? ''),
      href: change.href,
    }),
  );
  return { schema: CHANGES_SCHEMA, generatedAt: String(doc.generatedAt ?? ''), complete: list.complete, changes };
}

export function parsePage(url: string, body: string): PageDocument {
  const doc = object(url, parseJson(url, body));
  expectSchema(url, doc, INDEX_SCHEMA);
  if (Array.isArray(doc.articles))
    doc.articles.forEach((entry: unknown, i) => {
      if (isObject(entry)) id(url, entry.id, `articles[${i}].id`);
    });
  conforms(url, PULLED_PAGE, doc);
  const page = doc as unknown as {
    articles: { id: string; version: number; links: { json: string } }[];
    next: string | null;
  };
  return {
    articles: page.articles.map((summary) => ({ id: summary.id, version: summary.version, href: summary.links.json })),
    next: page.next,
  };
}

/** An exported record (exports/v1/articles/<id>.json), which must be the story `expectedId`. */
export function parseRecord(url: string, body: string, expectedId: string): ExportedArticle {
  const doc = object(url, parseJson(url, body));
  expectSchema(url, doc, ARTICLE_SCHEMA);
  if (doc.id !== expectedId) throw bad(url, `is story '${String(doc.id)}', not '${expectedId}'`);
  conforms(url, PULLED_RECORD, doc);
  const record = doc as unknown as ExportedArticle;
  if (!record.languages.some((lang) => typeof record.title[lang] === 'string')) throw bad(url, 'has no title');
  return record;
}

/** The document against what pull relies on of its definition: one line naming the first field wrong. */
function conforms(url: string, schema: TSchema, doc: Json): void {
  const problem = firstProblem(schema, doc);
  if (problem !== undefined) throw bad(url, problem);
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(url: string, body: string): unknown {
  try {
    return JSON.parse(body);
  } catch (error) {
    throw bad(url, `is not JSON (${errorMessage(error)})`);
  }
}

function expectSchema(url: string, doc: Json, schema: string): void {
  if (doc.schema !== schema) throw bad(url, `is not ${schema} (its schema is ${JSON.stringify(doc.schema ?? null)})`);
}

function object(url: string, value: unknown, what = 'the document'): Json {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw bad(url, `${what} is not an object`);
  return value as Json;
}

function id(url: string, value: unknown, what: string): string {
  if (typeof value !== 'string' || !isValidStoryId(value))
    throw bad(url, `\`${what}\` is not a story id: ${JSON.stringify(value)}`);
  return value;
}

function bad(url: string, detail: string): BadExport {
  return new BadExport(`${url} ${detail}`);
}
