// A story's id: stable forever, bound to each of its pages by an alias (docs/ARCHITECTURE.md,
// "Store layout" for the id's form).
import type { PipelinePorts } from '../ports.js';
import type { StoryPages } from '../record/article-record.js';
import { LANGUAGES, type LanguageKey, newsPage, storyId } from '../site/ilo-urls.js';
import { bindAlias, lookupAlias } from './story-source.js';

/**
 * One story, one id, forever: an id already bound to either page wins (the English page's first);
 * otherwise a new id from the pages. Binding is first-come: a concurrent run's binding is adopted.
 */
export async function resolveId(ports: PipelinePorts, pages: StoryPages, knownId: string | undefined): Promise<string> {
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
    LANGUAGES.flatMap((lang) => {
      const page = pages[lang];
      const news = page ? newsPage(page.url) : undefined;
      return news ? [[lang, news]] : [];
    }),
  );
  let id = bound.en ?? bound.zh ?? knownId ?? storyId(newsPages);
  for (const lang of LANGUAGES) {
    const page = pages[lang];
    if (page && !bound[lang]) id = await bindAlias(ports.store, page.url, id);
  }
  return id;
}
