// What must hold in the synthesized template for the stack to survive a real account and a real
// outage, each as a check that throws (with what is wrong) on a template where it does not hold.
// operational-checks.test.ts runs them on the synthesized template and shows that each one fails on
// a template with the change it guards against.
import { expect } from 'vitest';
import { POWERTOOLS_VARIABLES, REQUIRED_SETTINGS, VARIABLES } from '#handlers/deployment.js';
import type { CfnResource, CfnTemplate } from '#test/helpers/emulated-stack.js';

type FunctionName = keyof typeof REQUIRED_SETTINGS;

/** The values the README's costs, the queues' visibility timeouts and the runbook are written for. */
export const EXPECTED = {
  sizes: {
    discover: { Timeout: 300, MemorySize: 512 },
    ingest: { Timeout: 120, MemorySize: 1024 },
    publish: { Timeout: 300, MemorySize: 1024 },
  },
  maxReceiveCount: { ingest: 10, publish: 5 },
  logRetentionDays: 30,
  schedulerRetries: 2,
  priceClass: 'PriceClass_100',
  hstsSeconds: 365 * 24 * 60 * 60,
} as const;

const resources = (template: CfnTemplate, type: string) =>
  Object.entries(template.Resources).filter(([, r]) => r.Type === type);

/** A reference to a resource as a logical id: {Ref: X} or {Fn::GetAtt: [X, ...]}. */
function referenced(value: unknown): string | undefined {
  if (value && typeof value === 'object') {
    const v = value as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
    return v.Ref ?? v['Fn::GetAtt']?.[0];
  }
  return undefined;
}

/** The pipeline functions by name (POWERTOOLS_SERVICE_NAME). */
export function pipelineFunctions(template: CfnTemplate): Record<FunctionName, [string, CfnResource]> {
  const found = Object.fromEntries(
    resources(template, 'AWS::Lambda::Function')
      .filter(([, r]) => r.Properties?.Environment?.Variables?.[POWERTOOLS_VARIABLES.serviceName])
      .map(([id, r]) => [r.Properties!.Environment.Variables[POWERTOOLS_VARIABLES.serviceName] as string, [id, r]]),
  ) as Record<FunctionName, [string, CfnResource]>;
  expect(Object.keys(found).sort()).toEqual(['discover', 'ingest', 'publish']);
  return found;
}

export function eventSourceOf(
  template: CfnTemplate,
  functionId: string,
  // biome-ignore lint/suspicious/noExplicitAny: the mapping's properties are untyped template JSON, as in CfnResource
): { mapping: Record<string, any>; queue: [string, CfnResource] } {
  const mapping = resources(template, 'AWS::Lambda::EventSourceMapping').find(
    ([, m]) => referenced(m.Properties?.FunctionName) === functionId,
  );
  expect(mapping, `an SQS event source for ${functionId}`).toBeDefined();
  const queueId = referenced(mapping![1].Properties!.EventSourceArn)!;
  return { mapping: mapping![1].Properties!, queue: [queueId, template.Resources[queueId]!] };
}

export const CHECKS = {
  'queue visibility timeout is at least 6x its function timeout': (template: CfnTemplate) => {
    for (const name of ['ingest', 'publish'] as const) {
      const [id, fn] = pipelineFunctions(template)[name];
      const { queue } = eventSourceOf(template, id);
      expect(
        Number(queue[1].Properties?.VisibilityTimeout ?? 30),
        `${name} queue visibility timeout`,
      ).toBeGreaterThanOrEqual(6 * Number(fn.Properties!.Timeout));
    }
  },
  'ingest retries outlast an outage (maxReceiveCount)': (template: CfnTemplate) => {
    for (const name of ['ingest', 'publish'] as const) {
      const { queue } = eventSourceOf(template, pipelineFunctions(template)[name][0]);
      const redrive = queue[1].Properties?.RedrivePolicy;
      expect(redrive, `${name} queue redrive policy`).toBeDefined();
      expect(Number(redrive.maxReceiveCount), `${name} maxReceiveCount`).toBe(EXPECTED.maxReceiveCount[name]);
    }
  },
  'every function logs to a log group with a retention': (template: CfnTemplate) => {
    for (const [name, [, fn]] of Object.entries(pipelineFunctions(template))) {
      const logGroupId = referenced(fn.Properties!.LoggingConfig?.LogGroup);
      expect(logGroupId, `${name} log group`).toBeDefined();
      expect(template.Resources[logGroupId!]?.Properties?.RetentionInDays, `${name} log retention`).toBe(
        EXPECTED.logRetentionDays,
      );
    }
  },
  'CloudFront can read the public keys and nothing else': (template: CfnTemplate) => {
    const policy = bucketPolicyOfContentBucket(template);
    for (const key of ['feeds/en/rss.xml', 'exports/v1/index.json', 'exports/v1/articles/a.json', 'articles/a/en.md']) {
      expect(cloudFrontMayRead(policy, key), `CloudFront may read ${key}`).toBe(true);
    }
    for (const key of [
      'raw/a/en.html',
      'state/crawl.json',
      'state/crawl/index.json',
      'state/receipts/x.json',
      'notifications.jsonl',
      'raw/feeds/x',
    ]) {
      expect(cloudFrontMayRead(policy, key), `CloudFront may read ${key}`).toBe(false);
    }
  },
  'function timeouts and memory are as sized': (template: CfnTemplate) => {
    for (const [name, [, fn]] of Object.entries(pipelineFunctions(template)) as [
      FunctionName,
      [string, CfnResource],
    ][]) {
      expect({ Timeout: fn.Properties!.Timeout, MemorySize: fn.Properties!.MemorySize }, name).toEqual(
        EXPECTED.sizes[name],
      );
    }
  },
  'no function has reserved concurrency (a first deploy fails with it under the default quota)': (
    template: CfnTemplate,
  ) => {
    for (const [name, [, fn]] of Object.entries(pipelineFunctions(template)))
      expect(fn.Properties!.ReservedConcurrentExecutions, name).toBeUndefined();
  },
  'publish is single-flight: a FIFO queue, one batch at a time': (template: CfnTemplate) => {
    const { queue, mapping } = eventSourceOf(template, pipelineFunctions(template).publish[0]);
    expect(queue[1].Properties?.FifoQueue).toBe(true);
    expect(mapping.MaximumBatchingWindowInSeconds).toBeUndefined();
  },
  'one message in a dead-letter queue raises its alarm': (template: CfnTemplate) => {
    const deadLetterIds = new Set<string>();
    for (const [, queue] of resources(template, 'AWS::SQS::Queue')) {
      const target = referenced(queue.Properties?.RedrivePolicy?.deadLetterTargetArn);
      if (target) deadLetterIds.add(target);
    }
    expect(deadLetterIds.size).toBe(2);
    const alarms = resources(template, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties!);
    for (const id of deadLetterIds) {
      const alarm = alarms.find(
        (a) =>
          a.MetricName === 'ApproximateNumberOfMessagesVisible' &&
          a.Dimensions?.some((d: { Value: unknown }) => JSON.stringify(d.Value).includes(id)),
      );
      expect(alarm, `alarm on ${id}`).toBeDefined();
      expect(
        {
          Threshold: alarm!.Threshold,
          ComparisonOperator: alarm!.ComparisonOperator,
          EvaluationPeriods: alarm!.EvaluationPeriods,
        },
        id,
      ).toEqual({
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 1,
      });
    }
  },
  'failed discover runs alarm when they repeat, not for one (the next run does the same work)': (
    template: CfnTemplate,
  ) => {
    const [, config] = resources(template, 'AWS::Lambda::EventInvokeConfig').find(
      ([, c]) => referenced(c.Properties?.FunctionName) === pipelineFunctions(template).discover[0],
    )!;
    const failures = referenced(config.Properties!.DestinationConfig.OnFailure.Destination)!;
    const alarms = resources(template, 'AWS::CloudWatch::Alarm')
      .map(([, a]) => a.Properties!)
      .filter((a) => a.Dimensions?.some((d: { Value: unknown }) => referenced(d.Value) === failures));
    expect(
      alarms.map((a) => a.MetricName),
      `alarms on ${failures}`,
    ).toEqual(['NumberOfMessagesSent']);
    expect(alarms[0]).toMatchObject({
      Statistic: 'Sum',
      Period: 3600,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
  },
  "every alarm's evaluation range is one CloudWatch accepts (a deploy fails otherwise)": (template: CfnTemplate) => {
    for (const [id, { Properties: a }] of resources(template, 'AWS::CloudWatch::Alarm')) {
      const range = Number(a!.Period) * Number(a!.EvaluationPeriods);
      // PutMetricAlarm: at most 7 days in all, and 1 day for periods under an hour.
      expect(range, `${id}: ${a!.EvaluationPeriods} x ${a!.Period} s`).toBeLessThanOrEqual(
        Number(a!.Period) < 3600 ? 86_400 : 604_800,
      );
      expect(Number(a!.DatapointsToAlarm ?? a!.EvaluationPeriods), id).toBeLessThanOrEqual(
        Number(a!.EvaluationPeriods),
      );
    }
  },
  'every function gets every variable its handler needs': (template: CfnTemplate) => {
    for (const [name, [, fn]] of Object.entries(pipelineFunctions(template)) as [
      FunctionName,
      [string, CfnResource],
    ][]) {
      const variables = Object.keys(fn.Properties!.Environment?.Variables ?? {});
      for (const setting of ['bucket', ...REQUIRED_SETTINGS[name]] as const)
        expect(variables, `${name} needs ${VARIABLES[setting]}`).toContain(VARIABLES[setting]);
    }
  },
  'discover retries are bounded once: scheduler delivery retries, no Lambda async retries, failures kept': (
    template: CfnTemplate,
  ) => {
    const [discoverId] = pipelineFunctions(template).discover;
    const schedules = resources(template, 'AWS::Scheduler::Schedule').filter(
      ([, s]) => referenced(s.Properties?.Target?.Arn) === discoverId,
    );
    expect(schedules).toHaveLength(1);
    const target = schedules[0]![1].Properties!.Target;
    expect(target.RetryPolicy?.MaximumRetryAttempts, 'scheduler retries').toBe(EXPECTED.schedulerRetries);
    expect(referenced(target.DeadLetterConfig?.Arn), 'scheduler dead-letter queue').toBeDefined();
    const invoke = resources(template, 'AWS::Lambda::EventInvokeConfig').find(
      ([, c]) => referenced(c.Properties?.FunctionName) === discoverId,
    );
    expect(invoke?.[1].Properties?.MaximumRetryAttempts, 'Lambda async retries of discover').toBe(0);
    expect(
      referenced(invoke?.[1].Properties?.DestinationConfig?.OnFailure?.Destination),
      'on-failure destination',
    ).toBeDefined();
  },
  'every CloudFront response carries the security headers': (template: CfnTemplate) => {
    const [, distribution] = resources(template, 'AWS::CloudFront::Distribution')[0]!;
    const config = distribution.Properties!.DistributionConfig;
    for (const behavior of [config.DefaultCacheBehavior, ...(config.CacheBehaviors ?? [])]) {
      const policy =
        template.Resources[referenced(behavior.ResponseHeadersPolicyId)!]?.Properties?.ResponseHeadersPolicyConfig;
      const headers = policy?.SecurityHeadersConfig;
      expect(headers, `security headers of ${behavior.PathPattern ?? 'the default behaviour'}`).toBeDefined();
      expect(headers.ContentTypeOptions).toEqual({ Override: true });
      expect(headers.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
      expect(headers.ReferrerPolicy).toEqual({ ReferrerPolicy: 'strict-origin-when-cross-origin', Override: true });
      expect(headers.StrictTransportSecurity).toMatchObject({
        AccessControlMaxAgeSec: EXPECTED.hstsSeconds,
        IncludeSubdomains: true,
        Override: true,
      });
    }
  },
  'CloudFront price class is the cheapest': (template: CfnTemplate) => {
    const [, distribution] = resources(template, 'AWS::CloudFront::Distribution')[0]!;
    expect(distribution.Properties!.DistributionConfig.PriceClass).toBe(EXPECTED.priceClass);
  },
} satisfies Record<string, (template: CfnTemplate) => void>;

interface Statement {
  Effect: 'Allow' | 'Deny';
  Principal?: unknown;
  Action: string | string[];
  Resource?: unknown;
  NotResource?: unknown;
}

export function bucketPolicyOfContentBucket(template: CfnTemplate): Statement[] {
  // The content bucket is the one whose policy mentions CloudFront.
  const policies = resources(template, 'AWS::S3::BucketPolicy').map(
    ([, p]) => p.Properties!.PolicyDocument.Statement as Statement[],
  );
  const policy = policies.find((statements) => JSON.stringify(statements).includes('cloudfront.amazonaws.com'));
  expect(policy, 'a bucket policy for CloudFront').toBeDefined();
  return policy!;
}

/** IAM evaluation of the bucket policy for CloudFront's s3:GetObject on a key: an explicit deny wins. */
function cloudFrontMayRead(statements: Statement[], key: string): boolean {
  const forCloudFront = statements.filter(
    (s) =>
      JSON.stringify(s.Principal ?? '').includes('cloudfront.amazonaws.com') &&
      ([] as string[]).concat(s.Action).some((a) => a === 's3:GetObject' || a === 's3:*' || a === '*'),
  );
  const object = `BUCKET/${key}`;
  const matches = (patterns: unknown) => ([] as unknown[]).concat(patterns).some((p) => arnPattern(p).test(object));
  const applies = (s: Statement) => (s.Resource !== undefined ? matches(s.Resource) : !matches(s.NotResource));
  if (forCloudFront.some((s) => s.Effect === 'Deny' && applies(s))) return false;
  return forCloudFront.some((s) => s.Effect === 'Allow' && applies(s));
}

/** A resource ARN of the bucket's objects as a pattern over "BUCKET/<key>". */
function arnPattern(value: unknown): RegExp {
  const text = flatten(value).replace(/^.*?\.Arn/, 'BUCKET');
  return new RegExp(
    `^${text
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}

function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as { 'Fn::Join'?: [string, unknown[]]; 'Fn::GetAtt'?: [string, string]; Ref?: string };
  if (v['Fn::Join']) return v['Fn::Join'][1].map(flatten).join(v['Fn::Join'][0]);
  if (v['Fn::GetAtt']) return `${v['Fn::GetAtt'][0]}.${v['Fn::GetAtt'][1]}`;
  if (v.Ref) return v.Ref;
  throw new Error(`cannot read ${JSON.stringify(value)}`);
}
