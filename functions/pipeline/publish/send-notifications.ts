// Publish's last steps: each queued version's notification, claimed first so it is sent once
// (notify/claim-notification.ts), then the outbox entry it came from (docs/ARCHITECTURE.md,
// "Publish's commit order" and "Notifications: what exactly once means").
import type { PipelinePorts } from '../ports.js';
import type { FullArticle } from '../record/full-article.js';
import { sendOnce } from '../notify/claim-notification.js';
import { buildNotification } from '../notify/notification-message.js';
import { type EventType, decidedType } from '../notify/event-type.js';
import type { QueuedVersion } from './outbox.js';

export interface NotificationCounts {
  sent: number;
  skipped: number;
  /** Versions whose claim another run holds (it may be sending them): left queued for the next publish. */
  waiting: number;
  warnings: string[];
}

/**
 * Sends the notification of each queued version that is its story's current one, then removes its
 * outbox entry; an entry stays while another run holds its claim, or while a sent message could not
 * be recorded and the notifier can tell the next run it was sent.
 */
export async function sendNotifications(
  ports: PipelinePorts,
  queued: QueuedVersion[],
  articles: ReadonlyMap<string, FullArticle>,
  /** Each story's event type, as the changes list has it. */
  types: ReadonlyMap<string, EventType>,
  publicUrl: string,
): Promise<NotificationCounts> {
  const counts: NotificationCounts = { sent: 0, skipped: 0, waiting: 0, warnings: [] };
  const run = { token: ports.tokens.newToken(), now: ports.clock.now() };
  for (const item of queued.sort((a, b) => a.id.localeCompare(b.id) || a.version - b.version)) {
    const article = articles.get(item.id);
    // An older version still queued behind a newer one: the newer version's message covers it.
    if (article && article.version === item.version) {
      const message = buildNotification(article, publicUrl, decidedType(types, item.id));
      const { result, unrecorded } = await sendOnce(ports.store, ports.notifier, item.id, item.version, message, run);
      if (result === 'waiting') {
        counts.waiting++;
        continue;
      }
      if (result === 'sent') counts.sent++;
      else counts.skipped++;
      if (unrecorded && !dequeueUnrecorded(ports, item, unrecorded, counts.warnings)) continue;
    }
    await ports.store.delete(item.key);
  }
  return counts;
}

/**
 * A message sent but not recorded in its claim: warns, and tells whether its outbox entry may go. A
 * notifier that can tell what it sent lets the next run record it (the entry stays); with one that
 * cannot (SNS), a version left queued would be sent again once the claim's lease ran out.
 */
function dequeueUnrecorded(
  ports: PipelinePorts,
  item: QueuedVersion,
  unrecorded: { key: string; messageId: string; reason: string },
  warnings: string[],
): boolean {
  const retried = ports.notifier.findSent !== undefined;
  const warning = `notification record: ${item.id}@${item.version} was sent as MessageId ${unrecorded.messageId}, but ${unrecorded.key} could not record it (${unrecorded.reason}); ${retried ? 'the next run records it' : 'it is not sent again'}`;
  warnings.push(warning);
  ports.logger.warn(warning, { key: unrecorded.key, messageId: unrecorded.messageId });
  return !retried;
}
