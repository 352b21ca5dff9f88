// Lambda `ingest` (SQS): one story per message. Reports partial batch failures, so one poison
// message never blocks the others; SQS retries it and then moves it to the dead-letter queue.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { writeIngestReceipts } from '../pipeline/discover/ingest-receipts.js';
import { ingestStory } from '../pipeline/ingest/ingest-story.js';
import { REQUIRED_SETTINGS } from './handler-config.js';
import { METRIC } from './metric-names.js';
import { createRuntime, requestPublish } from './aws-runtime.js';
import { parseIngestMessage } from './queue-messages.js';

const runtime = createRuntime('ingest', REQUIRED_SETTINGS.ingest);

export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const { ports, options, config, metrics, sqs, logger } = runtime;
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  let versions = 0;
  try {
    for (const record of event.Records) {
      try {
        const candidate = parseIngestMessage(record.body);
        const outcome = await ingestStory(ports, options.mirrorOrigin ? { mirrorOrigin: options.mirrorOrigin } : {}, candidate);
        // Receipts tell the next discover run the page was settled (so it is not queued again).
        const settled =
          outcome.status === 'stored'
            ? outcome.covered.map((page) => ({ ...page, outcome: page.url === candidate.url ? ('ingested' as const) : ('covered' as const) }))
            : [{ url: candidate.url, lang: candidate.lang, outcome: outcome.status }];
        await writeIngestReceipts(ports.store, settled, ports.clock.now());
        if (outcome.status === 'stored') {
          if (outcome.change !== 'unchanged') {
            versions++;
            metrics.addMetric(METRIC.storiesStored, MetricUnit.Count, 1);
          }
          metrics.addMetric(outcome.change === 'new' ? METRIC.storiesNew : outcome.change === 'updated' ? METRIC.storiesUpdated : METRIC.storiesUnchanged, MetricUnit.Count, 1);
          if (outcome.warnings.length > 0) metrics.addMetric(METRIC.markupDrift, MetricUnit.Count, outcome.warnings.length);
        } else {
          logger.info('page not ingested', { ...outcome });
        }
      } catch (error) {
        metrics.addMetric(METRIC.ingestFailures, MetricUnit.Count, 1);
        logger.error('ingest failed', { messageId: record.messageId, error: error as Error });
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    if (versions > 0) await requestPublish(sqs, config.publishQueueUrl, 'ingest');
  } finally {
    metrics.publishStoredMetrics();
  }
  return { batchItemFailures: failures };
}
