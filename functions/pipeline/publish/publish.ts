// Publish: turn the versions that ingest queued (state/outbox/) into public files and notifications.
// Every step is idempotent and the order makes a stopped run restartable (docs/ARCHITECTURE.md,
// "Publish's commit order"): each file is written before the state that says it is done, and the
// outbox entries, which are what makes the next run publish again, are removed last.
import type { PipelinePorts } from '../ports.js';
import type { FullArticle } from '../record/full-article.js';
import { summarize } from '../record/export-article.js';
import { stringifyJson, writeIfChanged } from '../state/json-objects.js';
import { CACHE_CONTROL, CONTENT_TYPES, keys } from '../state/store-keys.js';
import { sendOnce } from '../notify/claim-notification.js';
import { buildNotification } from '../notify/notification-message.js';
import { type EventType, eventTypeOf } from '../notify/event-type.js';
import { loadFullArticle, writeArticleFiles } from './article-files.js';
import { recordChanges, relinkChanges } from './changes-list.js';
import { exportSchema } from './export-schema.js';
import {
  type PublishSettings,
  commitSettings,
  noteRerenderProgress,
  readPublishSettings,
  rerenderResumesAfter,
  settingsApplied,
} from './publish-settings.js';
import { publishWindows } from './publish-windows.js';
import { FEED_ITEM_MAX, feedBodyCut } from './feeds/feed-model.js';
import { rerenderArticles } from './rerender-articles.js';
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

interface Pending {
  key: string;
  id: string;
  version: number;
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
  const pending = await listPending(ports);
  const settingsState = await readPublishSettings(store);
  const settingsChanged = !settingsApplied(settingsState, settings);
  if (pending.length === 0 && !settingsChanged) return report;
  report.versions = pending.length;

  // 1. Each queued story's own files (Markdown, exported record), from its full copy.
  const articles = new Map<string, FullArticle>();
  for (const { id } of pending) {
    if (articles.has(id)) continue;
    const article = await loadFullArticle(store, id);
    if (!article) continue;
    articles.set(id, article);
    report.filesWritten.push(...(await writeArticleFiles(store, article, settings)));
    if (settings.contentMode === 'full') {
      for (const [lang, markdown] of Object.entries(article.markdown)) {
        if (markdown && feedBodyCut(markdown))
          report.warnings.push(
            `feed limit: ${id} (${lang}) is longer than ${FEED_ITEM_MAX / 1024} K characters; feeds carry that much and a link to the story`,
          );
      }
    }
  }

  // 2. After a change of content mode or public URL, every other story's files too (resumable).
  // The stories of step 1 are already in the new settings: on a first publish that is all of them.
  if (settingsChanged) {
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

  // 3. The feed directory (which topic feeds exist in which language), then the windows and their
  // files: feeds, the export index and archive pages (files first, then the window).
  const summaries = [...articles.values()].map((article) => summarize(article, settings.publicUrl));
  const topicFeeds = await updateFeedDirectory(store, summaries);
  report.filesWritten.push(
    ...(await publishWindows(store, [...articles.values()], settings, settingsChanged, topicFeeds, report.warnings)),
  );

  // 4. The changes list and the schema. Each version's type ("published" or "updated") is decided
  // once, for the list and for its notification alike.
  const types = new Map<string, EventType>();
  for (const article of articles.values()) types.set(article.id, await eventTypeOf(store, article.id, article.version));
  await recordChanges(store, summaries, (summary) => types.get(summary.id)!);
  if (settingsChanged) await relinkChanges(store, settings.publicUrl);
  if (
    await writeIfChanged(
      store,
      keys.exportSchema(),
      stringifyJson(exportSchema(settings.publicUrl)),
      CONTENT_TYPES.json,
      CACHE_CONTROL.article,
    )
  ) {
    report.filesWritten.push(keys.exportSchema());
  }

  // 4b. The landing page and the OPML of every feed (after the windows they list).
  report.filesWritten.push(...(await writeLandingFiles(store, topicFeeds.directory, settings.publicUrl)));

  // 5. Every public file is in the new settings now.
  if (settingsChanged) await commitSettings(store, settings);

  // 6. Notifications, then the outbox entries they came from (kept while another run holds a claim).
  const run = { token: ports.tokens.newToken(), now: ports.clock.now() };
  for (const item of pending.sort((a, b) => a.id.localeCompare(b.id) || a.version - b.version)) {
    const article = articles.get(item.id);
    // An older version still queued behind a newer one: the newer version's message covers it.
    if (article && article.version === item.version) {
      const message = buildNotification(article, settings.publicUrl, types.get(item.id)!);
      const { result, unrecorded } = await sendOnce(store, ports.notifier, item.id, item.version, message, run);
      if (result === 'waiting') {
        report.notificationsWaiting++;
        continue;
      }
      if (result === 'sent') report.notificationsSent++;
      else report.notificationsSkipped++;
      if (unrecorded) {
        // A notifier that can tell what it sent lets the next run record it; with one that cannot
        // (SNS), a version left queued would be sent again once the claim's lease ran out.
        const retried = ports.notifier.findSent !== undefined;
        const warning = `notification record: ${item.id}@${item.version} was sent as MessageId ${unrecorded.messageId}, but ${unrecorded.key} could not record it (${unrecorded.reason}); ${retried ? 'the next run records it' : 'it is not sent again'}`;
        report.warnings.push(warning);
        ports.logger.warn(warning, { key: unrecorded.key, messageId: unrecorded.messageId });
        if (retried) continue;
      }
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
