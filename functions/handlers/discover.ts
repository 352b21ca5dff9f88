// Lambda `discover` (EventBridge Scheduler, asynchronous): reads the ILO sitemap, queues one ingest
// message per new or changed news page, and asks publish to run (it drains anything left pending).
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { markQueued } from '../pipeline/discover/discovery-state.js';
import { planDiscovery, saveDiscoveryState } from '../pipeline/discover/plan-discovery.js';
import { REQUIRED_SETTINGS } from './deployment.js';
import { METRIC } from './metric-names.js';
import { ingestMessage } from './queue-messages.js';
import { createSqsClient, requestPublish, sendToQueue } from './queue-sender.js';
import { createRuntime, startInvocation } from './runtime.js';

const runtime = createRuntime('discover', REQUIRED_SETTINGS.discover);
const sqs = createSqsClient();

export async function handler(
  _event?: unknown,
  context?: Context,
): Promise<{ queued: number; confirmed: number; knownPages: number }> {
  const { ports, options, config, metrics, logger, fetcher } = runtime;
  startInvocation(runtime, context);
  // Fetches end before the function's timeout, so a hanging origin fails the run with a reason.
  fetcher.setDeadline(context ? Date.now() + context.getRemainingTimeInMillis() - 5_000 : undefined);
  try {
    const plan = await planDiscovery(ports, options);
    const queued = await sendToQueue(sqs, config.ingestQueueUrl, plan.candidates.map(ingestMessage));
    // Queued pages stay pending until ingest's receipts confirm them (a later run reads those): SQS
    // retries them meanwhile, and a page never confirmed is queued again once its wait is over.
    const now = ports.clock.now();
    for (const candidate of plan.candidates) markQueued(plan.state, candidate.url, candidate.lang, now);
    await saveDiscoveryState(plan);
    await requestPublish(sqs, config.publishQueueUrl, 'discover');
    metrics.addMetric(METRIC.pagesQueued, MetricUnit.Count, queued);
    metrics.addMetric(METRIC.sitemapPagesRead, MetricUnit.Count, plan.discovery.sitemapPagesFetched);
    // The heartbeat: emitted only by a run that got this far.
    metrics.addMetric(METRIC.discoverRuns, MetricUnit.Count, 1);
    logger.info('discovery done', {
      queued,
      confirmed: plan.confirmedQueued,
      knownPages: plan.knownPages,
      source: plan.discovery.source,
    });
    return { queued, confirmed: plan.confirmedQueued, knownPages: plan.knownPages };
  } finally {
    metrics.publishStoredMetrics();
  }
}
