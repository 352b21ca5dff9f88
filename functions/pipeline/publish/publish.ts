// Publish: turn the versions that ingest queued (state/outbox/) into public files and notifications.
// Every step is idempotent and the order makes a stopped run restartable (docs/ARCHITECTURE.md,
// "Publish's commit order"): each file is written before the state that says it is done, and the
// outbox entries, which are what makes the next run publish again, are removed last.
import type { PipelinePorts, Store } from '../ports.js';
import type { FullArticle } from '../record/full-article.js';
import { type ArticleSummary, summarize } from '../record/export-article.js';
import { stringifyJson, writeIfChanged } from '../state/json-objects.js';
import { CACHE_CONTROL, CONTENT_TYPES, keys } from '../state/store-keys.js';
import { loadFullArticle, writeArticleFiles } from './article-files.js';
import { recordChanges, relinkChanges } from './changes-list.js';
import { exportSchema } from './export-schema.js';
import { type EventType, eventTypeOf } from '../notify/event-type.js';
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

export async function publishPending(ports: PipelinePorts, settings: PublishSettings): Promise<PublishReport> {
  const { store } = ports;
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
  const settingsState = await readPublishSettings(store);
  const settingsChanged = !settingsApplied(settingsState, settings);
  if (queued.length === 0 && !settingsChanged) return report;
  report.versions = queued.length;

  // 1. Each queued story's own files (Markdown, exported record), from its full copy.
  const articles = await publishQueuedArticles(store, queued, settings, report);

  // 2. After a change of content mode or public URL, every other story's files too (resumable).
  // The stories of step 1 are already in the new settings: on a first publish that is all of them.
  if (settingsChanged) await rerenderOtherArticles(store, settings, settingsState, articles, report);

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

  // 5. Every public file is in the new settings now.
  if (settingsChanged) await commitSettings(store, settings);

  // 6. Notifications, then the outbox entries they came from (kept while another run holds a claim).
  const notifications = await sendNotifications(ports, queued, articles, types, settings.publicUrl);
  report.notificationsSent = notifications.sent;
  report.notificationsSkipped = notifications.skipped;
  report.notificationsWaiting = notifications.waiting;
  report.warnings.push(...notifications.warnings);
  return report;
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

/** Step 2: after a change of settings, every story not published in step 1, resuming where a stopped run got to. */
async function rerenderOtherArticles(
  store: Store,
  settings: PublishSettings,
  settingsState: PublishSettingsState,
  articles: ReadonlyMap<string, FullArticle>,
  report: PublishReport,
): Promise<void> {
  const rerender = await rerenderArticles(
    store,
    settings,
    rerenderResumesAfter(settingsState, settings),
    new Set(articles.keys()),
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
  await recordChanges(store, summaries, (summary) => types.get(summary.id)!);
  if (settingsChanged) await relinkChanges(store, settings.publicUrl);
  const schema = stringifyJson(exportSchema(settings.publicUrl));
  if (await writeIfChanged(store, keys.exportSchema(), schema, CONTENT_TYPES.json, CACHE_CONTROL.article)) {
    report.filesWritten.push(keys.exportSchema());
  }
  return types;
}
