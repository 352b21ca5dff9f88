// The ILO syndication stack: a list of intentions. Each construct brings its secure defaults.
import { Annotations, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { keys } from '../functions/pipeline/state/store-keys.js';
import type { SyndicationConfig } from './config.js';
import { ContentStore } from './constructs/content-store.js';
import { OperationalAlarms } from './constructs/operational-alarms.js';
import { PipelineFunctions } from './constructs/pipeline-functions.js';
import { PublicDistribution } from './constructs/public-distribution.js';
import { SubscriberTopics } from './constructs/subscriber-topics.js';

export interface SyndicationStackProps extends StackProps {
  config: SyndicationConfig;
}

export class SyndicationStack extends Stack {
  readonly content: ContentStore;
  readonly topics: SubscriberTopics;
  readonly site: PublicDistribution;
  readonly pipeline: PipelineFunctions;
  readonly alarms: OperationalAlarms;

  constructor(scope: Construct, id: string, props: SyndicationStackProps) {
    super(scope, id, props);
    const { config } = props;
    // Context given with -c lasts one deploy: a later deploy without it drops the alarm subscription.
    if (!config.alarmEmail) {
      Annotations.of(this).addWarningV2(
        'ilo-syndication:noAlarmEmail',
        "no context 'alarmEmail': the alarms notify no one (they show in the CloudWatch console only). Keep a deployment's context values in cdk.json: -c values last one deploy.",
      );
    }
    this.content = new ContentStore(this, 'Content', { removalPolicy: config.removalPolicy });
    this.topics = new SubscriberTopics(this, 'Topics', {
      subscriberEmails: config.subscriberEmails,
      removalPolicy: config.removalPolicy,
      ...(config.alarmEmail ? { alarmEmail: config.alarmEmail } : {}),
    });
    this.site = new PublicDistribution(this, 'Public', {
      bucket: this.content.bucket,
      logBucket: this.content.logBucket,
    });
    const publicUrl = `https://${this.site.distribution.distributionDomainName}`;
    const { distribution } = this.site;
    this.pipeline = new PipelineFunctions(this, 'Pipeline', {
      bucket: this.content.bucket,
      topic: this.topics.notifications,
      publicUrl,
      distribution: {
        distributionId: distribution.distributionId,
        distributionArn: this.formatArn({
          service: 'cloudfront',
          region: '',
          resource: 'distribution',
          resourceName: distribution.distributionId,
        }),
      },
      config,
    });
    const { pipeline } = this;
    this.alarms = new OperationalAlarms(this, 'Alarms', {
      functions: { discover: pipeline.discover, ingest: pipeline.ingest, publish: pipeline.publish },
      workQueues: { ingest: pipeline.ingestQueue, publish: pipeline.publishQueue },
      deadLetterQueues: pipeline.deadLetterQueues,
      discoverFailures: pipeline.discoverFailures,
      heartbeatHours: config.heartbeatHours,
      storyHeartbeatDays: config.storyHeartbeatDays,
      ...(this.topics.alarms ? { alarmTopic: this.topics.alarms } : {}),
    });

    new CfnOutput(this, 'FeedUrlEnglish', {
      description: 'English RSS feed (atom.xml and feed.json beside it)',
      value: `${publicUrl}/${keys.feed('en', 'rss')}`,
    });
    new CfnOutput(this, 'FeedUrlChinese', {
      description: 'Chinese RSS feed (atom.xml and feed.json beside it)',
      value: `${publicUrl}/${keys.feed('zh', 'rss')}`,
    });
    new CfnOutput(this, 'ExportUrl', {
      description: 'Partner export index',
      value: `${publicUrl}/${keys.exportIndex()}`,
    });
    new CfnOutput(this, 'TopicArn', {
      description: 'Subscribe here for notifications',
      value: this.topics.notifications.topicArn,
    });
    new CfnOutput(this, 'TopicKeyArn', {
      description:
        'The KMS key of the topics: publishing from a laptop needs kms:GenerateDataKey* and kms:Decrypt on it',
      value: this.topics.key.keyArn,
    });
    new CfnOutput(this, 'LogBucketName', {
      description: 'S3 server access logs and CloudFront logs (kept 90 days)',
      value: this.content.logBucket.bucketName,
    });
    new CfnOutput(this, 'BucketName', {
      description: 'The content bucket (use with --store s3://...)',
      value: this.content.bucket.bucketName,
    });
    new CfnOutput(this, 'PublicUrl', {
      description: 'Where the public files are served (use with --public-url)',
      value: publicUrl,
    });
    new CfnOutput(this, 'DistributionId', {
      description: 'The CloudFront distribution (for invalidations by hand)',
      value: distribution.distributionId,
    });
    // For the runbook: redrive commands and log groups name these (docs/RUNBOOK.md).
    const queues: [string, string, { queueArn: string }][] = [
      ['IngestQueueArn', 'Ingest work queue', pipeline.ingestQueue],
      [
        'IngestDeadLetterQueueArn',
        'Ingest dead-letter queue (redrive into IngestQueueArn)',
        pipeline.ingestDeadLetters,
      ],
      ['PublishQueueArn', 'Publish request queue (FIFO)', pipeline.publishQueue],
      [
        'PublishDeadLetterQueueArn',
        'Publish dead-letter queue (FIFO; redrive into PublishQueueArn)',
        pipeline.publishDeadLetters,
      ],
      [
        'DiscoverFailureQueueArn',
        'Failed discover invocations (Lambda on-failure destination and scheduler DLQ)',
        pipeline.discoverFailures,
      ],
    ];
    for (const [name, description, queue] of queues) new CfnOutput(this, name, { description, value: queue.queueArn });
    new CfnOutput(this, 'DiscoverScheduleName', {
      description: 'The EventBridge Scheduler schedule that runs discover (default group)',
      value: pipeline.discoverSchedule.scheduleName,
    });
    for (const [name, fn] of [
      ['DiscoverFunctionName', pipeline.discover],
      ['IngestFunctionName', pipeline.ingest],
      ['PublishFunctionName', pipeline.publish],
    ] as const) {
      new CfnOutput(this, name, {
        description: `The ${fn.node.id.toLowerCase()} Lambda function`,
        value: fn.functionName,
      });
      new CfnOutput(this, name.replace('FunctionName', 'LogGroup'), {
        description: `Log group of the ${fn.node.id.toLowerCase()} function`,
        value: fn.logGroup.logGroupName,
      });
    }
  }
}
