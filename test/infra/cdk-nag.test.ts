import { describe, expect, it } from 'vitest';
import { synthStack } from './synth.js';
import { assertIsError } from '#pipeline/errors.js';

describe('cdk-nag AwsSolutions', () => {
  it('reports no finding that is not acknowledged with a reason', () => {
    const { app } = synthStack({ alarmEmail: 'ops@example.org', subscriberEmails: 'a@example.org' }, { nag: true });
    // A validation plugin that reports a violation makes synthesis throw with its report.
    let report = '';
    try {
      app.synth();
    } catch (error) {
      assertIsError(error);
      report = error.message;
    }
    expect(report).toBe('');
  });

  it('would fail the synth if a finding were not acknowledged (the check can fail)', async () => {
    const { Validations } = await import('aws-cdk-lib');
    const { AwsSolutionsChecks } = await import('cdk-nag');
    const { App, Stack } = await import('aws-cdk-lib');
    const { Queue } = await import('aws-cdk-lib/aws-sqs');
    // Without the builtin CloudFormation validation, as synthStack: loading its schemas took 10 s.
    const app = new App({
      context: { 'aws:cdk:bundling-stacks': [] },
      builtinCloudFormationValidation: false,
    } as ConstructorParameters<typeof App>[0]);
    new Queue(new Stack(app, 'Bad'), 'PlainQueue'); // no DLQ, no SSL policy: AwsSolutions-SQS3/SQS4
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS/);
  });
});
