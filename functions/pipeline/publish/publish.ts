// Publish: turn the versions that ingest queued (state/outbox/) into feeds, partner exports and
// notifications. Everything here is idempotent, so a retried or overlapping publish converges on
// the same files and never sends a notification twice.
import type { ContentMode } from '../config.js';
import type { PipelinePorts } from '../ports.js';
import { type ArticleSummary, type ExportedArticle, publicLink, summarize } from '../record/export-article.js';
import { LANGUAGES, type LanguageKey } from '../site/ilo-urls.js';
import { readJson, stringifyJson, updateJson, writeIfChanged } from '../state/json-objects.js';
import { CACHE_CONTROL, CONTENT_TYPES, type FeedFormat, keys } from '../state/store-keys.js';
import { sendOnce } from '../notify/claim-notification.js';
import { buildNotification } from '../notify/notification-message.js';
import { recordChanges } from './changes-list.js';
import { type ExportPage, INDEX_SCHEMA, newestUpdate, updateArchive } from './export-archive.js';
import { exportSchema } from './export-schema.js';
import { type FeedWindow, emptyWindow, upsertWindow } from './feed-window.js';
import { type FeedScope, type FeedWindowEntry, buildFeedChannel, withContent } from './feeds/feed-model.js';
import { renderAtom } from './feeds/atom.js';
import { renderJsonFeed } from './feeds/json-feed.js';
import { renderRss } from './feeds/rss.js';
import { FEED_SIZE } from '../config.js';

export interface PublishSettings {
  publicUrl: string;
  contentMode: ContentMode;
  /** Named in feeds' <generator>. */
  generator: string;
}

export interface PublishReport {
  versions: number;
  notificationsSent: number;
  notificationsSkipped: number;
  filesWritten: string[];
}

interface Pending {
  key: string;
  id: string;
  version: number;
}

const SETTINGS_KEY = 'state/publish-settings.json';

export async function publishPending(ports: PipelinePorts, settings: PublishSettings): Promise<PublishReport> {
  const { store } = ports;
  const report: PublishReport = { versions: 0, notificationsSent: 0, notificationsSkipped: 0, filesWritten: [] };
  const pending = await listPending(ports);
  const settingsChanged = await recordSettings(ports, settings);
  if (pending.length === 0 && !settingsChanged) return report;

  // The exported record is the record plus its Markdown, and ingest writes it before queueing the
  // version: one read a story gives both the summary and the body.
  const records = new Map<string, ExportedArticle>();
  for (const { id } of pending) {
    if (records.has(id)) continue;
    const exported = (await readJson<ExportedArticle>(store, keys.exportArticle(id)))?.value;
    if (exported) records.set(id, exported);
  }
  const summaries = [...records.values()].map((record) => summarize(record, settings.publicUrl));
  report.versions = pending.length;
  // Bodies are rendered once, as a version enters the feed windows; a feed is then rendered from its
  // window alone, however many stories the archive holds.
  const withBodies = [...records.values()].map((record) => windowEntry(record, settings, true));

  // Windows: the index of everything (plain summaries), each language, each topic (with bodies).
  const changedWindows: FeedWindow[] = [];
  let evictedFromIndex: ArticleSummary[] = [];
  let index: FeedWindow | undefined;
  // A settings change renders every window again, so every topic window is visited too.
  const existing = settingsChanged ? await existingWindowNames(ports) : [];
  for (const scope of windowScopes(summaries, existing)) {
    let result: ReturnType<typeof upsertWindow> | undefined;
    const entries = scope.name === 'all' ? summaries : withBodies;
    let window = await updateJson<FeedWindow>(store, windowKey(scope.name), (current) => {
      result = upsertWindow(current ?? emptyWindow(scope.name, FEED_SIZE), entries, scope.matches);
      return result.changed ? result.window : undefined;
    });
    if (settingsChanged) window = (await rerenderWindow(ports, windowKey(scope.name), settings, scope.name !== 'all')) ?? window;
    const current = window ?? emptyWindow(scope.name, FEED_SIZE);
    if (scope.name === 'all') {
      index = current;
      evictedFromIndex = result?.evicted ?? [];
    }
    if (result?.changed || settingsChanged) changedWindows.push(current);
  }

  // Partner exports: the archive months, the index, the changes list, the schema.
  const inIndex = new Set(index!.entries.map((entry) => entry.id));
  const archived = [...evictedFromIndex, ...summaries.filter((summary) => !inIndex.has(summary.id))];
  const indexed = summaries.filter((summary) => inIndex.has(summary.id));
  const newestArchiveMonth = await updateArchive(store, archived, indexed, settings.publicUrl, settingsChanged);
  const indexPage: ExportPage = {
    schema: INDEX_SCHEMA,
    generatedAt: newestUpdate(index!.entries),
    articles: index!.entries,
    next: newestArchiveMonth ? publicLink(settings.publicUrl, keys.exportArchivePage(newestArchiveMonth)) : null,
  };
  await write(ports, report, keys.exportIndex(), stringifyJson(indexPage), CONTENT_TYPES.json, CACHE_CONTROL.index);
  await write(ports, report, keys.exportSchema(), stringifyJson(exportSchema(settings.publicUrl)), CONTENT_TYPES.json, CACHE_CONTROL.article);
  await recordChanges(store, summaries);

  // Feeds of every window that changed.
  for (const window of changedWindows) {
    const scope = scopeOf(window);
    if (!scope) continue;
    const channel = buildFeedChannel(scope, window.entries, settings);
    const files: [FeedFormat, string, string][] = [
      ['rss', renderRss(channel), CONTENT_TYPES.rss],
      ['atom', renderAtom(channel), CONTENT_TYPES.atom],
      ['json', renderJsonFeed(channel), CONTENT_TYPES.jsonFeed],
    ];
    for (const [format, body, contentType] of files) {
      const key = scope.topic ? keys.topicFeed(scope.lang, scope.topic.slug, format) : keys.feed(scope.lang, format);
      await write(ports, report, key, body, contentType, CACHE_CONTROL.feed);
    }
  }

  // Notifications, then the outbox entries they came from.
  for (const item of pending.sort((a, b) => a.id.localeCompare(b.id) || a.version - b.version)) {
    const record = records.get(item.id);
    // An older version still queued behind a newer one: the newer version's message covers it.
    if (record && record.version === item.version) {
      const firstForStory = await isFirstNotification(ports, item.id);
      const message = buildNotification(record, settings.publicUrl, firstForStory ? 'article.published' : 'article.updated');
      const result = await sendOnce(store, ports.notifier, item.id, item.version, message, ports.clock.now());
      if (result === 'sent') report.notificationsSent++;
      else report.notificationsSkipped++;
    }
    await store.delete(item.key);
  }
  return report;
}

async function listPending(ports: PipelinePorts): Promise<Pending[]> {
  const pending: Pending[] = [];
  for await (const key of ports.store.list(keys.outboxPrefix())) {
    const match = /^state\/outbox\/([a-z0-9-]+)@(\d+)\.json$/.exec(key);
    if (match) pending.push({ key, id: match[1]!, version: Number(match[2]) });
    else ports.logger.warn('ignoring unexpected outbox entry', { key });
  }
  return pending;
}

/** True when a publish setting changed since the last publish: then every feed is rendered anew. */
async function recordSettings(ports: PipelinePorts, settings: PublishSettings): Promise<boolean> {
  let changed = false;
  await updateJson<PublishSettings>(ports.store, SETTINGS_KEY, (current) => {
    changed = JSON.stringify(current) !== JSON.stringify(settings);
    return changed ? settings : undefined;
  });
  return changed;
}

async function isFirstNotification(ports: PipelinePorts, id: string): Promise<boolean> {
  for await (const _ of ports.store.list(keys.notifiedPrefix(id))) return false;
  return true;
}

interface WindowScope {
  name: string;
  matches: (summary: ArticleSummary) => boolean;
}

/**
 * The windows a publish touches: everything (the export index), each language, and the topic feeds
 * of the topics the stories being published carry (`<lang>/topics/<slug>`).
 */
function windowScopes(summaries: ArticleSummary[], alsoTopics: string[] = []): WindowScope[] {
  const scopes: WindowScope[] = [
    { name: 'all', matches: () => true },
    ...LANGUAGES.map((lang) => ({ name: lang, matches: (summary: ArticleSummary) => summary.languages.includes(lang) })),
  ];
  const topics = new Set<string>(alsoTopics.filter((name) => name.includes('/topics/')));
  for (const summary of summaries) {
    for (const lang of summary.languages) for (const topic of summary.topics) topics.add(`${lang}/topics/${topic.slug}`);
  }
  for (const name of [...topics].sort()) {
    const [lang, , slug] = name.split('/') as [LanguageKey, string, string];
    scopes.push({ name, matches: (summary) => summary.languages.includes(lang) && summary.topics.some((topic) => topic.slug === slug) });
  }
  return scopes;
}

/** What feed a window is rendered as: a language feed, a topic feed, or none (the export index). */
function scopeOf(window: FeedWindow): FeedScope | undefined {
  const [lang, kind, slug] = window.name.split('/');
  if (!lang || !(LANGUAGES as readonly string[]).includes(lang)) return undefined;
  if (kind === undefined) return { lang: lang as LanguageKey };
  if (kind !== 'topics' || !slug) return undefined;
  // The topic's label in the feed's language, from any story that carries it.
  const term = window.entries.flatMap((entry) => entry.topics).find((topic) => topic.slug === slug);
  const label = term?.label[lang as LanguageKey] ?? term?.label.en ?? term?.label.zh ?? slug;
  return { lang: lang as LanguageKey, topic: { slug, label } };
}

async function existingWindowNames(ports: PipelinePorts): Promise<string[]> {
  const names: string[] = [];
  for await (const key of ports.store.list('state/windows/')) names.push(key.slice('state/windows/'.length, -'.json'.length));
  return names;
}

function windowKey(name: string): string {
  return `state/windows/${name}.json`;
}

/** A story as a window keeps it: its summary on the public URL, and its rendered body in full mode. */
function windowEntry(record: ExportedArticle, settings: PublishSettings, withBody: boolean): FeedWindowEntry {
  const summary = summarize(record, settings.publicUrl);
  return withBody && settings.contentMode === 'full' ? withContent(summary, record.markdown) : summary;
}

/**
 * After a settings change (content mode, public URL), every entry of a window is made again from its
 * exported record: links on the new public URL, bodies rendered again (or dropped in summary mode).
 * The one publish that reads every record of a window.
 */
async function rerenderWindow(ports: PipelinePorts, key: string, settings: PublishSettings, withBodies: boolean): Promise<FeedWindow | undefined> {
  const current = await readJson<FeedWindow>(ports.store, key);
  if (!current) return undefined;
  const entries = await Promise.all(
    current.value.entries.map(async (entry): Promise<FeedWindowEntry> => {
      const exported = (await readJson<ExportedArticle>(ports.store, keys.exportArticle(entry.id)))?.value;
      return exported ? windowEntry(exported, settings, withBodies) : entry;
    }),
  );
  return updateJson<FeedWindow>(ports.store, key, (window) => (window ? { ...window, entries } : undefined));
}

async function write(
  ports: PipelinePorts,
  report: PublishReport,
  key: string,
  body: string,
  contentType: string,
  cacheControl: string,
): Promise<void> {
  if (await writeIfChanged(ports.store, key, body, contentType, cacheControl)) report.filesWritten.push(key);
}
