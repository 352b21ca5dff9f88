// What a queue, function or HTTPS subscriber reads from a notification: the subscriber's side of the
// contract (README, "Notifications"), for tests that check the messages sent.
import type { MessagePerProtocol, NotificationMessage } from '#pipeline/notify/notification-message.js';
import type { NotificationEnvelope } from '#pipeline/ports.js';

/**
 * The event from an envelope as published (or as the outbox wrote it): the `default` text of a
 * MessageStructure "json" message.
 */
export function notificationEvent(
  envelope: Pick<NotificationEnvelope, 'Message' | 'MessageStructure'>,
): NotificationMessage {
  const text =
    envelope.MessageStructure === 'json'
      ? (JSON.parse(envelope.Message) as MessagePerProtocol).default
      : envelope.Message;
  return JSON.parse(text) as NotificationMessage;
}
