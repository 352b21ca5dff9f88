// The Notifier port on an SNS topic: the envelope the core builds is already SNS-shaped (Subject,
// Message, MessageStructure, MessageAttributes), so it is published as is; subscribers filter on
// those attributes, and SNS gives each protocol its own text of the message.
import { PublishCommand, SNSClient, type SNSClientConfig } from '@aws-sdk/client-sns';
import type { NotificationEnvelope, Notifier } from '../pipeline/ports.js';
import { errorMessage, isError } from '../pipeline/errors.js';

export interface SnsNotifierOptions {
  topicArn: string;
  client: SNSClient;
  /** Waits between attempts (tests pass one that does not wait). */
  sleep?: (ms: number) => Promise<void>;
}

const ATTEMPTS = 3;

/** SNS did not take a message: one line naming the topic and why (the SDK's error is the cause). */
export class NotificationFailed extends Error {
  constructor(topicArn: string, cause: unknown) {
    super(`could not publish to SNS topic ${topicArn}: ${describeSnsError(cause)}`, { cause });
    this.name = 'NotificationFailed';
  }
}

function describeSnsError(error: unknown): string {
  if (!isError(error)) return errorMessage(error);
  const code = (error as { code?: string }).code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ETIMEDOUT')
    return `endpoint not reachable (${error.message})`;
  // AWS errors carry their code as the name (AuthorizationError, NotFoundException...).
  return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
}

export class SnsNotifier implements Notifier {
  readonly topicArn: string;
  private readonly client: SNSClient;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: SnsNotifierOptions) {
    this.topicArn = options.topicArn;
    this.client = options.client;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * Publishes once. A retry could deliver the message twice when SNS accepted it but its answer was
   * lost, so it is retried only after errors that prove SNS did not take it: throttling, and a
   * connection that was never made. (The client itself must not retry: createSnsClient.)
   */
  async publish(message: NotificationEnvelope): Promise<{ messageId: string }> {
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await this.client.send(
          new PublishCommand({
            TopicArn: this.topicArn,
            Subject: message.Subject,
            Message: message.Message,
            ...(message.MessageStructure ? { MessageStructure: message.MessageStructure } : {}),
            MessageAttributes: message.MessageAttributes,
          }),
        );
        if (!response.MessageId) throw new Error(`SNS accepted a message for ${this.topicArn} without a MessageId`);
        return { messageId: response.MessageId };
      } catch (error) {
        if (attempt >= ATTEMPTS || !provenNotAccepted(error)) throw new NotificationFailed(this.topicArn, error);
        await this.sleep(200 * 2 ** attempt * (0.5 + Math.random()));
      }
    }
  }
}

/** SNS answered that it throttled the request, or the request never reached it. */
function provenNotAccepted(error: unknown): boolean {
  const name = error instanceof Error ? error.name : '';
  if (/^Throttl/.test(name)) return true;
  const code =
    (error as { code?: string; cause?: { code?: string } } | undefined)?.code ??
    (error as { cause?: { code?: string } } | undefined)?.cause?.code;
  return code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
}

/**
 * The SNS client for the CLI and the Lambdas. The SDK reads region, credentials and a custom
 * endpoint (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_SNS) itself and SNS needs no path-style switch. It
 * makes one attempt per call: its own retries would send a message again after a lost answer, so
 * SnsNotifier retries only what it knows was not accepted. `env` keeps the call shape of createS3Client.
 */
export function createSnsClient(_env: NodeJS.ProcessEnv = process.env, config: SNSClientConfig = {}): SNSClient {
  return new SNSClient({ ...config, maxAttempts: 1 });
}
