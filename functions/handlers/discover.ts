// Lambda `discover` (EventBridge Scheduler): reads the ILO sitemap, queues one ingest message per
// new or changed news page, and asks publish to run (it drains anything left pending).
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { markHandled } from '../pipeline/discover/discovery-state.js';
import { planDiscovery, saveDiscoveryState } from '../pipeline/discover/plan-discovery.js';
import { REQUIRED_SETTINGS } from './handler-config.js';
import { createRuntime, sendOne, sendToQueue } from './aws-runtime.js';
import { ingestMessage, publishMessage } from './queue-messages.js';

const runtime = createRuntime('discover', REQUIRED_SETTINGS.discover);

export async function handler(): Promise<{ queued: number; knownPages: number }> {
  const { ports, options, config, metrics, sqs, logger } = runtime;
  try {
    const plan = await planDiscovery(ports, options);
    const queued = await sendToQueue(sqs, config.ingestQueueUrl, plan.candidates.map(ingestMessage));
    // Queued pages are handed over: SQS retries them, and its dead-letter queue keeps what keeps failing.
    for (const candidate of plan.candidates) markHandled(plan.state, candidate.url, candidate.lang, 'queued');
    await saveDiscoveryState(ports.store, plan.state);
    await sendOne(sqs, config.publishQueueUrl, publishMessage('discover'));
    metrics.addMetric('PagesQueued', MetricUnit.Count, queued);
    metrics.addMetric('SitemapPagesRead', MetricUnit.Count, plan.discovery.sitemapPagesFetched);
    logger.info('discovery done', { queued, knownPages: plan.knownPages, source: plan.discovery.source });
    return { queued, knownPages: plan.knownPages };
  } finally {
    metrics.publishStoredMetrics();
  }
}
