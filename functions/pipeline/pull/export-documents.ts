// The export documents `pull` reads, checked before anything is written: a document that is not
// what its schema says gives one line naming the document and what is wrong (docs/ARCHITECTURE.md,
// "Public contracts"). Only what pull relies on is checked; ids and dates become file names, so
// they are checked strictly.
import { EVENT_TYPES } from '../notify/event-type.js';
import type { ChangeEntry, ChangesList } from '../publish/changes-list.js';
import { CHANGES_SCHEMA, INDEX_SCHEMA } from '../publish/export-schema.js';
import { ARTICLE_SCHEMA } from '../record/article-record.js';
import type { ExportedArticle } from '../record/export-article.js';
import { ISO_DATE_PATTERN } from '../record/record-schema.js';
import { isValidStoryId } from '../site/ilo-urls.js';
import { BadExport, errorMessage } from '../errors.js';

export interface PageDocument {
  articles: { id: string; version: number; href: string }[];
  next: string | null;
}

// The same rules as the published schema's (record/record-schema.ts).
const DATE = new RegExp(ISO_DATE_PATTERN);

type Json = Record<string, unknown>;

export function parseChanges(url: string, body: string): ChangesList {
  const doc = object(url, parseJson(url, body));
  expectSchema(url, doc, CHANGES_SCHEMA);
  if (typeof doc.complete !== 'boolean') throw bad(url, '`complete` is not true or false');
  const changes = array(url, doc.changes, 'changes').map((entry, i): ChangeEntry => {
    const change = object(url, entry, `changes[${i}]`);
    if (!Number.isSafeInteger(change.seq) || (change.seq as number) < 1)
      throw bad(url, `changes[${i}] has no seq (a whole number from 1): is the source older than seq?`);
    return {
      seq: change.seq as number,
      id: id(url, change.id, `changes[${i}].id`),
      version: version(url, change.version, `changes[${i}].version`),
      type: change.type === EVENT_TYPES.updated ? EVENT_TYPES.updated : EVENT_TYPES.published,
      updatedAt: String(change.updatedAt ?? ''),
      href: string(url, change.href, `changes[${i}].href`),
    };
  });
  return { schema: CHANGES_SCHEMA, generatedAt: String(doc.generatedAt ?? ''), complete: doc.complete, changes };
}

export function parsePage(url: string, body: string): PageDocument {
  const doc = object(url, parseJson(url, body));
  expectSchema(url, doc, INDEX_SCHEMA);
  const articles = array(url, doc.articles, 'articles').map((entry, i) => {
    const summary = object(url, entry, `articles[${i}]`);
    const links = object(url, summary.links, `articles[${i}].links`);
    return {
      id: id(url, summary.id, `articles[${i}].id`),
      version: version(url, summary.version, `articles[${i}].version`),
      href: string(url, links.json, `articles[${i}].links.json`),
    };
  });
  if (doc.next !== null && typeof doc.next !== 'string') throw bad(url, '`next` is neither a URL nor null');
  return { articles, next: doc.next };
}

/** An exported record (exports/v1/articles/<id>.json), which must be the story `expectedId`. */
export function parseRecord(url: string, body: string, expectedId: string): ExportedArticle {
  const doc = object(url, parseJson(url, body));
  expectSchema(url, doc, ARTICLE_SCHEMA);
  if (doc.id !== expectedId) throw bad(url, `is story '${String(doc.id)}', not '${expectedId}'`);
  version(url, doc.version, 'version');
  if (typeof doc.publishedAt !== 'string' || !DATE.test(doc.publishedAt))
    throw bad(url, '`publishedAt` is not an ISO 8601 date');
  const languages = array(url, doc.languages, 'languages');
  if (
    languages.length === 0 ||
    languages.some((lang) => lang !== 'en' && lang !== 'zh') ||
    new Set(languages).size !== languages.length
  ) {
    throw bad(url, '`languages` must list "en" and/or "zh", once each');
  }
  for (const key of ['title', 'summary', 'url'] as const) localized(url, doc[key], key);
  if (!languages.some((lang) => typeof (doc.title as Json)[lang as string] === 'string'))
    throw bad(url, 'has no title');
  if (doc.markdown !== undefined) localized(url, doc.markdown, 'markdown');
  for (const key of ['topics', 'places'] as const) {
    array(url, doc[key], key).forEach((term, i) => {
      const t = object(url, term, `${key}[${i}]`);
      string(url, t.slug, `${key}[${i}].slug`);
      localized(url, t.label, `${key}[${i}].label`);
    });
  }
  if (typeof doc.rights !== 'string') throw bad(url, '`rights` is missing');
  return doc as unknown as ExportedArticle;
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

function array(url: string, value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw bad(url, `\`${what}\` is not a list`);
  return value;
}

function string(url: string, value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') throw bad(url, `\`${what}\` is missing`);
  return value;
}

function id(url: string, value: unknown, what: string): string {
  if (typeof value !== 'string' || !isValidStoryId(value))
    throw bad(url, `\`${what}\` is not a story id: ${JSON.stringify(value)}`);
  return value;
}

function version(url: string, value: unknown, what: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 1)
    throw bad(url, `\`${what}\` is not a version number: ${JSON.stringify(value)}`);
  return value as number;
}

function localized(url: string, value: unknown, what: string): void {
  const doc = object(url, value, `\`${what}\``);
  for (const [key, text] of Object.entries(doc)) {
    if ((key !== 'en' && key !== 'zh') || typeof text !== 'string')
      throw bad(url, `\`${what}\` must hold text under "en" and "zh" only`);
  }
}

function bad(url: string, detail: string): BadExport {
  return new BadExport(`${url} ${detail}`);
}
