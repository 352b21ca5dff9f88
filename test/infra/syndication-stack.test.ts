import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VARIABLES } from '#handlers/deployment.js';
import { METRIC, METRICS_NAMESPACE } from '#handlers/metric-names.js';
import { DEFAULTS } from '#pipeline/config.js';
import { CORS_RULES } from '#pipeline/publish/public-paths.js';
import {
  EXPECTED_LANDING_CSP,
  EXPECTED_SECURITY_HEADERS,
  PUBLIC_REQUEST_CASES,
  expectedRedirectTargets,
  redirectTargets,
} from '#test/helpers/public-requests.js';
import { synthStack } from './synth.js';

const { stack, template: templateOf } = synthStack({
  subscriberEmails: 'news@example.org, desk@example.org',
  alarmEmail: 'ops@example.org',
});
const template = templateOf();
const resources = (type: string) => Object.entries(template.findResources(type));
const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as never);
const bucketId = logicalId(stack.content.bucket);

describe('content bucket', () => {
  it('is private, encrypted, versioned, logged, with lifecycle rules', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 'content-bucket/' },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({
            Id: 'raw-snapshots-to-infrequent-access',
            Prefix: 'raw/',
            Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }],
          }),
          Match.objectLike({
            Id: 'expire-old-versions',
            NoncurrentVersionExpiration: { NoncurrentDays: 30, NewerNoncurrentVersions: 3 },
          }),
        ]),
      },
    });
  });

  it('refuses plain HTTP and keeps CloudFront out of raw/ and state/', () => {
    const policy = resources('AWS::S3::BucketPolicy').find(([, r]) =>
      JSON.stringify(r.Properties.Bucket).includes(bucketId),
    )![1];
    const statements = policy.Properties.PolicyDocument.Statement as Record<string, unknown>[];
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    const deny = statements.find((s) => s.Sid === 'DenyCloudFrontPrivatePrefixes')!;
    expect(deny).toMatchObject({
      Effect: 'Deny',
      Action: 's3:GetObject',
      Principal: { Service: 'cloudfront.amazonaws.com' },
    });
    expect(JSON.stringify(deny.NotResource)).toMatch(
      /\/index\.html.*\/feeds\.opml.*\/feeds\/\*.*\/exports\/\*.*\/articles\/\*/,
    );
    // The only Allow for CloudFront is the OAC read, limited to this distribution.
    const allow = statements.find((s) => s.Effect === 'Allow' && JSON.stringify(s.Principal).includes('cloudfront'))!;
    expect(allow).toMatchObject({
      Action: 's3:GetObject',
      Condition: { StringEquals: { 'AWS:SourceArn': expect.anything() } },
    });
  });
});

describe('CloudFront', () => {
  const distribution = resources('AWS::CloudFront::Distribution')[0]![1].Properties.DistributionConfig;

  it('serves the bucket through Origin Access Control over HTTPS only', () => {
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    expect(distribution.Origins[0].OriginAccessControlId).toBeDefined();
    expect(distribution.Origins[0].S3OriginConfig.OriginAccessIdentity).toBe('');
    for (const behavior of [distribution.DefaultCacheBehavior, ...distribution.CacheBehaviors]) {
      expect(behavior.ViewerProtocolPolicy).toBe('redirect-to-https');
      expect(behavior.AllowedMethods).toEqual(['GET', 'HEAD', 'OPTIONS']);
      expect(behavior.FunctionAssociations).toEqual([{ EventType: 'viewer-request', FunctionARN: expect.anything() }]);
    }
    expect(distribution.CacheBehaviors.map((b: { PathPattern: string }) => b.PathPattern)).toEqual([
      'feeds.opml',
      'feeds/*',
      'exports/v1/articles/*',
      'exports/*',
      'articles/*',
    ]);
    expect(distribution.Logging).toMatchObject({ Prefix: 'cloudfront/' });
  });

  const code = resources('AWS::CloudFront::Function')[0]![1].Properties.FunctionCode as string;
  type Answer = { statusCode?: number; uri?: string; headers?: Record<string, { value: string }> };
  const handler = new Function(`${code}; return handler;`)() as (event: unknown) => Answer;
  const answer = (uri: string, method = 'GET') => handler({ request: { method, uri, headers: {} } });

  it('answers 404 for every key outside the public allowlist (the function code, run here)', () => {
    for (const uri of [
      '/feeds/en/rss.xml',
      '/feeds/zh/atom.xml',
      '/feeds/en/topics/skills/feed.json',
      '/exports/v1/index.json',
      '/exports/v1/articles/a-b.json',
      '/exports/v1/archive/2024-11.json',
      '/articles/x/en.md',
      '/articles/zh-0123456789ab/meta.json',
      '/index.html',
      '/feeds.opml',
      '/',
    ]) {
      expect(answer(uri).statusCode, uri).toBeUndefined();
    }
    for (const uri of [
      '/raw/x/en.html',
      '/state/crawl.json',
      '/notifications.jsonl',
      '/articles/x/../../state/crawl.json',
      '/feeds/en/../../raw/x/en.html',
      '/articles/x/en.html',
      '/exports/v2/index.json',
      '/feeds/fr/rss.xml',
      '/index.htm',
      '/feeds/en/',
    ]) {
      expect(answer(uri).statusCode, uri).toBe(404);
    }
  });

  it('answers as serve does: the landing page at "/", redirects, preflights, CORS and security headers where serve sends them', () => {
    // CloudFront picks the behavior by the path the viewer asked for ("/" is the default behavior's).
    const behaviorOf = (path: string) =>
      distribution.CacheBehaviors.find((b: { PathPattern: string }) =>
        new RegExp(`^${b.PathPattern.replace(/\./g, '\\.').replace(/\*/g, '.*')}$`).test(path.replace(/^\//, '')),
      ) ?? distribution.DefaultCacheBehavior;
    const policyOf = (path: string) =>
      template.toJSON().Resources[behaviorOf(path).ResponseHeadersPolicyId.Ref].Properties.ResponseHeadersPolicyConfig;
    for (const { method, path, answer: expected, cors, landingPage } of PUBLIC_REQUEST_CASES) {
      const got = answer(path, method);
      const label = `${method} ${path}`;
      if ('file' in expected) {
        expect(got.statusCode, label).toBeUndefined();
        expect(got.uri, label).toBe(`/${expected.file}`);
        // On the way back, the behavior's response headers policy adds CORS (or not) and the security headers.
        const policy = policyOf(path);
        expect(policy.CorsConfig !== undefined, label).toBe(cors);
        const headers = policy.SecurityHeadersConfig;
        expect(headers.ContentTypeOptions, label).toEqual({ Override: true });
        expect(headers.FrameOptions, label).toEqual({
          FrameOption: EXPECTED_SECURITY_HEADERS['x-frame-options'],
          Override: true,
        });
        expect(headers.ReferrerPolicy, label).toEqual({
          ReferrerPolicy: EXPECTED_SECURITY_HEADERS['referrer-policy'],
          Override: true,
        });
        if (landingPage)
          expect(headers.ContentSecurityPolicy, label).toEqual({
            ContentSecurityPolicy: expect.stringMatching(EXPECTED_LANDING_CSP),
            Override: true,
          });
        else expect(headers.ContentSecurityPolicy, label).toBeUndefined();
      } else {
        expect(got.statusCode, label).toBe(expected.status);
        if (expected.status === 301)
          expect(redirectTargets(got.headers!.location!.value, path), label).toEqual(
            expectedRedirectTargets(expected.lands),
          );
        if (expected.status === 204) {
          expect(got.headers?.allow?.value, label).toBe('GET, HEAD, OPTIONS');
          expect(got.headers?.['access-control-allow-origin']?.value, label).toBe(cors ? '*' : undefined);
          if (cors) {
            expect(got.headers?.['access-control-allow-headers']?.value, label).toBe(
              'If-None-Match, If-Modified-Since',
            );
            expect(got.headers?.['access-control-expose-headers']?.value, label).toBe('ETag, Last-Modified');
          }
        }
      }
    }
    expect(distribution.DefaultRootObject).toBe('index.html');
  });

  it('gives feeds and indexes short cache lifetimes, articles longer, and CORS to every public file', () => {
    const policies = resources('AWS::CloudFront::CachePolicy').map(([, r]) => r.Properties.CachePolicyConfig);
    expect(policies.map((p) => p.DefaultTTL).sort((a: number, b: number) => a - b)).toEqual([300, 3600]);
    const cors = resources('AWS::CloudFront::ResponseHeadersPolicy').find(
      ([, r]) => r.Properties.ResponseHeadersPolicyConfig.CorsConfig,
    )![1].Properties.ResponseHeadersPolicyConfig;
    expect(cors.CorsConfig).toMatchObject({
      AccessControlAllowOrigins: { Items: ['*'] },
      AccessControlAllowMethods: { Items: ['GET', 'HEAD', 'OPTIONS'] },
      AccessControlAllowHeaders: { Items: [...CORS_RULES.allowHeaders] },
      AccessControlExposeHeaders: { Items: ['ETag', 'Last-Modified'] },
      AccessControlMaxAgeSec: CORS_RULES.maxAgeSeconds,
      AccessControlAllowCredentials: false,
    });
    const withCors = new Set(
      resources('AWS::CloudFront::ResponseHeadersPolicy')
        .filter(([, r]) => r.Properties.ResponseHeadersPolicyConfig.CorsConfig)
        .map(([id]) => id),
    );
    for (const pattern of ['feeds.opml', 'feeds/*', 'exports/*', 'exports/v1/articles/*', 'articles/*']) {
      const behavior = distribution.CacheBehaviors.find((b: { PathPattern: string }) => b.PathPattern === pattern);
      expect(withCors.has(behavior.ResponseHeadersPolicyId.Ref), pattern).toBe(true);
    }
    // The landing page (the default behavior) too; a browser app reads the OPML (its own behavior above).
    expect(withCors.has(distribution.DefaultCacheBehavior.ResponseHeadersPolicyId.Ref)).toBe(true);
  });
});

describe('SNS', () => {
  it('encrypts and enforces SSL on the topics, with the email subscriptions from context', () => {
    template.resourceCountIs('AWS::SNS::Topic', 2);
    for (const [, topic] of resources('AWS::SNS::Topic')) expect(topic.Properties.KmsMasterKeyId).toBeDefined();
    for (const [, policy] of resources('AWS::SNS::TopicPolicy')) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
    const emails = resources('AWS::SNS::Subscription')
      .map(([, s]) => s.Properties.Endpoint)
      .sort();
    expect(emails).toEqual(['desk@example.org', 'news@example.org', 'ops@example.org']);
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('keeps the buckets and the key on stack deletion by default, and deletes them with removalPolicy=destroy', () => {
    const deletionPolicies = (t: typeof template) =>
      Object.fromEntries(
        ['AWS::S3::Bucket', 'AWS::KMS::Key'].map((type) => [
          type,
          Object.values(t.findResources(type)).map((r) => r.DeletionPolicy),
        ]),
      );
    expect(deletionPolicies(template)).toEqual({
      'AWS::S3::Bucket': ['Retain', 'Retain'],
      'AWS::KMS::Key': ['Retain'],
    });
    expect(deletionPolicies(synthStack({ removalPolicy: 'destroy' }).template())).toEqual({
      'AWS::S3::Bucket': ['Delete', 'Delete'],
      'AWS::KMS::Key': ['Delete'],
    });
  });
});

describe('Lambdas, queues and schedule', () => {
  const functions = resources('AWS::Lambda::Function').filter(([, f]) => f.Properties.Runtime === 'nodejs24.x');

  it('runs discover, ingest and publish on Node 24, arm64, with their configuration', () => {
    expect(functions).toHaveLength(3);
    for (const [, fn] of functions) {
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.Handler).toBe('index.handler');
      expect(fn.Properties.Environment.Variables).toMatchObject({
        [VARIABLES.bucket]: { Ref: bucketId },
        [VARIABLES.origin]: DEFAULTS.origin,
        [VARIABLES.contentMode]: DEFAULTS.contentMode,
      });
      expect(fn.Properties.Environment.Variables[VARIABLES.publicUrl]).toBeDefined();
    }
    const publish = functions.find(([id]) => id.includes('Publish'))![1];
    expect(publish.Properties.Environment.Variables[VARIABLES.topicArn]).toEqual({
      Ref: logicalId(stack.topics.notifications),
    });
    expect(publish.Properties.Environment.Variables[VARIABLES.distributionId]).toEqual({
      Ref: logicalId(stack.site.distribution),
    });
  });

  it('feeds ingest from SQS with partial batch failures, and keeps failures in dead-letter queues', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
      BatchSize: 5,
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10,
      EventSourceArn: { 'Fn::GetAtt': [logicalId(stack.pipeline.publishQueue), 'Arn'] },
    });
    const queues = resources('AWS::SQS::Queue');
    expect(queues).toHaveLength(5);
    for (const [, queue] of queues) expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    expect(queues.filter(([, q]) => q.Properties.RedrivePolicy)).toHaveLength(2);
    // The publish queue and its dead-letter queue are FIFO (a FIFO queue's DLQ must be FIFO too).
    expect(
      queues
        .filter(([, q]) => q.Properties.FifoQueue)
        .map(([id]) => id)
        .sort(),
    ).toEqual([logicalId(stack.pipeline.publishDeadLetters), logicalId(stack.pipeline.publishQueue)].sort());
    for (const [, policy] of resources('AWS::SQS::QueuePolicy')) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('runs discover every 30 minutes by default, and as often as the context says', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(30 minutes)',
      Target: { Arn: { 'Fn::GetAtt': [logicalId(stack.pipeline.discover), 'Arn'] } },
    });
    synthStack({ schedule: '15' })
      .template()
      .hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(15 minutes)' });
  });

  it('passes summary mode and a mirror origin through to the functions', () => {
    const other = synthStack({ contentMode: 'summary', origin: 'https://mirror.example.org' }).template();
    other.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          [VARIABLES.contentMode]: 'summary',
          [VARIABLES.origin]: 'https://mirror.example.org',
        }),
      },
    });
  });
});

describe('least privilege', () => {
  const policies = resources('AWS::IAM::Policy');
  const statementsOf = (fragment: string) =>
    policies
      .filter(([id]) => id.includes(fragment))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
  const actions = (s: { Action: string | string[] }) => ([] as string[]).concat(s.Action);
  const keysFor = (fragment: string, action: string) =>
    statementsOf(fragment)
      .filter((s) => actions(s).includes(action))
      .flatMap((s) => ([] as unknown[]).concat(s.Resource))
      .map((r) => JSON.stringify(r).match(/"\/([^"]+)"/)?.[1])
      .filter(Boolean)
      .sort();

  it('grants no service-wide wildcard and no Resource "*"', () => {
    for (const [id, policy] of policies) {
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        for (const action of ([] as string[]).concat(statement.Action))
          expect(action, id).not.toMatch(/^(\*|[a-z0-9]+:\*)$/);
        expect(([] as unknown[]).concat(statement.Resource), id).not.toContain('*');
      }
    }
  });

  it('lets each function touch only its own keys', () => {
    expect(keysFor('DiscoverRole', 's3:PutObject')).toEqual(['state/crawl/*']);
    expect(keysFor('DiscoverRole', 's3:DeleteObject')).toEqual(['state/crawl.json']);
    expect(keysFor('IngestRole', 's3:PutObject')).toEqual([
      'articles/*/meta.json',
      'raw/*',
      'state/aliases/*',
      'state/articles/*',
      'state/outbox/*',
      'state/receipts/*',
      'state/sources/*',
    ]);
    expect(keysFor('DiscoverRole', 's3:GetObject')).toEqual(['state/crawl.json', 'state/crawl/*', 'state/receipts/*']);
    // What each function really touches is checked by running the bundles under these roles (npm run test:cloud).
    expect(keysFor('PublishRole', 's3:PutObject')).toEqual([
      'articles/*/en.md',
      'articles/*/zh.md',
      'exports/*',
      'feeds.opml',
      'feeds/*',
      'index.html',
      'state/archive-months.json',
      'state/cdn-invalidated.json',
      'state/feed-directory.json',
      'state/notified/*',
      'state/publish-settings.json',
      'state/windows/*',
    ]);
    expect(keysFor('IngestRole', 's3:DeleteObject')).toEqual([]);
    expect(keysFor('PublishRole', 's3:GetObject')).not.toContain('raw/*');
    expect(keysFor('IngestRole', 's3:PutObject')).not.toContain('feeds/*');
  });

  it('lets only publish send notifications, and only discover and ingest queue work', () => {
    const sns = (fragment: string) => statementsOf(fragment).some((s) => actions(s).includes('sns:Publish'));
    expect([sns('DiscoverRole'), sns('IngestRole'), sns('PublishRole')]).toEqual([false, false, true]);
    const sends = (fragment: string) =>
      statementsOf(fragment).filter((s) => actions(s).includes('sqs:SendMessage')).length;
    expect([sends('DiscoverRole') > 0, sends('IngestRole') > 0, sends('PublishRole') > 0]).toEqual([true, true, false]);
    // Publish invalidates cached paths of its own distribution, and nothing else can.
    const invalidations = (fragment: string) =>
      statementsOf(fragment).filter((s) => actions(s).includes('cloudfront:CreateInvalidation'));
    expect([invalidations('DiscoverRole'), invalidations('IngestRole')]).toEqual([[], []]);
    expect(invalidations('PublishRole').map((s) => JSON.stringify(s.Resource))).toEqual([
      expect.stringMatching(
        new RegExp(`:distribution/",\\{"Ref":"${logicalId(stack.site.distribution)}"\\}\\]\\]\\}$`),
      ),
    ]);
  });

  it('attaches no AWS managed policy to the function roles', () => {
    for (const [id, role] of resources('AWS::IAM::Role').filter(([id]) => /Discover|Ingest|Publish/.test(id))) {
      expect(role.Properties.ManagedPolicyArns, id).toBeUndefined();
    }
  });
});

describe('alarms and outputs', () => {
  it('alarms on dead letters, failures that persist, missing heartbeats, stuck queues, errors, throttles and drift, to the alarm topic', () => {
    const alarms = resources('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    const by = (metric: string) => alarms.filter((a) => a.MetricName === metric);
    expect(alarms).toHaveLength(15);
    expect(by('ApproximateNumberOfMessagesVisible')).toHaveLength(2);
    expect(by('NumberOfMessagesSent')).toEqual([
      expect.objectContaining({
        Namespace: 'AWS/SQS',
        Period: 3600,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
        Threshold: 0,
      }),
    ]);
    expect(by('ApproximateAgeOfOldestMessage')).toHaveLength(2);
    expect(by('Errors')).toHaveLength(3);
    expect(by('Throttles')).toHaveLength(3);
    for (const alarm of [...by('Errors'), ...by('Throttles')])
      expect(alarm).toMatchObject({ EvaluationPeriods: 3, DatapointsToAlarm: 2, Period: 3600 });
    expect(by(METRIC.ingestFailures)).toEqual([
      expect.objectContaining({
        Namespace: METRICS_NAMESPACE,
        Dimensions: [{ Name: 'service', Value: 'ingest' }],
        Threshold: 5,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
        TreatMissingData: 'notBreaching',
      }),
    ]);
    // Heartbeats: silence is the failure, so missing data is breaching.
    expect(by(METRIC.discoverRuns)).toEqual([
      expect.objectContaining({
        Dimensions: [{ Name: 'service', Value: 'discover' }],
        Period: 3600,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
        ComparisonOperator: 'LessThanThreshold',
        Threshold: 1,
        TreatMissingData: 'breaching',
      }),
    ]);
    expect(by(METRIC.storiesStored)).toEqual([
      expect.objectContaining({
        Dimensions: [{ Name: 'service', Value: 'ingest' }],
        Period: 86400,
        EvaluationPeriods: 4,
        DatapointsToAlarm: 4,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      }),
    ]);
    expect(by(METRIC.markupDrift)).toEqual([
      expect.objectContaining({ Namespace: METRICS_NAMESPACE, Dimensions: [{ Name: 'service', Value: 'ingest' }] }),
    ]);
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: logicalId(stack.topics.alarms!) }]);
  });

  it('warns at synth when the alarms would notify no one', () => {
    const warning = Match.stringLikeRegexp("no context 'alarmEmail'");
    Annotations.fromStack(synthStack().stack).hasWarning('*', warning);
    Annotations.fromStack(stack).hasNoWarning('*', warning);
  });

  it('takes the heartbeat periods from the context', () => {
    const other = synthStack({ heartbeatHours: '6', storyHeartbeatDays: '2' }).template();
    other.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: METRIC.discoverRuns,
      EvaluationPeriods: 6,
      DatapointsToAlarm: 6,
    });
    other.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: METRIC.storiesStored,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
    });
  });

  it('outputs the feed URLs, the export URL, the topic ARN, the bucket, and the queues and functions the runbook names', () => {
    const outputs = template.findOutputs('*');
    expect(Object.keys(outputs).sort()).toEqual([
      'BucketName',
      'DiscoverFailureQueueArn',
      'DiscoverFunctionName',
      'DiscoverLogGroup',
      'DiscoverScheduleName',
      'DistributionId',
      'ExportUrl',
      'FeedUrlChinese',
      'FeedUrlEnglish',
      'IngestDeadLetterQueueArn',
      'IngestFunctionName',
      'IngestLogGroup',
      'IngestQueueArn',
      'LogBucketName',
      'PublicUrl',
      'PublishDeadLetterQueueArn',
      'PublishFunctionName',
      'PublishLogGroup',
      'PublishQueueArn',
      'TopicArn',
      'TopicKeyArn',
    ]);
    expect(outputs.IngestDeadLetterQueueArn!.Value).toEqual({
      'Fn::GetAtt': [logicalId(stack.pipeline.ingestDeadLetters), 'Arn'],
    });
    expect(outputs.PublishFunctionName!.Value).toEqual({ Ref: logicalId(stack.pipeline.publish) });
    expect(JSON.stringify(outputs.FeedUrlEnglish!.Value)).toContain('/feeds/en/rss.xml');
    expect(outputs.DiscoverScheduleName!.Value).toEqual({ Ref: logicalId(stack.pipeline.discoverSchedule) });
  });

  it("lists in the README's deploy section exactly the outputs the stack has", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const paragraph = /^Outputs: [\s\S]*?\n\n/m.exec(readme)?.[0] ?? '';
    const named = [...paragraph.matchAll(/`([A-Z]\w+)`/g)].map((m) => m[1]!).sort();
    expect(named).toEqual(Object.keys(template.findOutputs('*')).sort());
  });

  it('names in the runbook only outputs the stack has, and lists every one of them', () => {
    const runbook = readFileSync(new URL('../../docs/RUNBOOK.md', import.meta.url), 'utf8');
    const outputs = Object.keys(template.findOutputs('*'));
    // `out NAME` in its commands, and the first column of its table of outputs.
    const used = [...runbook.matchAll(/\bout (\w+)/g)].map((m) => m[1]!);
    const section = runbook.split(/^## /m).find((part) => part.startsWith("The stack's outputs"))!;
    const table = section
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .flatMap((line) => [...line.split('|')[1]!.matchAll(/`(\w+)`/g)].map((m) => m[1]!));
    expect(used.length).toBeGreaterThan(10);
    for (const name of [...used, ...table]) expect(outputs, name).toContain(name);
    for (const name of outputs) expect(table, `the runbook's table of outputs lists ${name}`).toContain(name);
  });
});
