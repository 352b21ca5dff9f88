// Sending to the pipeline's queues (discover and ingest do; publish does not load the SQS client).
import { randomUUID } from 'node:crypto';
import { SQSClient, SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { PUBLISH_MESSAGE_GROUP, publishMessage } from './queue-messages.js';

/**
 * An SQS client. With a custom endpoint (AWS_ENDPOINT_URL, an emulator), requests go to it, not to
 * the host inside each queue URL, which the SDK prefers by default.
 */
export function createSqsClient(env: Record<string, string | undefined> = process.env): SQSClient {
  const custom = env.AWS_ENDPOINT_URL_SQS ?? env.AWS_ENDPOINT_URL;
  return new SQSClient(custom ? { useQueueUrlAsEndpoint: false } : {});
}

/** Sends message bodies to a queue, ten per request (the SQS batch limit). Returns how many were sent. */
export async function sendToQueue(sqs: SQSClient, queueUrl: string, bodies: string[]): Promise<number> {
  let sent = 0;
  for (let i = 0; i < bodies.length; i += 10) {
    const batch = bodies.slice(i, i + 10);
    const result = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((body, n) => ({ Id: String(n), MessageBody: body })),
      }),
    );
    if (result.Failed && result.Failed.length > 0) {
      throw new Error(
        `queue refused ${result.Failed.length} messages: ${result.Failed.map((f) => f.Message ?? f.Code).join('; ')}`,
      );
    }
    sent += batch.length;
  }
  return sent;
}

/** Asks publish to run: one message in the publish queue's single message group. */
export async function requestPublish(sqs: SQSClient, queueUrl: string, reason: string): Promise<void> {
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: publishMessage(reason),
      MessageGroupId: PUBLISH_MESSAGE_GROUP,
      MessageDeduplicationId: `${reason}-${randomUUID()}`,
    }),
  );
}
