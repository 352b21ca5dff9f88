// Lambda `publish` (SQS FIFO, one message group: one run at a time): renders feeds and exports from the versions ingest
// queued, and sends their notifications exactly once. Requests arriving together coalesce into one
// run; a failure fails the batch, which SQS retries.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSEvent } from 'aws-lambda';
import { publishPending } from '../pipeline/publish/publish.js';
import { GENERATOR } from '../pipeline/run-pipeline.js';
import { REQUIRED_SETTINGS } from './handler-config.js';
import { METRIC } from './metric-names.js';
import { createRuntime } from './aws-runtime.js';

const runtime = createRuntime('publish', REQUIRED_SETTINGS.publish);

export async function handler(_event: SQSEvent): Promise<{ versions: number; notificationsSent: number; filesWritten: number }> {
  const { ports, options, metrics, logger } = runtime;
  try {
    const report = await publishPending(ports, { publicUrl: options.publicUrl, contentMode: options.contentMode, generator: GENERATOR });
    metrics.addMetric(METRIC.notificationsSent, MetricUnit.Count, report.notificationsSent);
    metrics.addMetric(METRIC.filesWritten, MetricUnit.Count, report.filesWritten.length);
    logger.info('publish done', { ...report, filesWritten: report.filesWritten.length });
    return { versions: report.versions, notificationsSent: report.notificationsSent, filesWritten: report.filesWritten.length };
  } finally {
    metrics.publishStoredMetrics();
  }
}
