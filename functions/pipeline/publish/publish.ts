// Publish: turn the versions that ingest queued (state/outbox/) into public files and notifications.
// Every step is idempotent and the order makes a stopped run restartable (docs/ARCHITECTURE.md,
// "Publish's commit order"): each file is written before the state that says it is done, and the
// outbox entries, which are what makes the next run publish again, are removed last.
import { PUBLISH_BATCH } from '../config.js';
import type { PipelinePorts, Store } from '../ports.js';
import type { FullArticle } from '../record/full-article.js';
import { type ArticleSummary, summarize } from '../record/export-article.js';
import { stringifyJson, writeIfChanged } from '../state/json-objects.js';
import { CACHE_CONTROL, CONTENT_TYPES, keys } from '../state/store-keys.js';
import { loadFullArticle, writeArticleFiles } from './article-files.js';
import { recordChanges, relinkChanges } from './changes-list.js';
import { exportSchema } from './export-schema.js';
import { type EventType, decidedType, eventTypeOf } from '../notify/event-type.js';
import { type QueuedVersion, listQueuedVersions } from './outbox.js';
import {
  type PublishSettings,
  type PublishSettingsState,
  commitSettings,
  noteRerenderProgress,
  readPublishSettings,
  rerenderResumesAfter,
  settingsApplied,
} from './publish-settings.js';
import { publishWindows } from './publish-windows.js';
import { FEED_ITEM_MAX, feedBodyCut } from './feeds/feed-model.js';
import { rerenderArticles } from './rerender-articles.js';
import { sendNotifications } from './send-notifications.js';
import { writeLandingFiles } from './landing/landing-files.js';
import { updateFeedDirectory } from './landing/feed-directory.js';

export type { PublishSettings } from './publish-settings.js';

export interface PublishReport {
  versions: number;
  notificationsSent: number;
  notificationsSkipped: number;
  /** Versions whose claim another run holds (it may be sending them): left queued for the next publish. */
  notificationsWaiting: number;
  /** Stories whose public files were rendered again: the content mode, the public URL or the release's PUBLIC_FORMAT changed. */
  rerendered: number;
  filesWritten: string[];
  /** Limits that changed what was published (a feed item cut to FEED_ITEM_MAX). */
  warnings: string[];
}

export interface PublishOptions {
  /** Stories per batch (PUBLISH_BATCH); a test makes it small to see the batches. */
  batchSize?: number;
}

/**
 * Publishes the queue in batches of stories (a story's queued versions stay together), each a whole
 * publish of its stories in the commit order, so a batch's end is a restart point like a run's end.
 * The first batch also applies a change of settings: its re-render leaves out every queued story,
 * which its own batch writes.
 */
export async function publishPending(
  ports: PipelinePorts,
  settings: PublishSettings,
  options: PublishOptions = {},
): Promise<PublishReport> {
  const report: PublishReport = {
    versions: 0,
    notificationsSent: 0,
    notificationsSkipped: 0,
    notificationsWaiting: 0,
    rerendered: 0,
    filesWritten: [],
    warnings: [],
  };
  const queued = await listQueuedVersions(ports);
  const settingsState = await readPublishSettings(ports.store);
  const settingsChanged = !settingsApplied(settingsState, settings);
  if (queued.length === 0 && !settingsChanged) return report;
  report.versions = queued.length;
  const batches = batchesOf(queued, options.batchSize ?? PUBLISH_BATCH);
  for (const [i, batch] of batches.entries()) {
    const change =
      i === 0 && settingsChanged ? { state: settingsState, queued: new Set(queued.map((q) => q.id)) } : undefined;
    await publishBatch(ports, batch, settings, change, report);
  }
  return report;
}

/** The queue in batches of `size` stories, in id order; at least one batch (a change of settings alone). */
function batchesOf(queued: QueuedVersion[], size: number): QueuedVersion[][] {
  const byStory = new Map<string, QueuedVersion[]>();
  for (const item of [...queued].sort((a, b) => a.id.localeCompare(b.id) || a.version - b.version)) {
    byStory.set(item.id, [...(byStory.get(item.id) ?? []), item]);
  }
  const stories = [...byStory.values()];
  const batches: QueuedVersion[][] = [];
  for (let start = 0; start < stories.length; start += size) batches.push(stories.slice(start, start + size).flat());
  return batches.length > 0 ? batches : [[]];
}

interface SettingsChange {
  state: PublishSettingsState;
  /** Every story queued: each batch writes its own stories' files. */
  queued: ReadonlySet<string>;
}

/** One batch of the queue, published in the commit order; `change`: the batch that applies new settings. */
async function publishBatch(
  ports: PipelinePorts,
  queued: QueuedVersion[],
  settings: PublishSettings,
  change: SettingsChange | undefined,
  report: PublishReport,
): Promise<void> {
  const { store } = ports;
  const settingsChanged = change !== undefined;

  // 1. Each queued story's own files (Markdown, exported record), from its full copy.
  const articles = await publishQueuedArticles(store, queued, settings, report);

  // 2. After a change of content mode or public URL, every other story's files too (resumable).
  // The queued stories are left out: their batches write them in the new settings (on a first
  // publish that is every story).
  if (change) await rerenderOtherArticles(store, settings, change, report);

  // 3. The feed directory (which topic feeds exist in which language), then the windows and their
  // files: feeds, the export index and archive pages (files first, then the window).
  const summaries = [...articles.values()].map((article) => summarize(article, settings.publicUrl));
  const topicFeeds = await updateFeedDirectory(store, summaries);
  report.filesWritten.push(
    ...(await publishWindows(store, [...articles.values()], settings, settingsChanged, topicFeeds, report.warnings)),
  );

  // 4. The changes list and the schema. Each version's type ("published" or "updated") is decided
  // once, for the list and for its notification alike.
  const types = await publishChanges(store, articles, summaries, settings, settingsChanged, report);

  // 4b. The landing page and the OPML of every feed (after the windows they list).
  report.filesWritten.push(...(await writeLandingFiles(store, topicFeeds.directory, settings.publicUrl)));

  // 5. Every public file is in the new settings now (the stories still queued are written by their batches).
  if (settingsChanged) await commitSettings(store, settings);

  // 6. Notifications, then the outbox entries they came from (kept while another run holds a claim).
  const notifications = await sendNotifications(ports, queued, articles, types, settings.publicUrl);
  report.notificationsSent += notifications.sent;
  report.notificationsSkipped += notifications.skipped;
  report.notificationsWaiting += notifications.waiting;
  report.warnings.push(...notifications.warnings);
}

/** Step 1: the Markdown files and exported record of each queued story, from its full copy; returns the copies by id. */
async function publishQueuedArticles(
  store: Store,
  queued: QueuedVersion[],
  settings: PublishSettings,
  report: PublishReport,
): Promise<Map<string, FullArticle>> {
  const articles = new Map<string, FullArticle>();
  for (const { id } of queued) {
    if (articles.has(id)) continue;
    const article = await loadFullArticle(store, id);
    if (!article) continue;
    articles.set(id, article);
    report.filesWritten.push(...(await writeArticleFiles(store, article, settings)));
    if (settings.contentMode === 'full') report.warnings.push(...feedLimitWarnings(id, article));
  }
  return articles;
}

function feedLimitWarnings(id: string, article: FullArticle): string[] {
  const warnings: string[] = [];
  for (const [lang, markdown] of Object.entries(article.markdown)) {
    if (markdown && feedBodyCut(markdown))
      warnings.push(
        `feed limit: ${id} (${lang}) is longer than ${FEED_ITEM_MAX / 1024} K characters; feeds carry that much and a link to the story`,
      );
  }
  return warnings;
}

/** Step 2: after a change of settings, every story not queued, resuming where a stopped run got to. */
async function rerenderOtherArticles(
  store: Store,
  settings: PublishSettings,
  change: SettingsChange,
  report: PublishReport,
): Promise<void> {
  const rerender = await rerenderArticles(
    store,
    settings,
    rerenderResumesAfter(change.state, settings),
    change.queued,
    (after) => noteRerenderProgress(store, settings, after),
  );
  report.rerendered = rerender.stories;
  report.filesWritten.push(...rerender.written);
}

/**
 * Step 4: the changes list (relinked after a change of settings), then the export schema. Returns
 * each story's event type, which its notification carries too.
 */
async function publishChanges(
  store: Store,
  articles: ReadonlyMap<string, FullArticle>,
  summaries: ArticleSummary[],
  settings: PublishSettings,
  settingsChanged: boolean,
  report: PublishReport,
): Promise<Map<string, EventType>> {
  const types = new Map<string, EventType>();
  for (const article of articles.values()) types.set(article.id, await eventTypeOf(store, article.id, article.version));
  await recordChanges(store, summaries, (summary) => decidedType(types, summary.id));
  if (settingsChanged) await relinkChanges(store, settings.publicUrl);
  const schema = stringifyJson(exportSchema(settings.publicUrl));
  if (await writeIfChanged(store, keys.exportSchema(), schema, CONTENT_TYPES.json, CACHE_CONTROL.article)) {
    report.filesWritten.push(keys.exportSchema());
  }
  return types;
}
