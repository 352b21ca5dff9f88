// Ingest one story: fetch its page and its other-language twin, check each really is in its
// language, extract, compose the bilingual record, and store it with its derived files. The
// record (meta.json) is written first with a conditional write: it is the commit point, and the
// derived files are repaired from it if a run stops half-way.
import type { Candidate } from '../discover/choose-candidates.js';
import type { PipelinePorts } from '../ports.js';
import type { ExtractedArticle } from '../extract/extract-article.js';
import type { RecordChange, StoryPages } from '../record/article-record.js';
import { type LanguageKey, newsPage } from '../site/ilo-urls.js';
import { commitRecord } from './commit-record.js';
import { SourceMoved, commitSource } from './commit-source.js';
import { derivedFilesCurrent, writeDerivedFiles } from './derived-files.js';
import { type IngestWarning, describeWarning, extractionWarnings } from './extraction-warnings.js';
import { findTwin } from './find-twin.js';
import { type IngestSettings, type LoadedPage, loadArticle } from './load-page.js';
import { resolveId } from './resolve-id.js';
import { type StorySource, lookupAlias, readSource } from './story-source.js';

export type { IngestSettings } from './load-page.js';

export interface CoveredPage {
  url: string;
  lang: LanguageKey;
}

export type IngestOutcome =
  | {
      status: 'stored';
      id: string;
      change: RecordChange;
      version: number;
      covered: CoveredPage[];
      warnings: IngestWarning[];
    }
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
 * One attempt, in steps: the pages (the requested one, then its twin), the story's id, the source
 * (the content's compare-and-swap), the record (the version's), the derived files. The story's source
 * (state/sources/<id>.json) names the pages, their validators and the hash of the snapshot each
 * vouches for; content becomes the story's current content only by a compare-and-swap of the source
 * against the one it was fetched against, and a record is made only from the current content
 * (docs/ARCHITECTURE.md, "Overlapping runs").
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
  const story = await fetchPages(ports, settings, requested, source?.value, knownId);
  if ('status' in story) return story;
  const { pages, loaded, rejected, warnings } = story;

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
  for (const warning of warnings) logger.warn(describeWarning(warning), { id, warning: warning.kind });
  const covered = loaded.map((page) => ({ url: page.article.url, lang: page.article.lang }));
  if (!covered.some((page) => page.url === requested.url)) covered.push({ url: requested.url, lang: requested.lang });
  return { status: 'stored', id, change, version: record.version, covered, warnings };
}

interface FetchedPages {
  pages: StoryPages;
  loaded: LoadedPage[];
  /** Translation candidates that turned out not to be in their language. */
  rejected: string[];
  warnings: IngestWarning[];
}

/**
 * The requested page, checked to be a story in its own language, then its twin in the other
 * language where one answers; or the outcome that ends the ingest (gone, rejected).
 */
async function fetchPages(
  ports: PipelinePorts,
  settings: IngestSettings,
  requested: { url: string; lang: LanguageKey },
  source: StorySource | undefined,
  knownId: string | undefined,
): Promise<FetchedPages | IngestOutcome> {
  const primary = await loadArticle(ports, settings, requested.url, requested.lang, source, knownId);
  if (primary.status === 'gone') return { status: 'gone', url: requested.url, httpStatus: primary.httpStatus };
  const article = primary.article;
  const unusable = checkRequestedPage(article, requested);
  if (unusable) return unusable;
  const warnings = extractionWarnings(article);

  const pages: StoryPages = { [article.lang]: article };
  const loaded: LoadedPage[] = [primary];
  const twinLang: LanguageKey = article.lang === 'en' ? 'zh' : 'en';
  const { twin, rejected } = await findTwin(ports, settings, article, twinLang, source, knownId);
  if (twin) {
    pages[twinLang] = twin.article;
    loaded.push(twin);
    warnings.push(...extractionWarnings(twin.article));
  }
  return { pages, loaded, rejected, warnings };
}

/** The requested page must be in its own language and hold a title and a body. */
function checkRequestedPage(
  article: ExtractedArticle,
  requested: { url: string; lang: LanguageKey },
): IngestOutcome | undefined {
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
  return undefined;
}
