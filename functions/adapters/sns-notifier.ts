// The Notifier port on an SNS topic: the envelope the core builds is already SNS-shaped (Subject,
// Message, MessageStructure, MessageAttributes), so it is published as is; subscribers filter on
// those attributes, and SNS gives each protocol its own text of the message.
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { NotificationEnvelope, Notifier } from '../pipeline/ports.js';

export interface SnsNotifierOptions {
  topicArn: string;
  client: SNSClient;
}

export class SnsNotifier implements Notifier {
  readonly topicArn: string;
  private readonly client: SNSClient;

  constructor(options: SnsNotifierOptions) {
    this.topicArn = options.topicArn;
    this.client = options.client;
  }

  async publish(message: NotificationEnvelope): Promise<void> {
    await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: message.Subject,
        Message: message.Message,
        ...(message.MessageStructure ? { MessageStructure: message.MessageStructure } : {}),
        MessageAttributes: message.MessageAttributes,
      }),
    );
  }
}

/**
 * The SNS client for the CLI and the Lambdas. The SDK reads region, credentials and a custom
 * endpoint (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_SNS) itself and SNS needs no path-style switch, so
 * there is nothing to adjust; `env` keeps the call shape of createS3Client.
 */
export function createSnsClient(_env: NodeJS.ProcessEnv = process.env): SNSClient {
  return new SNSClient({});
}
