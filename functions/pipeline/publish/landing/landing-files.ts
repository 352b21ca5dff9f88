// The site's own files, written by every publish: the landing page (index.html) and the OPML of every
// feed (feeds.opml), from the language windows and the feed directory. Written only when they differ,
// so a rerun with nothing new leaves them (and their ETags) alone.
import type { Store } from '../../ports.js';
import type { ArticleSummary } from '../../record/export-article.js';
import { LANGUAGES, type LanguageKey } from '../../site/ilo-urls.js';
import { readJson, writeIfChanged } from '../../state/json-objects.js';
import { CACHE_CONTROL, CONTENT_TYPES, keys } from '../../state/store-keys.js';
import type { FeedWindow } from '../feed-window.js';
import type { FeedDirectory } from './feed-directory.js';
import { renderLandingPage } from './landing-page.js';
import { renderOpml } from './opml.js';
import { buildLandingModel } from './landing-model.js';

/** Brings the landing page and the OPML up to date with the windows and the feed directory; returns the keys written. */
export async function writeLandingFiles(store: Store, directory: FeedDirectory, publicUrl: string): Promise<string[]> {
  const windows = {} as Record<LanguageKey, ArticleSummary[]>;
  for (const lang of LANGUAGES)
    windows[lang] = (await readJson<FeedWindow>(store, keys.window(lang)))?.value.entries ?? [];
  const model = buildLandingModel(windows, directory);
  const written: string[] = [];
  if (
    await writeIfChanged(store, keys.landingPage(), renderLandingPage(model), CONTENT_TYPES.html, CACHE_CONTROL.index)
  )
    written.push(keys.landingPage());
  if (await writeIfChanged(store, keys.opml(), renderOpml(model, publicUrl), CONTENT_TYPES.opml, CACHE_CONTROL.index))
    written.push(keys.opml());
  return written;
}
