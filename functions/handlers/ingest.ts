// Lambda `ingest` (SQS, partial batch responses): one story per message, one after the other, with
// Powertools' batch processing, so one poison message never blocks the others (SQS retries it and
// then dead-letters it). The invocation keeps to its time: no page starts when too little is left,
// and fetches end before the timeout; unfinished messages are reported as failures and come back.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { asError } from '../pipeline/errors.js';
import { writeIngestReceipts } from '../pipeline/discover/ingest-receipts.js';
import { ingestStory } from '../pipeline/ingest/ingest-story.js';
import { markupDriftCount } from '../pipeline/ingest/extraction-warnings.js';
import { FUNCTION_TIMEOUT_SECONDS, REQUIRED_SETTINGS } from './deployment.js';
import { METRIC } from './metric-names.js';
import { parseIngestMessage } from './queue-messages.js';
import { createSqsClient, requestPublish } from './queue-sender.js';
import { createRuntime, startInvocation } from './runtime.js';
import { TimeBudget } from './time-budget.js';

const runtime = createRuntime('ingest', REQUIRED_SETTINGS.ingest);
const sqs = createSqsClient();
const processor = new BatchProcessor(EventType.SQS);

/** A message left for a later invocation because this one's time was running out. */
class NotStarted extends Error {
  constructor(left: number) {
    super(`not started: ${Math.max(0, Math.round(left / 1000))} s left in this invocation`);
    this.name = 'NotStarted';
  }
}

/** Without a Lambda context (a direct call), the function's timeout. */
const NO_CONTEXT: Pick<Context, 'getRemainingTimeInMillis'> = {
  getRemainingTimeInMillis: () => FUNCTION_TIMEOUT_SECONDS.ingest * 1000,
};

export async function handler(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  const { ports, options, config, metrics, logger, fetcher } = runtime;
  startInvocation(runtime, context);
  const budget = new TimeBudget(context ?? NO_CONTEXT);
  fetcher.setDeadline(budget.deadline);
  let versions = 0;

  const ingestRecord = async (record: SQSRecord): Promise<void> => {
    if (!budget.canStart()) {
      metrics.addMetric(METRIC.ingestDeferred, MetricUnit.Count, 1);
      throw new NotStarted(budget.left());
    }
    try {
      const candidate = parseIngestMessage(record.body);
      const outcome = await ingestStory(
        ports,
        options.mirrorOrigin ? { mirrorOrigin: options.mirrorOrigin } : {},
        candidate,
      );
      // Receipts tell the next discover run the page was settled (so it is not queued again).
      const settled =
        outcome.status === 'stored'
          ? outcome.covered.map((page) => ({
              ...page,
              outcome: page.url === candidate.url ? ('ingested' as const) : ('covered' as const),
            }))
          : [{ url: candidate.url, lang: candidate.lang, outcome: outcome.status }];
      await writeIngestReceipts(ports.store, settled, ports.clock.now());
      if (outcome.status === 'stored') {
        if (outcome.change !== 'unchanged') {
          versions++;
          metrics.addMetric(METRIC.storiesStored, MetricUnit.Count, 1);
        }
        metrics.addMetric(
          outcome.change === 'new'
            ? METRIC.storiesNew
            : outcome.change === 'updated'
              ? METRIC.storiesUpdated
              : METRIC.storiesUnchanged,
          MetricUnit.Count,
          1,
        );
        // Only what says the site's markup changed: limits and damaged state are not drift.
        const drift = markupDriftCount(outcome.warnings);
        if (drift > 0) metrics.addMetric(METRIC.markupDrift, MetricUnit.Count, drift);
      } else {
        logger.info('page not ingested', { ...outcome });
      }
    } catch (error) {
      metrics.addMetric(METRIC.ingestFailures, MetricUnit.Count, 1);
      logger.error('ingest failed', { messageId: record.messageId, error: asError(error) });
      throw error;
    }
  };

  try {
    // One page at a time (the origin's pace is per function); an all-failed batch is still a
    // partial response, not a function error: the failures are per message, and alarmed as such.
    const response = await processPartialResponse(event, ingestRecord, processor, {
      ...(context ? { context } : {}),
      processInParallel: false,
      throwOnFullBatchFailure: false,
    });
    if (versions > 0) await requestPublish(sqs, config.publishQueueUrl, 'ingest');
    return response;
  } finally {
    fetcher.setDeadline(undefined);
    metrics.publishStoredMetrics();
  }
}
