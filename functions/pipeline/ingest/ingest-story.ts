// Ingest one story: fetch its page and its other-language twin, check each really is in its
// language, extract, compose the bilingual record, and store it with its derived files. The
// record (meta.json) is written first with a conditional write: it is the commit point, and the
// derived files are repaired from it if a run stops half-way.
import { FetchFailure, PreconditionFailed } from '../errors.js';
import type { Candidate } from '../discover/choose-candidates.js';
import type { FetchConditions, PipelinePorts } from '../ports.js';
import { unfinishedDocument } from '../extract/document-end.js';
import { type ExtractedArticle, extractArticle } from '../extract/extract-article.js';
import { notAStory } from '../extract/story-page.js';
import { FIELD_LIMITS, FIELD_NAMES } from '../extract/field-limits.js';
import { BODY_LIMITS } from '../normalize/clean-body.js';
import {
  type ArticleRecord,
  type RecordChange,
  type StoryPages,
  composeRecord,
  markdownBody,
} from '../record/article-record.js';
import { type FullArticle, fullArticle, isFullArticle } from '../record/full-article.js';
import { LANGUAGES, type LanguageKey, newsPage, storyId } from '../site/ilo-urls.js';
import { CorruptDocument, readJson, stringifyJson, writeIfChanged, writeIfNotNewer } from '../state/json-objects.js';
import { CONTENT_TYPES, keys } from '../state/store-keys.js';
import {
  type SourcePage,
  type StorySource,
  bindAlias,
  lookupAlias,
  readSource,
  snapshotHash,
  writeSource,
} from './story-source.js';

export interface IngestSettings {
  mirrorOrigin?: string;
}

export interface CoveredPage {
  url: string;
  lang: LanguageKey;
}

export type IngestOutcome =
  | { status: 'stored'; id: string; change: RecordChange; version: number; covered: CoveredPage[]; warnings: string[] }
  | { status: 'gone'; url: string; httpStatus: number }
  | { status: 'rejected'; url: string; reason: string };

/** A page could be fetched but holds no story: no title or no body (markup drift). */
export class EmptyStory extends Error {
  constructor(
    readonly url: string,
    detail: string,
  ) {
    super(`${url}: ${detail}`);
    this.name = 'EmptyStory';
  }
}

const MAX_TWIN_CANDIDATES = 3;

/** Fetch, commit and record again from the newer source another run made current meanwhile, at most this often. */
const ATTEMPTS = 4;

export async function ingestStory(
  ports: PipelinePorts,
  settings: IngestSettings,
  candidate: Candidate,
): Promise<IngestOutcome> {
  const requested = newsPage(candidate.url);
  if (!requested) return { status: 'rejected', url: candidate.url, reason: 'not a news story URL' };
  for (let attempt = 1; ; attempt++) {
    try {
      return await ingestOnce(ports, settings, candidate, requested);
    } catch (error) {
      if (!(error instanceof SourceMoved) || attempt >= ATTEMPTS) throw error;
    }
  }
}

/**
 * One attempt. The story's source (state/sources/<id>.json) names the pages, their validators and
 * the hash of the snapshot each vouches for; content becomes the story's current content only by a
 * compare-and-swap of the source against the one it was fetched against, and a record is made only
 * from the current content (docs/ARCHITECTURE.md, "Overlapping runs").
 */
async function ingestOnce(
  ports: PipelinePorts,
  settings: IngestSettings,
  candidate: Candidate,
  requested: { url: string; lang: LanguageKey },
): Promise<IngestOutcome> {
  const { store, logger } = ports;
  const knownId = await lookupAlias(store, requested.url);
  const source = knownId ? await readSource(store, knownId) : undefined;
  const primary = await loadArticle(ports, settings, requested.url, requested.lang, source?.value, knownId);
  if (primary.status === 'gone') return { status: 'gone', url: requested.url, httpStatus: primary.httpStatus };
  const article = primary.article;
  if (article.contentLanguage !== requested.lang && article.contentLanguage !== 'unknown') {
    // Drupal shows an untranslated story under another language's path: not a version of its own.
    return {
      status: 'rejected',
      url: requested.url,
      reason: `content is in ${article.contentLanguage}, not ${requested.lang}`,
    };
  }
  if (article.title === '' || article.markdown === '') {
    throw new EmptyStory(requested.url, article.title === '' ? 'no title found' : 'no body text found');
  }
  const warnings = extractionWarnings(article);

  const pages: StoryPages = { [article.lang]: article };
  const loaded: Loaded[] = [primary];
  const twinLang: LanguageKey = article.lang === 'en' ? 'zh' : 'en';
  const { twin, rejected } = await findTwin(ports, settings, article, twinLang, source?.value, knownId);
  if (twin) {
    pages[twinLang] = twin.article;
    loaded.push(twin);
    warnings.push(...extractionWarnings(twin.article));
  }

  const id = await resolveId(ports, pages, knownId);
  // The id may be one an earlier run gave the other page (a Chinese story whose English twin appears
  // later): update that story's source, not a new one. Writing it as new failed the create-only
  // write silently, the source never learnt the twin, and re-ingesting the Chinese page alone later
  // dropped the English version from the record.
  const current = id === knownId ? source : await readSource(store, id);
  const sourceEtag = await commitSource(ports, id, loaded, rejected, current);

  const { record, change, previous } = await commitRecord(ports, id, pages, candidate.lastmod ?? undefined, sourceEtag);
  if (change !== 'unchanged' || !(await derivedFilesCurrent(ports, record))) {
    warnings.push(...(await writeDerivedFiles(ports, record, pages, previous)));
  }
  for (const message of warnings) logger.warn(message, { id });
  const covered = loaded.map((page) => ({ url: page.article.url, lang: page.article.lang }));
  if (!covered.some((page) => page.url === requested.url)) covered.push({ url: requested.url, lang: requested.lang });
  return { status: 'stored', id, change, version: record.version, covered, warnings };
}

/**
 * Makes what this attempt fetched the story's current content: the snapshots first, then the source
 * that vouches for them, compare-and-swap against the source the fetches were conditioned on. If
 * another run changed the source meantime, its content may be newer: SourceMoved, start again.
 * Returns the ETag of the source the record must be made from.
 */
async function commitSource(
  ports: PipelinePorts,
  id: string,
  loaded: Loaded[],
  rejected: string[],
  current: { value: StorySource; etag: string } | undefined,
): Promise<string> {
  const { store } = ports;
  for (const page of loaded)
    if (page.fetched) await writeIfChanged(store, keys.raw(id, page.article.lang), page.html, CONTENT_TYPES.html);
  const next: StorySource = {
    id,
    pages: Object.fromEntries(loaded.map((page) => [page.article.lang, page.validators])),
    rejected: [...new Set([...(current?.value.rejected ?? []), ...rejected])]
      .filter((url) => !loaded.some((page) => page.article.url === url))
      .sort(),
  };
  if (current && JSON.stringify(next) === JSON.stringify(current.value)) return current.etag;
  try {
    return await writeSource(store, next, current?.etag);
  } catch (error) {
    if (error instanceof PreconditionFailed) throw new SourceMoved(id);
    throw error;
  }
}

/** Another run made other content the story's current source while this attempt worked. */
class SourceMoved extends Error {
  constructor(id: string) {
    super(`the source of ${id} changed during ingest`);
    this.name = 'SourceMoved';
  }
}

interface Loaded {
  status: 'ok';
  article: ExtractedArticle;
  html: string;
  fetched: boolean;
  validators: SourcePage;
}

/**
 * Fetches a page and extracts it: conditionally when the stored snapshot is the one the known
 * validators vouch for (its hash is in the source), so a 304 always stands for that snapshot.
 */
async function loadArticle(
  ports: PipelinePorts,
  settings: IngestSettings,
  url: string,
  lang: LanguageKey,
  source: StorySource | undefined,
  id: string | undefined,
): Promise<Loaded | { status: 'gone'; httpStatus: number }> {
  const known = source?.pages[lang]?.url === url ? source.pages[lang] : undefined;
  const conditional = known?.snapshot && id ? known : undefined;
  let response = await ports.fetcher.fetch(url, conditional ? fetchConditions(conditional) : undefined);
  if (response.status === 'not-modified') {
    // The snapshot is read only on a 304; if it is missing or not the one vouched for, fetch it again.
    const snapshot = conditional ? await ports.store.get(keys.raw(id!, lang)) : undefined;
    // A snapshot stored cut short (before cut bodies were detected) is fetched again, not reused.
    if (snapshot && snapshotHash(snapshot.body) === conditional!.snapshot && !unfinishedDocument(snapshot.body)) {
      return {
        status: 'ok',
        article: storyOf(await extract(snapshot.body, url, lang, settings)),
        html: snapshot.body,
        fetched: false,
        validators: conditional!,
      };
    }
    response = await ports.fetcher.fetch(url);
    if (response.status === 'not-modified')
      throw new FetchFailure(url, 'bad-content', 'answered 304 to an unconditional request');
  }
  if (response.status === 'gone') return { status: 'gone', httpStatus: response.httpStatus };
  // Whatever fetched it: a page cut short is never extracted into a shorter story.
  const missing = unfinishedDocument(response.body);
  if (missing) throw new FetchFailure(url, 'truncated', `the page ends without ${missing}`);
  // A redirect may land on the story's current alias; the page is known by where it landed.
  const landed = newsPage(response.url);
  const finalUrl = landed && landed.lang === lang ? landed.url : url;
  return {
    status: 'ok',
    article: storyOf(await extract(response.body, finalUrl, lang, settings)),
    html: response.body,
    fetched: true,
    validators: {
      url: finalUrl,
      ...(response.etag ? { etag: response.etag } : {}),
      ...(response.lastModified ? { lastModified: response.lastModified } : {}),
      snapshot: snapshotHash(response.body),
    },
  };
}

/** The page's story; a page that is no story at all (an error page served with 200) is damaged input. */
function storyOf(article: ExtractedArticle): ExtractedArticle {
  const reason = notAStory(article);
  if (reason) throw new FetchFailure(article.url, 'bad-content', reason);
  return article;
}

function fetchConditions(page: SourcePage): FetchConditions {
  return {
    ...(page.etag ? { etag: page.etag } : {}),
    ...(page.lastModified ? { lastModified: page.lastModified } : {}),
  };
}

function extract(html: string, url: string, lang: LanguageKey, settings: IngestSettings): Promise<ExtractedArticle> {
  return extractArticle(html, { url, lang, ...(settings.mirrorOrigin ? { mirrorOrigin: settings.mirrorOrigin } : {}) });
}

/**
 * The story in the other language: the first candidate link that answers 200 with content really
 * in that language. The twin known from earlier runs is tried last, in case the links went away.
 */
async function findTwin(
  ports: PipelinePorts,
  settings: IngestSettings,
  article: ExtractedArticle,
  lang: LanguageKey,
  source: StorySource | undefined,
  id: string | undefined,
): Promise<{ twin?: Loaded; rejected: string[] }> {
  const rejected: string[] = [];
  const urls = article.translations.filter((link) => link.lang === lang).map((link) => link.url);
  const knownTwin = source?.pages[lang]?.url;
  if (knownTwin && !urls.includes(knownTwin)) urls.push(knownTwin);
  for (const url of urls.slice(0, MAX_TWIN_CANDIDATES + (knownTwin ? 1 : 0))) {
    const loaded = await loadArticle(ports, settings, url, lang, source, id);
    if (loaded.status === 'gone') continue;
    if (loaded.article.contentLanguage !== lang) {
      ports.logger.info('translation candidate is not in its language', {
        url,
        content: loaded.article.contentLanguage,
        expected: lang,
      });
      rejected.push(url);
      continue;
    }
    if (loaded.article.title === '' || loaded.article.markdown === '') {
      ports.logger.warn('translation page has no title or body', { url });
      continue;
    }
    return { twin: loaded, rejected };
  }
  return { rejected };
}

/**
 * One story, one id, forever: an id already bound to either page wins (the English page's first);
 * otherwise a new id from the pages. Binding is first-come: a concurrent run's binding is adopted.
 */
async function resolveId(ports: PipelinePorts, pages: StoryPages, knownId: string | undefined): Promise<string> {
  const bound: Partial<Record<LanguageKey, string>> = {};
  for (const lang of LANGUAGES) {
    const page = pages[lang];
    const id = page ? await lookupAlias(ports.store, page.url) : undefined;
    if (id !== undefined) bound[lang] = id;
  }
  if (bound.en && bound.zh && bound.en !== bound.zh) {
    ports.logger.warn('two records exist for one story; keeping the English one', { en: bound.en, zh: bound.zh });
  }
  const newsPages = Object.fromEntries(
    LANGUAGES.filter((lang) => pages[lang]).map((lang) => [lang, newsPage(pages[lang]!.url)!]),
  );
  let id = bound.en ?? bound.zh ?? knownId ?? storyId(newsPages);
  for (const lang of LANGUAGES) {
    const page = pages[lang];
    if (page && !bound[lang]) id = await bindAlias(ports.store, page.url, id);
  }
  return id;
}

/**
 * Writes meta.json when the content changed: compare-and-swap, recomputed if another run won. Only
 * while the story's source is still the one this content came from: a version is made only from
 * content newer than the current record's.
 */
async function commitRecord(
  ports: PipelinePorts,
  id: string,
  pages: StoryPages,
  fallbackDate: string | undefined,
  sourceEtag: string,
): Promise<{ record: ArticleRecord; change: RecordChange; previous?: ArticleRecord }> {
  for (let attempt = 1; ; attempt++) {
    const previous = await readJson<ArticleRecord>(ports.store, keys.articleMeta(id));
    const result = {
      ...composeRecord(id, pages, previous?.value, ports.clock.now(), fallbackDate?.slice(0, 10)),
      ...(previous ? { previous: previous.value } : {}),
    };
    if (result.change === 'unchanged') return result;
    if ((await ports.store.get(keys.source(id)))?.etag !== sourceEtag) throw new SourceMoved(id);
    try {
      await ports.store.put(keys.articleMeta(id), stringifyJson(result.record), {
        contentType: CONTENT_TYPES.json,
        ...(previous ? { ifMatch: previous.etag } : { ifNoneMatch: '*' as const }),
      });
      return result;
    } catch (error) {
      if (!(error instanceof PreconditionFailed) || attempt >= 5) throw error;
    }
  }
}

/** True when the derived files already belong to the record's version (the common rerun case). */
async function derivedFilesCurrent(ports: PipelinePorts, record: ArticleRecord): Promise<boolean> {
  const full = await ports.store.get(keys.fullArticle(record.id));
  if (!full || storedVersion(full.body) !== record.version) return false;
  return (
    (await ports.store.get(keys.notified(record.id, record.version))) !== undefined ||
    (await ports.store.get(keys.outbox(record.id, record.version))) !== undefined
  );
}

/**
 * The story's full copy (record and Markdown of every language), then the outbox entry that tells
 * publish a version is new. Publish renders the public files from the copy, in its content mode.
 * The copy it replaces (or, in a folder from before full copies, the previous record) tells which
 * topic feeds the story leaves; the copy, not the record, because a run stopped after the record
 * was committed leaves the copy at the version publish last saw.
 */
async function writeDerivedFiles(
  ports: PipelinePorts,
  record: ArticleRecord,
  pages: StoryPages,
  previousRecord: ArticleRecord | undefined,
): Promise<string[]> {
  const { store } = ports;
  const warnings: string[] = [];
  const bodies: Partial<Record<LanguageKey, string>> = {};
  for (const lang of LANGUAGES) {
    const page = pages[lang];
    if (page) bodies[lang] = markdownBody(page);
  }
  // A damaged copy (edited by hand, or written by something else) is replaced by this one; the
  // record stands in for it as the version it replaces.
  const previousCopy = await readJson<FullArticle>(store, keys.fullArticle(record.id), isFullArticle).catch(
    (error: unknown) => {
      if (!(error instanceof CorruptDocument)) throw error;
      warnings.push(
        `damaged state: ${error.key} was not a story's full copy (${error.detail}); written again from the page`,
      );
      return undefined;
    },
  );
  const previous = previousCopy?.value ?? previousRecord;
  const body = stringifyJson(fullArticle(record, bodies, previous));
  await writeIfNotNewer(store, keys.fullArticle(record.id), body, record.version, storedVersion, CONTENT_TYPES.json);
  try {
    await store.put(keys.outbox(record.id, record.version), stringifyJson({ id: record.id, version: record.version }), {
      contentType: CONTENT_TYPES.json,
      ifNoneMatch: '*',
    });
  } catch (error) {
    if (!(error instanceof PreconditionFailed)) throw error; // already queued by another run
  }
  return warnings;
}

/** The version a stored full copy holds; 0 for one that is not a full copy, so it is replaced. */
function storedVersion(body: string): number {
  try {
    const copy = JSON.parse(body) as unknown;
    return isFullArticle(copy) ? (copy as FullArticle).version : 0;
  } catch {
    return 0;
  }
}

function extractionWarnings(article: ExtractedArticle): string[] {
  const warnings: string[] = [];
  if (article.limits?.cut)
    warnings.push(
      `body limit: ${article.url} holds more than ${BODY_LIMITS.maxSize / 1024} K characters of Markdown; kept that much, the rest is linked to the original`,
    );
  for (const field of article.limits?.fields ?? []) {
    warnings.push(
      `field limit: the ${FIELD_NAMES[field]} of ${article.url} is longer than ${FIELD_LIMITS[field].toLocaleString('en')} characters; kept that much, cut at a word`,
    );
  }
  if (article.limits?.flattened)
    warnings.push(
      `body limit: ${article.url} nests elements deeper than ${BODY_LIMITS.maxDepth} levels; the deepest parts are kept as plain text`,
    );
  if (article.layers.title !== 'site')
    warnings.push(`markup drift: title of ${article.url} found by the ${article.layers.title} layer`);
  if (article.layers.body !== 'site')
    warnings.push(`markup drift: body of ${article.url} found by the ${article.layers.body} layer`);
  return warnings;
}
