// After a change of content mode, public URL or public format: every story's own public files
// rendered again from its full copy, in id order, a batch at a time, noting after each batch how far
// it got. A run stopped half-way (a timeout, a kill) resumes after the last batch it noted instead of
// starting over.
import type { Store } from '../ports.js';
import { PREFIXES, idOfArticleMeta } from '../state/store-keys.js';
import { type ArticleFileSettings, loadFullArticle, writeArticleFiles } from './article-files.js';

const BATCH = 50;
const AT_ONCE = 8;

export interface RerenderResult {
  stories: number;
  written: string[];
}

export async function rerenderArticles(
  store: Store,
  settings: ArticleFileSettings,
  resumeAfter: string,
  /** Stories whose files this publish has written already, in these settings. */
  done: ReadonlySet<string>,
  noteProgress: (after: string) => Promise<void>,
): Promise<RerenderResult> {
  const ids: string[] = [];
  for await (const key of store.list(PREFIXES.articles)) {
    const id = idOfArticleMeta(key);
    if (id !== undefined && id > resumeAfter && !done.has(id)) ids.push(id);
  }
  const written: string[] = [];
  for (let start = 0; start < ids.length; start += BATCH) {
    const batch = ids.slice(start, start + BATCH);
    for (let i = 0; i < batch.length; i += AT_ONCE) {
      await Promise.all(
        batch.slice(i, i + AT_ONCE).map(async (id) => {
          const article = await loadFullArticle(store, id);
          if (article) written.push(...(await writeArticleFiles(store, article, settings)));
        }),
      );
    }
    const last = batch.at(-1);
    if (last !== undefined) await noteProgress(last);
  }
  return { stories: ids.length, written };
}
