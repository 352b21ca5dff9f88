// The story's twin: the same story in the other language, found through the page's translation
// links (or the twin an earlier run found), checked to really be in that language.
import type { PipelinePorts } from '../ports.js';
import type { ExtractedArticle } from '../extract/extract-article.js';
import type { LanguageKey } from '../site/ilo-urls.js';
import { type IngestSettings, type LoadedPage, loadArticle } from './load-page.js';
import type { StorySource } from './story-source.js';

const MAX_TWIN_CANDIDATES = 3;

/**
 * The story in the other language: the first candidate link that answers 200 with content really
 * in that language. The twin known from earlier runs is tried last, in case the links went away.
 */
export async function findTwin(
  ports: PipelinePorts,
  settings: IngestSettings,
  article: ExtractedArticle,
  lang: LanguageKey,
  source: StorySource | undefined,
  id: string | undefined,
): Promise<{ twin?: LoadedPage; rejected: string[] }> {
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
