// The directory of every topic feed (state/feed-directory.json): which topics have feeds in which
// language, under which labels. The landing page and the OPML list every feed from it, and a topic
// feed links its twin in the other language only where the directory has one, so a publish reads
// one small document instead of every topic window. Updated with compare-and-swap from the
// stories each publish brings; made once from the windows themselves where it is missing (a store
// published before it existed). A topic feed whose last story left it is taken out of the directory
// as its window empties (its files stay, empty, for those subscribed to it; the topic keeps its
// labels so that feed keeps its title).
import type { Store } from '../../ports.js';
import type { ArticleSummary } from '../../record/export-article.js';
import { LANGUAGES, type LanguageKey, isLanguage } from '../../site/ilo-urls.js';
import { readJson, updateJson } from '../../state/json-objects.js';
import { keys } from '../../state/store-keys.js';
import { type FeedWindow, isFeedWindow } from '../feed-window.js';

export interface FeedDirectory {
  schema: 'ilo-syndication/feed-directory@1';
  /** By topic slug: its label in each language, and the languages it has a feed in. */
  topics: Record<string, { label: Partial<Record<LanguageKey, string>>; languages: LanguageKey[] }>;
}

export interface DirectoryUpdate {
  directory: FeedDirectory;
  /**
   * Topic feeds that were there before whose topic now has a feed in another language too
   * (`<lang>/topics/<slug>`): rendered again, they link their new twin.
   */
  joined: string[];
}

/** The directory with the topics of these stories added; written only when something is new. */
export async function updateFeedDirectory(store: Store, summaries: ArticleSummary[]): Promise<DirectoryUpdate> {
  const stored = await readJson<FeedDirectory>(store, keys.feedDirectory());
  const seed = stored ? undefined : await directoryFromWindows(store);
  let joined: string[] = [];
  const updated = await updateJson<FeedDirectory>(store, keys.feedDirectory(), (current) => {
    const before = current ?? seed ?? emptyDirectory();
    const next = addTopics(before, summaries);
    joined = joinedFeeds(before, next);
    return current && JSON.stringify(next) === JSON.stringify(current) ? undefined : next;
  });
  return { directory: updated ?? emptyDirectory(), joined };
}

/** Pure: the topic feeds of `before` whose topic has a language in `after` it lacked in `before`. */
function joinedFeeds(before: FeedDirectory, after: FeedDirectory): string[] {
  const joined: string[] = [];
  for (const [slug, topic] of Object.entries(after.topics)) {
    const had = before.topics[slug]?.languages ?? [];
    if (had.length > 0 && topic.languages.some((lang) => !had.includes(lang)))
      joined.push(...had.map((lang) => `${lang}/topics/${slug}`));
  }
  return joined;
}

/**
 * The directory with the topic feed `<lang>/topics/<slug>` listed when its window holds stories and
 * not listed when it holds none, under compare-and-swap; `label` (from the window's stories) for a
 * topic that comes back.
 */
export async function listTopicFeed(
  store: Store,
  slug: string,
  lang: LanguageKey,
  holds: boolean,
  label: Partial<Record<LanguageKey, string>>,
): Promise<FeedDirectory> {
  const updated = await updateJson<FeedDirectory>(store, keys.feedDirectory(), (current) => {
    const before = current ?? emptyDirectory();
    const next = withTopicFeed(before, slug, lang, holds, label);
    return JSON.stringify(next) === JSON.stringify(before) ? undefined : next;
  });
  return updated ?? emptyDirectory();
}

/** Pure: the directory with that topic feed listed or not; a topic keeps its labels when it has no feed left. */
export function withTopicFeed(
  directory: FeedDirectory,
  slug: string,
  lang: LanguageKey,
  holds: boolean,
  label: Partial<Record<LanguageKey, string>>,
): FeedDirectory {
  const listed = hasTopicFeed(directory, slug, lang);
  if (listed === holds) return directory;
  const topics = structuredClone(directory.topics);
  const entry = topicEntry(topics, slug);
  if (holds) {
    for (const l of LANGUAGES) if (label[l]) entry.label[l] = label[l];
    entry.languages = [...entry.languages, lang].sort();
  } else {
    entry.languages = entry.languages.filter((l) => l !== lang);
  }
  return addTopics({ ...directory, topics }, []);
}

/** The topic's label in a language, from the directory (an empty topic feed keeps its title by it). */
export function topicLabel(directory: FeedDirectory, slug: string, lang: LanguageKey): string | undefined {
  const label = directory.topics[slug]?.label;
  return label?.[lang] ?? label?.en ?? label?.zh;
}

/** True when the topic has a feed in this language. */
export function hasTopicFeed(directory: FeedDirectory, slug: string, lang: LanguageKey): boolean {
  return directory.topics[slug]?.languages.includes(lang) ?? false;
}

export function emptyDirectory(): FeedDirectory {
  return { schema: 'ilo-syndication/feed-directory@1', topics: {} };
}

/** Pure: the directory with every (topic, language) of the stories, labels as the newest story gives them. */
export function addTopics(directory: FeedDirectory, summaries: ArticleSummary[]): FeedDirectory {
  const topics = structuredClone(directory.topics);
  for (const summary of summaries) {
    for (const topic of summary.topics) {
      const entry = topicEntry(topics, topic.slug);
      for (const lang of LANGUAGES) if (topic.label[lang]) entry.label[lang] = topic.label[lang];
      for (const lang of summary.languages) if (!entry.languages.includes(lang)) entry.languages.push(lang);
      entry.languages.sort();
    }
  }
  const sorted = Object.fromEntries(Object.entries(topics).sort(([a], [b]) => a.localeCompare(b)));
  return { ...directory, topics: sorted };
}

/** Every topic window's slug, language and label: what the directory would hold had it always existed. */
async function directoryFromWindows(store: Store): Promise<FeedDirectory> {
  const directory = emptyDirectory();
  const prefix = keys.windowPrefix();
  for await (const key of store.list(prefix)) {
    const [, lang, slug] = /^(en|zh)\/topics\/([a-z0-9-]+)\.json$/.exec(key.slice(prefix.length)) ?? [];
    if (!isLanguage(lang) || slug === undefined) continue;
    // A damaged window is left out here: publish rebuilds it when it visits it.
    const window = (await readJson<FeedWindow>(store, key, isFeedWindow).catch(() => undefined))?.value;
    const term = window?.entries.flatMap((entry) => entry.topics).find((topic) => topic.slug === slug);
    if (!term) continue;
    const entry = topicEntry(directory.topics, slug);
    Object.assign(entry.label, term.label);
    if (!entry.languages.includes(lang)) entry.languages.push(lang);
    entry.languages.sort();
  }
  return addTopics(directory, []);
}

/** The directory's entry of a topic, added (empty) when it has none yet. */
function topicEntry(topics: FeedDirectory['topics'], slug: string): FeedDirectory['topics'][string] {
  let entry = topics[slug];
  if (!entry) {
    entry = { label: {}, languages: [] };
    topics[slug] = entry;
  }
  return entry;
}
