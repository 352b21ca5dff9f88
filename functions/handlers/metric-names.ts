// The custom metrics the Lambdas emit (CloudWatch embedded metric format, dimension `service`) and
// the alarms in lib/ watch: one list, so a renamed metric cannot leave an alarm watching nothing.
export const METRICS_NAMESPACE = 'IloSyndication';

export const METRIC = {
  /** discover: one per successful run (the heartbeat). */
  discoverRuns: 'DiscoverRuns',
  pagesQueued: 'PagesQueued',
  sitemapPagesRead: 'SitemapPagesRead',
  /** ingest: new or updated story versions stored (the story heartbeat). */
  storiesStored: 'StoriesStored',
  storiesNew: 'StoriesNew',
  storiesUpdated: 'StoriesUpdated',
  storiesUnchanged: 'StoriesUnchanged',
  /** ingest: messages that failed (retried by SQS, then dead-lettered). */
  ingestFailures: 'IngestFailures',
  /** ingest: messages left unstarted because the invocation's time was running out. */
  ingestDeferred: 'IngestDeferred',
  markupDrift: 'MarkupDrift',
  notificationsSent: 'NotificationsSent',
  filesWritten: 'FilesWritten',
  pathsInvalidated: 'PathsInvalidated',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];
