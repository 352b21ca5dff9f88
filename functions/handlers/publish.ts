// Lambda `publish` (SQS FIFO, one message group: one run at a time): renders feeds and exports from
// the versions ingest queued, sends their notifications exactly once, and invalidates the CloudFront
// paths whose cached copies would outlive the feed lifetime. Requests waiting together coalesce into
// one run; a failure fails the batch, which SQS retries (the group waits meanwhile).
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSEvent } from 'aws-lambda';
import { CloudFrontInvalidator } from '../adapters/cloudfront-invalidator.js';
import { SnsNotifier, createSnsClient } from '../adapters/sns-notifier.js';
import { publishPending } from '../pipeline/publish/publish.js';
import { GENERATOR } from '../pipeline/config.js';
import { invalidateChangedPaths } from './cdn-invalidation.js';
import { REQUIRED_SETTINGS } from './deployment.js';
import { METRIC } from './metric-names.js';
import { createRuntime, startInvocation } from './runtime.js';

const runtime = createRuntime('publish', REQUIRED_SETTINGS.publish);
const ports = {
  ...runtime.ports,
  notifier: new SnsNotifier({ topicArn: runtime.config.topicArn, client: createSnsClient() }),
};
const cdn = new CloudFrontInvalidator(runtime.config.distributionId);

export interface PublishResult {
  versions: number;
  notificationsSent: number;
  filesWritten: number;
  invalidated: string[];
}

export async function handler(_event?: SQSEvent, context?: Context): Promise<PublishResult> {
  const { options, metrics, logger } = runtime;
  startInvocation(runtime, context);
  try {
    const report = await publishPending(ports, {
      publicUrl: options.publicUrl,
      contentMode: options.contentMode,
      generator: GENERATOR,
    });
    const invalidated = await invalidateChangedPaths(ports.store, cdn);
    metrics.addMetric(METRIC.notificationsSent, MetricUnit.Count, report.notificationsSent);
    metrics.addMetric(METRIC.filesWritten, MetricUnit.Count, report.filesWritten.length);
    metrics.addMetric(METRIC.pathsInvalidated, MetricUnit.Count, invalidated.length);
    logger.info('publish done', { ...report, filesWritten: report.filesWritten.length, invalidated });
    return {
      versions: report.versions,
      notificationsSent: report.notificationsSent,
      filesWritten: report.filesWritten.length,
      invalidated,
    };
  } finally {
    metrics.publishStoredMetrics();
  }
}
