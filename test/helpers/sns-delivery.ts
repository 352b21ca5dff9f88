// What an SQS subscriber of the topic reads, from a message fauxqs delivered. Real SNS delivers the
// `sqs` text of a MessageStructure "json" message; fauxqs 1.9.2 ignores MessageStructure and
// delivers the whole per-protocol object (docs/NOTES.md), so the `sqs` text is picked out here.
import type { MessagePerProtocol, NotificationMessage } from '#pipeline/notify/notification-message.js';

/** The text SNS gives the `sqs` protocol, from a body (raw delivery) or an envelope's Message. */
export function sqsText(delivered: string): string {
  const parsed = JSON.parse(delivered) as Partial<MessagePerProtocol> & Record<string, unknown>;
  if (typeof parsed.default !== 'string')
    throw new Error(`not a MessageStructure "json" message: ${delivered.slice(0, 80)}`);
  return parsed.sqs ?? parsed.default;
}

/** The event in a raw SQS delivery. */
export function deliveredEvent(body: string): NotificationMessage {
  return JSON.parse(sqsText(body)) as NotificationMessage;
}
