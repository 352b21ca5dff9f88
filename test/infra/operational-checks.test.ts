// The infra tests catch each change that would break the stack in a real account or outage: every
// check passes on the synthesized template, and each fails on a template with one such change.
import { describe, expect, it } from 'vitest';
import { VARIABLES } from '#handlers/deployment.js';
import type { CfnResource, CfnTemplate } from '#test/helpers/emulated-stack.js';
import { CHECKS, bucketPolicyOfContentBucket, eventSourceOf, pipelineFunctions } from './operational-checks.js';
import { synthStack } from './synth.js';

const synthesized = synthStack({ alarmEmail: 'ops@example.org' }).template().toJSON() as CfnTemplate;
type CheckName = keyof typeof CHECKS;

const ofType = (template: CfnTemplate, type: string) =>
  Object.values(template.Resources).filter((r) => r.Type === type);
const queueOf = (template: CfnTemplate, name: 'ingest' | 'publish'): CfnResource =>
  eventSourceOf(template, pipelineFunctions(template)[name][0]).queue[1];

/** Changes someone could make in lib/ (seen in the template), each with the check that must catch it. */
const MUTATIONS: [string, CheckName, (template: CfnTemplate) => void][] = [
  [
    'ingest visibility timeout below 6x the function timeout',
    'queue visibility timeout is at least 6x its function timeout',
    (t) => {
      queueOf(t, 'ingest').Properties!.VisibilityTimeout = 5 * 120;
    },
  ],
  [
    'maxReceiveCount lowered to 3',
    'ingest retries outlast an outage (maxReceiveCount)',
    (t) => {
      queueOf(t, 'ingest').Properties!.RedrivePolicy.maxReceiveCount = 3;
    },
  ],
  [
    'log retention removed',
    'every function logs to a log group with a retention',
    (t) => {
      for (const group of ofType(t, 'AWS::Logs::LogGroup')) delete group.Properties!.RetentionInDays;
    },
  ],
  [
    'bucket policy lets CloudFront read raw/',
    'CloudFront can read the public keys and nothing else',
    (t) => {
      const deny = bucketPolicyOfContentBucket(t).find((s) => s.Effect === 'Deny' && s.NotResource !== undefined)!;
      (deny.NotResource as unknown[]).push({ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['X', 'Arn'] }, '/raw/*']] });
    },
  ],
  [
    'bucket policy without its deny of private prefixes',
    'CloudFront can read the public keys and nothing else',
    (t) => {
      const statements = bucketPolicyOfContentBucket(t);
      statements.splice(
        statements.findIndex((s) => s.Effect === 'Deny' && s.NotResource !== undefined),
        1,
      );
    },
  ],
  [
    'ingest timeout changed',
    'function timeouts and memory are as sized',
    (t) => {
      pipelineFunctions(t).ingest[1].Properties!.Timeout = 60;
    },
  ],
  [
    'publish memory changed',
    'function timeouts and memory are as sized',
    (t) => {
      pipelineFunctions(t).publish[1].Properties!.MemorySize = 512;
    },
  ],
  [
    'reserved concurrency on publish',
    'no function has reserved concurrency (a first deploy fails with it under the default quota)',
    (t) => {
      pipelineFunctions(t).publish[1].Properties!.ReservedConcurrentExecutions = 1;
    },
  ],
  [
    'publish queue made a standard queue',
    'publish is single-flight: a FIFO queue, one batch at a time',
    (t) => {
      delete queueOf(t, 'publish').Properties!.FifoQueue;
    },
  ],
  [
    'a dead-letter alarm threshold raised',
    'one message in a dead-letter queue raises its alarm',
    (t) => {
      const alarm = ofType(t, 'AWS::CloudWatch::Alarm').find(
        (a) => a.Properties!.MetricName === 'ApproximateNumberOfMessagesVisible',
      )!;
      alarm.Properties!.Threshold = 5;
    },
  ],
  [
    'the discover failure queue alarmed on any message (one transient failure pages, until someone purges)',
    'failed discover runs alarm when they repeat, not for one (the next run does the same work)',
    (t) => {
      const alarm = ofType(t, 'AWS::CloudWatch::Alarm').find(
        (a) => a.Properties!.MetricName === 'NumberOfMessagesSent',
      )!;
      Object.assign(alarm.Properties!, {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Statistic: 'Maximum',
        Period: 300,
        EvaluationPeriods: 1,
      });
      delete alarm.Properties!.DatapointsToAlarm;
    },
  ],
  [
    'the discover failure alarm on every failed run',
    'failed discover runs alarm when they repeat, not for one (the next run does the same work)',
    (t) => {
      const alarm = ofType(t, 'AWS::CloudWatch::Alarm').find(
        (a) => a.Properties!.MetricName === 'NumberOfMessagesSent',
      )!;
      Object.assign(alarm.Properties!, { EvaluationPeriods: 1, DatapointsToAlarm: 1 });
    },
  ],
  [
    'a queue-age alarm over 100 periods of 15 minutes',
    "every alarm's evaluation range is one CloudWatch accepts (a deploy fails otherwise)",
    (t) => {
      Object.assign(
        ofType(t, 'AWS::CloudWatch::Alarm').find((a) => a.Properties!.MetricName === 'ApproximateAgeOfOldestMessage')!
          .Properties!,
        { EvaluationPeriods: 100 },
      );
    },
  ],
  [
    'publish losing TOPIC_ARN',
    'every function gets every variable its handler needs',
    (t) => {
      delete pipelineFunctions(t).publish[1].Properties!.Environment.Variables[VARIABLES.topicArn];
    },
  ],
  [
    'discover losing INGEST_QUEUE_URL',
    'every function gets every variable its handler needs',
    (t) => {
      delete pipelineFunctions(t).discover[1].Properties!.Environment.Variables[VARIABLES.ingestQueueUrl];
    },
  ],
  [
    'scheduler retries removed',
    'discover retries are bounded once: scheduler delivery retries, no Lambda async retries, failures kept',
    (t) => {
      delete ofType(t, 'AWS::Scheduler::Schedule')[0]!.Properties!.Target.RetryPolicy;
    },
  ],
  [
    'Lambda async retries left on (double retries)',
    'discover retries are bounded once: scheduler delivery retries, no Lambda async retries, failures kept',
    (t) => {
      ofType(t, 'AWS::Lambda::EventInvokeConfig')[0]!.Properties!.MaximumRetryAttempts = 2;
    },
  ],
  [
    'security headers removed',
    'every CloudFront response carries the security headers',
    (t) => {
      for (const policy of ofType(t, 'AWS::CloudFront::ResponseHeadersPolicy'))
        delete policy.Properties!.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    },
  ],
  [
    'HSTS shortened on one policy',
    'every CloudFront response carries the security headers',
    (t) => {
      ofType(t, 'AWS::CloudFront::ResponseHeadersPolicy')[0]!
        .Properties!.ResponseHeadersPolicyConfig.SecurityHeadersConfig.StrictTransportSecurity.AccessControlMaxAgeSec =
        60;
    },
  ],
  [
    'Referrer-Policy removed from one policy',
    'every CloudFront response carries the security headers',
    (t) => {
      delete ofType(t, 'AWS::CloudFront::ResponseHeadersPolicy').at(-1)!.Properties!.ResponseHeadersPolicyConfig
        .SecurityHeadersConfig.ReferrerPolicy;
    },
  ],
  [
    'price class changed',
    'CloudFront price class is the cheapest',
    (t) => {
      ofType(t, 'AWS::CloudFront::Distribution')[0]!.Properties!.DistributionConfig.PriceClass = 'PriceClass_All';
    },
  ],
];

describe('operational checks of the synthesized template', () => {
  it.each(Object.keys(CHECKS) as CheckName[])('holds: %s', (name) => {
    expect(() => CHECKS[name](synthesized)).not.toThrow();
  });

  it.each(MUTATIONS)('catches: %s', (_change, check, mutate) => {
    const mutated = structuredClone(synthesized);
    mutate(mutated);
    expect(() => CHECKS[check](mutated)).toThrow();
  });

  it('keeps alarm ranges CloudWatch accepts at the largest context values too', () => {
    const largest = synthStack({ schedule: '1440', heartbeatHours: '168', storyHeartbeatDays: '7' })
      .template()
      .toJSON() as CfnTemplate;
    expect(() =>
      CHECKS["every alarm's evaluation range is one CloudWatch accepts (a deploy fails otherwise)"](largest),
    ).not.toThrow();
  });

  it('covers every check with at least one change it catches', () => {
    expect(new Set(MUTATIONS.map(([, check]) => check))).toEqual(new Set(Object.keys(CHECKS)));
  });
});
