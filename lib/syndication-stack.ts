// The ILO syndication stack: a list of intentions. Each construct brings its secure defaults.
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
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
    this.content = new ContentStore(this, 'Content', { removalPolicy: config.removalPolicy });
    this.topics = new SubscriberTopics(this, 'Topics', { subscriberEmails: config.subscriberEmails, ...(config.alarmEmail ? { alarmEmail: config.alarmEmail } : {}) });
    this.site = new PublicDistribution(this, 'Public', { bucket: this.content.bucket, logBucket: this.content.logBucket });
    const publicUrl = `https://${this.site.distribution.distributionDomainName}`;
    this.pipeline = new PipelineFunctions(this, 'Pipeline', { bucket: this.content.bucket, topic: this.topics.notifications, publicUrl, config });
    this.alarms = new OperationalAlarms(this, 'Alarms', {
      functions: [this.pipeline.discover, this.pipeline.ingest, this.pipeline.publish],
      deadLetterQueues: this.pipeline.deadLetterQueues,
      ...(this.topics.alarms ? { alarmTopic: this.topics.alarms } : {}),
    });

    new CfnOutput(this, 'FeedUrlEnglish', { description: 'English RSS feed (atom.xml and feed.json beside it)', value: `${publicUrl}/feeds/en/rss.xml` });
    new CfnOutput(this, 'FeedUrlChinese', { description: 'Chinese RSS feed (atom.xml and feed.json beside it)', value: `${publicUrl}/feeds/zh/rss.xml` });
    new CfnOutput(this, 'ExportUrl', { description: 'Partner export index', value: `${publicUrl}/exports/v1/index.json` });
    new CfnOutput(this, 'TopicArn', { description: 'Subscribe here for notifications', value: this.topics.notifications.topicArn });
    new CfnOutput(this, 'BucketName', { description: 'The content bucket (use with --store s3://...)', value: this.content.bucket.bucketName });
  }
}
