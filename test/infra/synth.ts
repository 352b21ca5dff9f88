// Synthesizes the stack for assertions: fast (no bundling, no CloudFormation validation), one
// synth per context.
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readConfig } from '#lib/config.js';
import { SyndicationStack } from '#lib/syndication-stack.js';

export function synthStack(context: Record<string, unknown> = {}, options: { bundle?: boolean; nag?: boolean } = {}) {
  const app = new App({
    context: { ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }), ...context },
    builtinCloudFormationValidation: false,
  } as ConstructorParameters<typeof App>[0]);
  const stack = new SyndicationStack(app, 'Test', { config: readConfig((key) => app.node.tryGetContext(key)) });
  if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack, template: () => Template.fromStack(stack) };
}
