// What the stack (lib/) and the Lambdas agree on, defined once: the functions, their timeouts, and
// the environment variables the stack sets and the handlers read. Pure (no SDK): lib/ imports it,
// and so do the infra tests, which check the template against it.
import type { HandlerConfig } from './handler-config.js';

/** Each function's timeout: the queues' visibility timeouts follow it, and ingest's time budget. */
export const FUNCTION_TIMEOUT_SECONDS = { discover: 300, ingest: 120, publish: 300 } as const;

/** The functions; each is `functions/handlers/<name>.ts` and its metrics' `service` dimension. */
export type FunctionName = keyof typeof FUNCTION_TIMEOUT_SECONDS;

/** The environment variable of each setting: the names the stack sets and handler-config.ts reads. */
export const VARIABLES = {
  bucket: 'STORE_BUCKET',
  prefix: 'STORE_PREFIX',
  topicArn: 'TOPIC_ARN',
  ingestQueueUrl: 'INGEST_QUEUE_URL',
  publishQueueUrl: 'PUBLISH_QUEUE_URL',
  distributionId: 'DISTRIBUTION_ID',
  origin: 'ORIGIN',
  publicUrl: 'PUBLIC_URL',
  contentMode: 'CONTENT_MODE',
  userAgent: 'USER_AGENT',
  maxPerRun: 'MAX_PER_RUN',
  requestsPerSecond: 'REQUESTS_PER_SECOND',
} as const satisfies Record<keyof HandlerConfig, string>;

/** Variables Powertools reads itself: the function's name (the metrics' `service`) and the metrics' namespace. */
export const POWERTOOLS_VARIABLES = {
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
} as const;

/** The settings a handler cannot run without (the bucket is needed by all of them). */
export type RequiredSetting = 'topicArn' | 'ingestQueueUrl' | 'publishQueueUrl' | 'publicUrl' | 'distributionId';

/** What each function needs besides the bucket: a template that leaves one out fails its tests. */
export const REQUIRED_SETTINGS = {
  discover: ['ingestQueueUrl', 'publishQueueUrl'],
  ingest: ['publishQueueUrl', 'publicUrl'],
  publish: ['topicArn', 'publicUrl', 'distributionId'],
} as const satisfies Record<FunctionName, readonly RequiredSetting[]>;
