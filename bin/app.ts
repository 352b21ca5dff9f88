#!/usr/bin/env node
// The CDK app (`npx cdk synth`, `npx cdk deploy`): reads the context, builds the stack, runs the
// cdk-nag AwsSolutions checks on every synth (each accepted finding is acknowledged, with its
// reason, beside the construct it concerns). Only wiring: see lib/.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readConfig } from '../lib/config.js';
import { SyndicationStack } from '../lib/syndication-stack.js';

const app = new App();
const config = readConfig((key) => app.node.tryGetContext(key));
new SyndicationStack(app, app.node.tryGetContext('stackName') ?? 'IloSyndication', {
  config,
  description: 'ILO news syndication: feeds, partner exports and notifications from www.ilo.org',
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
