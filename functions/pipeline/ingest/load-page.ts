// Fetch one page of a story and extract it: conditionally, when the stored snapshot is the one the
// source's validators vouch for, so a 304 stands for that snapshot (docs/ARCHITECTURE.md,
// "Overlapping runs"); a page cut short or holding no story is damaged input, never a story.
import { FetchFailure } from '../errors.js';
import type { FetchConditions, PipelinePorts } from '../ports.js';
import { unfinishedDocument } from '../extract/document-end.js';
import { type ExtractedArticle, extractArticle } from '../extract/extract-article.js';
import { notAStory } from '../extract/story-page.js';
import { type LanguageKey, newsPage } from '../site/ilo-urls.js';
import { keys } from '../state/store-keys.js';
import { type SourcePage, type StorySource, snapshotHash } from './story-source.js';

export interface IngestSettings {
  mirrorOrigin?: string;
}

/** A page fetched (or its stored snapshot, on a 304) and extracted, with the validators it came with. */
export interface LoadedPage {
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
export async function loadArticle(
  ports: PipelinePorts,
  settings: IngestSettings,
  url: string,
  lang: LanguageKey,
  source: StorySource | undefined,
  id: string | undefined,
): Promise<LoadedPage | { status: 'gone'; httpStatus: number }> {
  const known = source?.pages[lang]?.url === url ? source.pages[lang] : undefined;
  // Conditional only with a snapshot to fall back on: its hash known, and where it is (the story's id).
  const conditional =
    known?.snapshot && id
      ? { validators: known, expectedHash: known.snapshot, snapshotKey: keys.raw(id, lang) }
      : undefined;
  let response = await ports.fetcher.fetch(url, conditional ? fetchConditions(conditional.validators) : undefined);
  if (response.status === 'not-modified') {
    // The snapshot is read only on a 304; if it is missing or not the one vouched for, fetch it again.
    const snapshot = conditional ? await ports.store.get(conditional.snapshotKey) : undefined;
    // A snapshot stored cut short (before cut bodies were detected) is fetched again, not reused.
    if (
      conditional &&
      snapshot &&
      snapshotHash(snapshot.body) === conditional.expectedHash &&
      !unfinishedDocument(snapshot.body)
    ) {
      return {
        status: 'ok',
        article: storyOf(await extract(snapshot.body, url, lang, settings)),
        html: snapshot.body,
        fetched: false,
        validators: conditional.validators,
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
