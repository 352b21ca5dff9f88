// What every Lambda shares, built once per container: configuration, the S3 store, the fetcher,
// logger and metrics. Each handler adds the AWS clients only it uses (SQS, SNS, CloudFront), so a
// function loads no SDK client it does not need.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { HttpFetcher } from '../adapters/http-fetcher.js';
import { powertoolsLogger } from '../adapters/powertools-logger.js';
import { S3Store, createS3Client } from '../adapters/s3-store.js';
import { randomTokens } from '../adapters/random-tokens.js';
import { systemClock } from '../adapters/system-clock.js';
import { DEFAULT_OPTIONS, type PipelineOptions } from '../pipeline/config.js';
import { ILO_ORIGIN } from '../pipeline/site/ilo-urls.js';
import type { Notifier, PipelinePorts } from '../pipeline/ports.js';
import type { FunctionName, RequiredSetting } from './deployment.js';
import { type ConfigWith, readHandlerConfig } from './handler-config.js';
import { METRICS_NAMESPACE } from './metric-names.js';

export interface Runtime<K extends RequiredSetting = never> {
  config: ConfigWith<K>;
  /** The ports, with a notifier that refuses: only publish sends notifications (it sets its own). */
  ports: PipelinePorts;
  fetcher: HttpFetcher;
  store: S3Store;
  options: PipelineOptions;
  logger: Logger;
  metrics: Metrics;
}

const noNotifier: Notifier = {
  publish: async () => {
    throw new Error('this function sends no notifications');
  },
};

/** Builds the runtime of one function. Throws (with the variable named) when configuration is wrong. */
export function createRuntime<K extends RequiredSetting>(
  service: FunctionName,
  required: readonly K[],
  env = process.env,
): Runtime<K> {
  const config = readHandlerConfig(env, required);
  const logger = new Logger({ serviceName: service });
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: service });
  const log = powertoolsLogger(logger);
  const store = new S3Store({ bucket: config.bucket, prefix: config.prefix, client: createS3Client(env) });
  const fetcher = new HttpFetcher({
    origin: config.origin,
    ...(config.userAgent ? { userAgent: config.userAgent } : {}),
    requestsPerSecond: config.requestsPerSecond,
    logger: log,
  });
  const options: PipelineOptions = {
    ...DEFAULT_OPTIONS,
    publicUrl: config.publicUrl ?? DEFAULT_OPTIONS.publicUrl,
    contentMode: config.contentMode,
    max: config.maxPerRun,
    concurrency: 1,
    ...(config.origin === ILO_ORIGIN ? {} : { mirrorOrigin: config.origin }),
  };
  const ports: PipelinePorts = {
    store,
    notifier: noNotifier,
    fetcher,
    clock: systemClock,
    tokens: randomTokens,
    logger: log,
  };
  return { config, ports, fetcher, store, options, logger, metrics };
}

/**
 * The start of an invocation: every log line from here on carries the request id and the cold-start
 * flag (Powertools' addContext, what its injectLambdaContext middleware does).
 */
export function startInvocation(runtime: Pick<Runtime, 'logger'>, context: Context | undefined): void {
  if (context) runtime.logger.addContext(context);
}
