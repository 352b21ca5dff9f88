// The windows (state/windows/<name>.json: the newest stories of everything, of each language, of each
// topic) and the files rendered from them: the export index with the archive pages, and the feeds.
// Crash-safe order (docs/ARCHITECTURE.md, "Publish's commit order"): a window's files are written
// first and the window is committed after them, with compare-and-swap. A run stopped in between
// leaves the window as it was, so the next run computes and writes the same files again; and every
// window a publish visits has its files written again if they differ, so the files never stay
// behind their window.
import { FEED_SIZE } from '../config.js';
import { PreconditionFailed } from '../errors.js';
import type { Store } from '../ports.js';
import { type ArticleSummary, publicLink, summarize } from '../record/export-article.js';
import { type FullArticle, topicFeedsOf } from '../record/full-article.js';
import { LANGUAGES, type LanguageKey, isLanguage } from '../site/ilo-urls.js';
import { CorruptDocument, type Versioned, readJson, stringifyJson, writeIfChanged } from '../state/json-objects.js';
import { CACHE_CONTROL, CONTENT_TYPES, type FeedFormat, PREFIXES, idOfArticleMeta, keys } from '../state/store-keys.js';
import { loadFullArticle } from './article-files.js';
import { type ExportPage, newestUpdate, updateArchive } from './export-archive.js';
import { INDEX_SCHEMA } from './export-schema.js';
import { type FeedWindow, type WindowUpdate, emptyWindow, isFeedWindow, upsertWindow } from './feed-window.js';
import {
  type FeedScope,
  type FeedSettings,
  type FeedWindowEntry,
  buildFeedChannel,
  withContent,
} from './feeds/feed-model.js';
import { renderAtom } from './feeds/atom.js';
import { renderJsonFeed } from './feeds/json-feed.js';
import { renderRss } from './feeds/rss.js';
import {
  type DirectoryUpdate,
  type FeedDirectory,
  hasTopicFeed,
  listTopicFeed,
  topicLabel,
} from './landing/feed-directory.js';

const ALL = 'all';

interface WindowScope {
  name: string;
  matches: (summary: ArticleSummary) => boolean;
  /**
   * Its files exist from the first publish, empty until a story comes (the export index and the
   * language feeds: the landing page and the OPML link them, and a reader may subscribe before the
   * first story of a language). A topic feed exists only once a story carries the topic.
   */
  alwaysPublished?: boolean;
}

/**
 * Puts the stories into every window they belong to and writes the windows' files. `rebuild` (after
 * a change of settings): every existing window is visited and its entries made again from the
 * stories' full copies, and every archive page is written again. A topic feed is listed in the feed
 * directory while its window holds stories (`topicFeeds.directory` is kept up to date for the
 * landing page); when its last story leaves, its twin in the other language is visited again to
 * drop its link. Returns the keys written.
 */
export async function publishWindows(
  store: Store,
  articles: FullArticle[],
  settings: FeedSettings,
  rebuild: boolean,
  topicFeeds: DirectoryUpdate,
  warnings: string[] = [],
): Promise<string[]> {
  const written: string[] = [];
  const summaries = articles.map((article) => summarize(article, settings.publicUrl));
  // A body is rendered once, when its version is among a feed window's entries; a feed is then
  // rendered from its window alone, however many stories the archive holds.
  const withBody = bodyOnEntry(articles, summaries, settings);
  // Topic feeds the stories left (a topic or a language an earlier version had) are visited too, and
  // those whose topic now has a feed in the other language (to link it).
  const alsoVisit = [
    ...(rebuild ? await existingWindowNames(store) : []),
    ...articles.flatMap((article) => article.retiredTopicFeeds ?? []),
    ...topicFeeds.joined,
  ];
  const twinsLeft: string[] = [];
  const visit = async (scope: WindowScope) => {
    const repair = { settings, warnings, publishing: new Set(articles.map((article) => article.id)) };
    if (scope.name === ALL) {
      await commitWindow(store, scope, summaries, rebuild ? settings : undefined, repair, undefined, async (update) => {
        written.push(...(await writeIndexAndArchive(store, update, summaries, settings.publicUrl, rebuild)));
      });
    } else {
      await commitWindow(
        store,
        scope,
        summaries,
        rebuild ? settings : undefined,
        repair,
        withBody,
        async (update, stored) => {
          twinsLeft.push(...(await listInDirectory(store, topicFeeds, update.window, stored)));
          written.push(...(await writeFeeds(store, update.window, settings, topicFeeds.directory)));
        },
      );
    }
  };
  for (const scope of windowScopes(summaries, alsoVisit)) await visit(scope);
  for (const scope of windowScopes([], twinsLeft)) if (scope.name.includes('/topics/')) await visit(scope);
  return written;
}

/**
 * Keeps a topic feed listed in the directory exactly while its window holds stories, before the
 * window is committed (so a rerun finds the same). Also writes when a window that was empty fills
 * again, as another run may have unlisted it meanwhile. Returns the twin feed to visit again when
 * this one has just emptied: it links this one no more.
 */
async function listInDirectory(
  store: Store,
  topicFeeds: DirectoryUpdate,
  window: FeedWindow,
  stored: FeedWindow | undefined,
): Promise<string[]> {
  const found = scopeOf(window, topicFeeds.directory);
  if (!found?.topic) return [];
  const { lang, topic } = found;
  const holds = window.entries.length > 0;
  const refilled = holds && stored !== undefined && stored.entries.length === 0;
  if (hasTopicFeed(topicFeeds.directory, topic.slug, lang) === holds && !refilled) return [];
  const label = window.entries.flatMap((entry) => entry.topics).find((term) => term.slug === topic.slug)?.label ?? {};
  topicFeeds.directory = await listTopicFeed(store, topic.slug, lang, holds, label);
  const other = lang === 'en' ? 'zh' : 'en';
  return !holds && hasTopicFeed(topicFeeds.directory, topic.slug, other) ? [`${other}/topics/${topic.slug}`] : [];
}

/** Computes the window, writes its files, then commits it; again from the top if another run committed first. */
async function commitWindow(
  store: Store,
  scope: WindowScope,
  entries: FeedWindowEntry[],
  rebuildWith: FeedSettings | undefined,
  repair: WindowRepair,
  /** A story being published as the window keeps it once it is in (a feed's window: with its body). */
  kept: ((entry: FeedWindowEntry) => FeedWindowEntry) | undefined,
  writeFiles: (update: WindowUpdate, stored: FeedWindow | undefined) => Promise<void>,
): Promise<void> {
  const key = keys.window(scope.name);
  for (let attempt = 1; ; attempt++) {
    const { stored, repaired } = await storedWindow(store, scope, repair);
    let base = stored?.value ?? emptyWindow(scope.name, FEED_SIZE);
    if (rebuildWith) base = await rebuildWindow(store, base, rebuildWith, scope.name !== ALL);
    const upserted = upsertWindow(base, entries, scope.matches);
    const update = kept
      ? { ...upserted, window: { ...upserted.window, entries: upserted.window.entries.map(kept) } }
      : upserted;
    if (!stored && update.window.entries.length === 0) {
      // Nothing to keep; the files of an always-published window are written all the same.
      if (scope.alwaysPublished) await writeFiles(update, undefined);
      return;
    }
    await writeFiles(update, stored?.value);
    if (stored && !repaired && stringifyJson(stored.value) === stringifyJson(update.window)) return;
    try {
      await store.put(key, stringifyJson(update.window), {
        contentType: CONTENT_TYPES.json,
        ...(stored ? { ifMatch: stored.etag } : { ifNoneMatch: '*' as const }),
      });
      return;
    } catch (error) {
      if (!(error instanceof PreconditionFailed) || attempt >= 8) throw error;
    }
  }
}

/**
 * The stored window. One that is not a window (not JSON, or not the shape of one: edited by hand, or
 * written by something else) is rebuilt from the stories' full copies, with a warning: starting it
 * empty would silently shrink its feed to the stories of this publish.
 */
interface WindowRepair {
  settings: FeedSettings;
  warnings: string[];
  /** The stories this publish brings: left out of a rebuilt window, then put in as into any other. */
  publishing: Set<string>;
}

async function storedWindow(
  store: Store,
  scope: WindowScope,
  repair: WindowRepair,
): Promise<{ stored: Versioned<FeedWindow> | undefined; repaired: boolean }> {
  const key = keys.window(scope.name);
  try {
    return { stored: await readJson<FeedWindow>(store, key, isFeedWindow), repaired: false };
  } catch (error) {
    if (!(error instanceof CorruptDocument)) throw error;
    const damaged = await store.get(key);
    if (!damaged) return { stored: undefined, repaired: false }; // removed meanwhile
    repair.warnings.push(
      `damaged state: ${key} was not a window (${error.detail}); rebuilt from the stories' full copies`,
    );
    return { stored: { value: await windowFromStories(store, scope, repair), etag: damaged.etag }, repaired: true };
  }
}

/**
 * The window as the stories' full copies make it before this publish: the newest of those in its
 * scope, leaving out the stories this publish brings (so that those push older ones out into the
 * archive as they would have). Every story's copy is read once, those kept twice.
 */
async function windowFromStories(
  store: Store,
  scope: WindowScope,
  { settings, publishing }: WindowRepair,
): Promise<FeedWindow> {
  const summaries: ArticleSummary[] = [];
  for await (const key of store.list(PREFIXES.articles)) {
    const id = idOfArticleMeta(key);
    const article = id && !publishing.has(id) ? await loadFullArticle(store, id) : undefined;
    if (article) summaries.push(summarize(article, settings.publicUrl));
  }
  const { window } = upsertWindow(emptyWindow(scope.name, FEED_SIZE), summaries, scope.matches);
  if (scope.name === ALL) return window;
  // The feeds' windows carry the stories' rendered bodies: made for the few kept only.
  const entries = await Promise.all(
    window.entries.map(async (entry) => {
      const article = await loadFullArticle(store, entry.id);
      return article ? windowEntry(article, settings, true) : entry;
    }),
  );
  return { ...window, entries };
}

/** The export index from the window of everything; stories not in it go to their month's archive page. */
async function writeIndexAndArchive(
  store: Store,
  update: WindowUpdate,
  summaries: ArticleSummary[],
  publicUrl: string,
  rewriteAll: boolean,
): Promise<string[]> {
  const written: string[] = [];
  const inIndex = new Set(update.window.entries.map((entry) => entry.id));
  const archived = [...update.evicted, ...summaries.filter((summary) => !inIndex.has(summary.id))];
  const indexed = summaries.filter((summary) => inIndex.has(summary.id));
  const newestArchiveMonth = await updateArchive(store, archived, indexed, publicUrl, rewriteAll);
  const indexPage: ExportPage = {
    schema: INDEX_SCHEMA,
    generatedAt: newestUpdate(update.window.entries),
    articles: update.window.entries.map(summaryOf),
    next: newestArchiveMonth ? publicLink(publicUrl, keys.exportArchivePage(newestArchiveMonth)) : null,
  };
  if (
    await writeIfChanged(store, keys.exportIndex(), stringifyJson(indexPage), CONTENT_TYPES.json, CACHE_CONTROL.index)
  )
    written.push(keys.exportIndex());
  return written;
}

async function writeFeeds(
  store: Store,
  window: FeedWindow,
  settings: FeedSettings,
  directory: FeedDirectory,
): Promise<string[]> {
  const found = scopeOf(window, directory);
  if (!found) return [];
  const scope: FeedScope = found.topic
    ? { ...found, otherLanguageFeed: hasTopicFeed(directory, found.topic.slug, found.lang === 'en' ? 'zh' : 'en') }
    : found;
  const channel = buildFeedChannel(scope, window.entries, settings);
  const files: [FeedFormat, string, string][] = [
    ['rss', renderRss(channel), CONTENT_TYPES.rss],
    ['atom', renderAtom(channel), CONTENT_TYPES.atom],
    ['json', renderJsonFeed(channel), CONTENT_TYPES.jsonFeed],
  ];
  const written: string[] = [];
  for (const [format, body, contentType] of files) {
    const key = scope.topic ? keys.topicFeed(scope.lang, scope.topic.slug, format) : keys.feed(scope.lang, format);
    if (await writeIfChanged(store, key, body, contentType, CACHE_CONTROL.feed)) written.push(key);
  }
  return written;
}

/**
 * The windows a publish touches: everything (the export index), each language, the topic feeds of
 * the topics the stories being published carry (`<lang>/topics/<slug>`), and `alsoTopics`.
 */
function windowScopes(summaries: ArticleSummary[], alsoTopics: string[]): WindowScope[] {
  const scopes: WindowScope[] = [
    { name: ALL, matches: () => true, alwaysPublished: true },
    ...LANGUAGES.map((lang) => ({
      name: lang,
      matches: (summary: ArticleSummary) => summary.languages.includes(lang),
      alwaysPublished: true,
    })),
  ];
  const topics = new Set<string>(
    alsoTopics.filter((name) => isLanguage(/^([a-z]+)\/topics\/[a-z0-9-]+$/.exec(name)?.[1])),
  );
  for (const summary of summaries) for (const name of topicFeedsOf(summary)) topics.add(name);
  for (const name of [...topics].sort()) {
    const [lang, , slug] = name.split('/') as [LanguageKey, string, string];
    scopes.push({
      name,
      matches: (summary) => summary.languages.includes(lang) && summary.topics.some((topic) => topic.slug === slug),
    });
  }
  return scopes;
}

/** What feed a window is rendered as: a language feed, a topic feed, or none (the export index). */
function scopeOf(window: FeedWindow, directory: FeedDirectory): FeedScope | undefined {
  const [lang, kind, slug] = window.name.split('/');
  if (!isLanguage(lang)) return undefined;
  if (kind === undefined) return { lang };
  if (kind !== 'topics' || !slug) return undefined;
  // The topic's label in the feed's language, from any story that carries it (from the directory
  // once the feed has no story left).
  const term = window.entries.flatMap((entry) => entry.topics).find((topic) => topic.slug === slug);
  const label = term?.label[lang] ?? term?.label.en ?? term?.label.zh ?? topicLabel(directory, slug, lang) ?? slug;
  return { lang, topic: { slug, label } };
}

async function existingWindowNames(store: Store): Promise<string[]> {
  const names: string[] = [];
  for await (const key of store.list(keys.windowPrefix()))
    names.push(key.slice(keys.windowPrefix().length, -'.json'.length));
  return names;
}

/**
 * The entry a feed's window keeps of a story being published (one of `summaries`): with its body in
 * full mode, rendered the first time it is in a window's entries. Stories that are not (older than
 * every window they belong to, as most of a backfill is) are never rendered.
 */
function bodyOnEntry(
  articles: FullArticle[],
  summaries: ArticleSummary[],
  settings: FeedSettings,
): (entry: FeedWindowEntry) => FeedWindowEntry {
  const articleOf = new Map<FeedWindowEntry, FullArticle>();
  summaries.forEach((summary, i) => {
    const article = articles[i];
    if (article) articleOf.set(summary, article);
  });
  const rendered = new Map<FeedWindowEntry, FeedWindowEntry>();
  return (entry) => {
    const article = articleOf.get(entry);
    if (!article || settings.contentMode !== 'full') return entry;
    const withBody = rendered.get(entry) ?? withContent(entry, article.markdown);
    rendered.set(entry, withBody);
    return withBody;
  };
}

/** A story as a window keeps it: its summary on the public URL, and its rendered body in full mode. */
function windowEntry(article: FullArticle, settings: FeedSettings, withBody: boolean): FeedWindowEntry {
  const summary = summarize(article, settings.publicUrl);
  return withBody && settings.contentMode === 'full' ? withContent(summary, article.markdown) : summary;
}

/** The summary alone, as the export index lists it (window entries of the index carry no bodies). */
function summaryOf(entry: FeedWindowEntry): ArticleSummary {
  const { content: _content, ...summary } = entry;
  return summary;
}

/** Every entry made again from its story's full copy: links on the new public URL, bodies in the new mode. */
async function rebuildWindow(
  store: Store,
  window: FeedWindow,
  settings: FeedSettings,
  withBodies: boolean,
): Promise<FeedWindow> {
  const entries = await Promise.all(
    window.entries.map(async (entry): Promise<FeedWindowEntry> => {
      const article = await loadFullArticle(store, entry.id);
      return article ? windowEntry(article, settings, withBodies) : summaryOf(entry);
    }),
  );
  return { ...window, entries };
}
