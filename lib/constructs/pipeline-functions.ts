// The three Lambdas and what connects them: EventBridge Scheduler -> discover -> SQS -> ingest ->
// SQS (FIFO, one message group: publish runs one at a time without reserved concurrency) -> publish.
// Each function has its own role with exactly the store keys, queues and topic it uses, and its own
// log group. Retries are bounded once each: SQS redrives (then a dead-letter queue), discover's
// scheduler retries its delivery only (Lambda's own async retries are off; failures go to a queue).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Effect, type IRole, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Architecture, type CfnFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Bucket, CfnBucket } from 'aws-cdk-lib/aws-s3';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  FUNCTION_TIMEOUT_SECONDS,
  type FunctionName,
  POWERTOOLS_VARIABLES,
  VARIABLES,
} from '../../functions/handlers/deployment.js';
import { METRICS_NAMESPACE } from '../../functions/handlers/metric-names.js';
import { LANGUAGES } from '../../functions/pipeline/site/ilo-urls.js';
import { PREFIXES, everyKeyUnder as under, keys } from '../../functions/pipeline/state/store-keys.js';
import type { SyndicationConfig } from '../config.js';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface PipelineFunctionsProps {
  bucket: Bucket;
  topic: Topic;
  /** The CloudFront URL the public files are served from. */
  publicUrl: string;
  /** The distribution serving them: publish invalidates the paths it changed. */
  distribution: { distributionId: string; distributionArn: string };
  config: SyndicationConfig;
}

/** Function timeouts and memory: the queues' visibility timeouts and the README's costs follow them. */
const FUNCTION_SIZES = {
  discover: { timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS.discover), memorySize: 512 },
  ingest: { timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS.ingest), memorySize: 1024 },
  publish: { timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS.publish), memorySize: 1024 },
} as const satisfies Record<FunctionName, unknown>;

/**
 * Receives before a message is dead-lettered: ingest outlasts an outage of about two hours
 * (10 x the 12-minute visibility timeout), and a page dead-lettered anyway is queued again by a
 * later discover run. Publish requests are idempotent triggers.
 */
const MAX_RECEIVE_COUNT = { ingest: 10, publish: 5 } as const;

/** Ingest instances at most (the event source's maximum concurrency; 2 is the lowest it takes). */
const INGEST_CONCURRENCY = 2;

export class PipelineFunctions extends Construct {
  readonly discover: NodejsFunction;
  readonly ingest: NodejsFunction;
  readonly publish: NodejsFunction;
  readonly ingestQueue: Queue;
  readonly publishQueue: Queue;
  readonly ingestDeadLetters: Queue;
  readonly publishDeadLetters: Queue;
  /** Discover invocations that failed (Lambda's on-failure destination and the scheduler's DLQ). */
  readonly discoverFailures: Queue;
  /** The queues' dead-letter queues: a message there failed every retry. */
  readonly deadLetterQueues: Queue[];
  /** What runs discover (the runbook's `aws scheduler get-schedule` names it). */
  readonly discoverSchedule: Schedule;

  constructor(scope: Construct, id: string, props: PipelineFunctionsProps) {
    super(scope, id);
    const { bucket, topic, config } = props;
    const visibility = (name: FunctionName) => Duration.seconds(FUNCTION_SIZES[name].timeout.toSeconds() * 6);

    this.ingestDeadLetters = queue(this, 'IngestDeadLetters');
    // Visibility timeout 6x the function's timeout, as AWS advises for SQS event sources.
    this.ingestQueue = queue(this, 'IngestQueue', {
      visibilityTimeout: visibility('ingest'),
      deadLetterQueue: { queue: this.ingestDeadLetters, maxReceiveCount: MAX_RECEIVE_COUNT.ingest },
    });
    this.publishDeadLetters = queue(this, 'PublishDeadLetters', { fifo: true });
    this.publishQueue = queue(this, 'PublishQueue', {
      fifo: true,
      visibilityTimeout: visibility('publish'),
      deadLetterQueue: { queue: this.publishDeadLetters, maxReceiveCount: MAX_RECEIVE_COUNT.publish },
    });
    this.discoverFailures = queue(this, 'DiscoverFailures');
    Validations.of(this.discoverFailures).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason:
        'This queue is itself a dead-letter destination: failed discover invocations (Lambda on-failure destination and the scheduler DLQ).',
    });
    this.deadLetterQueues = [this.ingestDeadLetters, this.publishDeadLetters];

    const environment = {
      [VARIABLES.bucket]: bucket.bucketName,
      [VARIABLES.origin]: config.origin,
      [VARIABLES.publicUrl]: props.publicUrl,
      [VARIABLES.contentMode]: config.contentMode,
      [VARIABLES.maxPerRun]: String(config.maxPerRun),
      ...(config.userAgent ? { [VARIABLES.userAgent]: config.userAgent } : {}),
      [POWERTOOLS_VARIABLES.metricsNamespace]: METRICS_NAMESPACE,
      NODE_OPTIONS: '--enable-source-maps',
    };

    this.discover = lambda(this, 'discover', {
      ...FUNCTION_SIZES.discover,
      environment: {
        ...environment,
        [VARIABLES.ingestQueueUrl]: this.ingestQueue.queueUrl,
        [VARIABLES.publishQueueUrl]: this.publishQueue.queueUrl,
        [VARIABLES.requestsPerSecond]: String(config.originRate),
      },
    });
    this.ingest = lambda(this, 'ingest', {
      ...FUNCTION_SIZES.ingest,
      // Two ingest instances at most (the event source's maxConcurrency), each at half the origin
      // rate: the configured rate to the ILO site in all (1 request per second by default).
      environment: {
        ...environment,
        [VARIABLES.publishQueueUrl]: this.publishQueue.queueUrl,
        [VARIABLES.requestsPerSecond]: String(config.originRate / INGEST_CONCURRENCY),
      },
    });
    this.publish = lambda(this, 'publish', {
      ...FUNCTION_SIZES.publish,
      environment: {
        ...environment,
        [VARIABLES.topicArn]: topic.topicArn,
        [VARIABLES.distributionId]: props.distribution.distributionId,
      },
    });

    // Least privilege, key by key, from the store layout itself (functions/pipeline/state/store-keys.ts):
    // prefixes as `<prefix>*`, single files by their key, a story's files by its key with the id `*`.
    const meta = keys.articleMeta('*');
    const markdownFiles = LANGUAGES.map((lang) => keys.articleMarkdown('*', lang));
    // Discovery's state: a head and one part per sitemap page; state/crawl.json is an earlier
    // release's single file, read once, split and removed.
    allowObjects(this.discover, bucket, ['s3:GetObject', 's3:PutObject'], [under(PREFIXES.crawl)]);
    allowObjects(this.discover, bucket, ['s3:GetObject', 's3:DeleteObject'], [keys.crawlState()]);
    allowObjects(this.discover, bucket, ['s3:GetObject'], [under(PREFIXES.receipts)]);
    // Ingest keeps a story's record and private full copy; publish renders every public file from them.
    allowObjects(this.ingest, bucket, ['s3:GetObject'], [under(PREFIXES.state), under(PREFIXES.raw), meta]);
    allowObjects(
      this.ingest,
      bucket,
      ['s3:PutObject'],
      [
        ...[PREFIXES.aliases, PREFIXES.sources, PREFIXES.fullArticles, PREFIXES.outbox, PREFIXES.receipts].map(under),
        under(PREFIXES.raw),
        meta,
      ],
    );
    // The landing page and the OPML are read back to be written only when they change.
    allowObjects(
      this.publish,
      bucket,
      ['s3:GetObject'],
      [
        ...[PREFIXES.state, PREFIXES.articles, PREFIXES.exports, PREFIXES.feeds].map(under),
        keys.landingPage(),
        keys.opml(),
      ],
    );
    allowObjects(
      this.publish,
      bucket,
      ['s3:PutObject'],
      [
        keys.cdnInvalidated(),
        under(PREFIXES.windows),
        under(PREFIXES.notified),
        keys.publishSettings(),
        keys.archiveMonths(),
        keys.feedDirectory(),
        ...markdownFiles,
        under(PREFIXES.feeds),
        under(PREFIXES.exports),
        keys.landingPage(),
        keys.opml(),
      ],
    );
    allowObjects(
      this.publish,
      bucket,
      ['s3:DeleteObject'],
      [under(PREFIXES.outbox), under(PREFIXES.notified), ...markdownFiles, under(PREFIXES.exportArchive)],
    );
    for (const fn of [this.discover, this.ingest, this.publish]) {
      // Listing is what makes a missing key answer 404 instead of 403, and lets publish find its queue.
      fn.addToRolePolicy(
        new PolicyStatement({ effect: Effect.ALLOW, actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
      );
    }
    this.ingestQueue.grantSendMessages(this.discover);
    this.publishQueue.grantSendMessages(this.discover);
    this.publishQueue.grantSendMessages(this.ingest);
    topic.grantPublish(this.publish);
    // New article versions and a content-mode switch change cached files: publish invalidates them.
    this.publish.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['cloudfront:CreateInvalidation'],
        resources: [props.distribution.distributionArn],
      }),
    );
    Validations.of(roleOf(this.publish)).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        'Publishing to the encrypted topic needs kms:GenerateDataKey* on its key; the statement names that one key only.',
    });

    this.ingest.addEventSource(
      new SqsEventSource(this.ingestQueue, {
        batchSize: 5,
        reportBatchItemFailures: true,
        maxConcurrency: INGEST_CONCURRENCY,
      }),
    );
    // FIFO with one message group: Lambda runs one batch of a group at a time, so publish is
    // single-flight without reserved concurrency (FIFO event sources take no batching window).
    this.publish.addEventSource(new SqsEventSource(this.publishQueue, { batchSize: 10 }));

    // The scheduler invokes discover asynchronously. Lambda's own async retries are off and its
    // failures go to a queue; the scheduler retries only a delivery that failed (throttling), twice,
    // then puts the event in the same queue. The next scheduled run repeats the work anyway.
    this.discover.configureAsyncInvoke({
      retryAttempts: 0,
      maxEventAge: Duration.hours(1),
      onFailure: new SqsDestination(this.discoverFailures),
    });
    this.discoverSchedule = new Schedule(this, 'DiscoverSchedule', {
      description: 'Runs ILO news discovery',
      schedule: ScheduleExpression.rate(Duration.minutes(config.scheduleMinutes)),
      target: new LambdaInvoke(this.discover, {
        retryAttempts: 2,
        maxEventAge: Duration.minutes(15),
        deadLetterQueue: this.discoverFailures,
      }),
    });
    const discoverArn = `<${Stack.of(this).getLogicalId(this.discover.node.defaultChild as CfnFunction)}.Arn>`;
    Validations.of(Stack.of(this.discoverSchedule)).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::${discoverArn}:*]`,
      reason:
        "The scheduler's role may invoke the discover function and its versions (the ':*' qualifier), that one function only.",
    });
  }
}

function queue(scope: Construct, id: string, props: ConstructorParameters<typeof Queue>[2] = {}): Queue {
  return new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    ...props,
  });
}

function lambda(
  scope: Construct,
  name: FunctionName,
  props: { timeout: Duration; memorySize: number; environment: Record<string, string> },
): NodejsFunction {
  const title = name.charAt(0).toUpperCase() + name.slice(1);
  const logGroup = new LogGroup(scope, `${title}Logs`, {
    retention: RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  // An explicit role: only this function's log group, no managed policy with logs:* on every group.
  const role = new Role(scope, `${title}Role`, {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: `ILO syndication ${name} function`,
  });
  role.addToPolicy(
    new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
  );
  return new NodejsFunction(scope, title, {
    entry: path.join(PROJECT_ROOT, `functions/handlers/${name}.ts`),
    handler: 'handler',
    runtime: Runtime.NODEJS_24_X,
    architecture: Architecture.ARM_64,
    timeout: props.timeout,
    memorySize: props.memorySize,
    environment: { ...props.environment, [POWERTOOLS_VARIABLES.serviceName]: name },
    logGroup,
    role,
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
    bundling: {
      format: OutputFormat.ESM,
      target: 'node24',
      platform: 'node',
      minify: true,
      sourceMap: true,
      // Stack traces map to the sources without their text in the map: with --enable-source-maps Node
      // reads the map at start, and the text was three quarters of it (docs/NOTES.md, cold start).
      sourcesContent: false,
      mainFields: ['module', 'main'],
      // The Lambda runtime provides the AWS SDK v3; bundling it would only grow the package.
      externalModules: ['@aws-sdk/*'],
      // CommonJS dependencies (turndown's domino, sanitize-html) call require() inside an ES module.
      banner:
        "import { createRequire as __createRequire } from 'module'; const require = __createRequire(import.meta.url);",
      forceDockerBundling: false,
    },
  });
}

/**
 * Grants actions on the keys matching the patterns, and acknowledges the cdk-nag wildcard finding
 * of each prefix pattern right here, where the grant is: the wildcard is the key prefix itself.
 */
function allowObjects(fn: NodejsFunction, bucket: Bucket, actions: string[], keyPatterns: string[]): void {
  fn.addToRolePolicy(
    new PolicyStatement({
      effect: Effect.ALLOW,
      actions,
      resources: keyPatterns.map((pattern) => bucket.arnForObjects(pattern)),
    }),
  );
  const bucketArn = `<${Stack.of(bucket).getLogicalId(bucket.node.defaultChild as CfnBucket)}.Arn>`;
  for (const pattern of keyPatterns.filter((p) => p.includes('*'))) {
    Validations.of(roleOf(fn)).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::${bucketArn}/${pattern}]`,
      reason: `Scoped to one key prefix of the store layout (${pattern}): the ${fn.node.id} function needs ${actions.join(', ')} on the objects under it and nothing else.`,
    });
  }
}

/** The function's execution role: a function made without `role` gets one of its own. */
function roleOf(fn: NodejsFunction): IRole {
  if (!fn.role) throw new Error(`${fn.node.path} has no execution role`);
  return fn.role;
}
