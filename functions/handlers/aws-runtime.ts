// What every Lambda shares, built once per container: configuration, the store, the notifier, the
// fetcher, logger and metrics. Handlers import what they need from here and only wire.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { SQSClient, SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { HttpFetcher } from '../adapters/http-fetcher.js';
import { powertoolsLogger } from '../adapters/powertools-logger.js';
import { S3Store, createS3Client } from '../adapters/s3-store.js';
import { SnsNotifier, createSnsClient } from '../adapters/sns-notifier.js';
import { randomTokens } from '../adapters/random-tokens.js';
import { systemClock } from '../adapters/system-clock.js';
import { DEFAULT_OPTIONS, type PipelineOptions } from '../pipeline/config.js';
import type { Notifier, PipelinePorts } from '../pipeline/ports.js';
import { randomUUID } from 'node:crypto';
import { PUBLISH_MESSAGE_GROUP, publishMessage } from './queue-messages.js';
import { METRICS_NAMESPACE } from './metric-names.js';
import { type ConfigWith, type RequiredSetting, readHandlerConfig } from './handler-config.js';


export interface Runtime<K extends RequiredSetting = never> {
  config: ConfigWith<K>;
  ports: PipelinePorts;
  options: PipelineOptions;
  logger: Logger;
  metrics: Metrics;
  sqs: SQSClient;
}

/** Builds the runtime of one function. Throws (with the variable named) when configuration is wrong. */
export function createRuntime<K extends RequiredSetting>(service: string, required: readonly K[], env = process.env): Runtime<K> {
  const config = readHandlerConfig(env, required);
  const logger = new Logger({ serviceName: service });
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: service });
  const log = powertoolsLogger(logger);
  const notifier: Notifier = config.topicArn
    ? new SnsNotifier({ topicArn: config.topicArn, client: createSnsClient(env) })
    : { publish: async () => { throw new Error('TOPIC_ARN is not set for this function'); } };
  const ports: PipelinePorts = {
    store: new S3Store({ bucket: config.bucket, prefix: config.prefix, client: createS3Client(env) }),
    notifier,
    fetcher: new HttpFetcher({
      origin: config.origin,
      ...(config.userAgent ? { userAgent: config.userAgent } : {}),
      requestsPerSecond: config.requestsPerSecond,
      logger: log,
    }),
    clock: systemClock,
    tokens: randomTokens,
    logger: log,
  };
  const options: PipelineOptions = {
    ...DEFAULT_OPTIONS,
    publicUrl: config.publicUrl ?? DEFAULT_OPTIONS.publicUrl,
    contentMode: config.contentMode,
    max: config.maxPerRun,
    concurrency: 1,
    ...(config.origin === 'https://www.ilo.org' ? {} : { mirrorOrigin: config.origin }),
  };
  return { config, ports, options, logger, metrics, sqs: createSqsClient(env) };
}

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
      new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: batch.map((body, n) => ({ Id: String(n), MessageBody: body })) }),
    );
    if (result.Failed && result.Failed.length > 0) {
      throw new Error(`queue refused ${result.Failed.length} messages: ${result.Failed.map((f) => f.Message ?? f.Code).join('; ')}`);
    }
    sent += batch.length;
  }
  return sent;
}

/** Asks publish to run: one message in the publish queue's single message group. */
export async function requestPublish(sqs: SQSClient, queueUrl: string, reason: string): Promise<void> {
  await sqs.send(
    new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: publishMessage(reason), MessageGroupId: PUBLISH_MESSAGE_GROUP, MessageDeduplicationId: `${reason}-${randomUUID()}` }),
  );
}
