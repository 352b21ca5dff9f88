#!/usr/bin/env node
// The CDK app (`npx cdk synth`, `npx cdk deploy`). Only wiring: see lib/.
import { App } from 'aws-cdk-lib';
import { SyndicationStack } from '../lib/syndication-stack.js';

const app = new App();
new SyndicationStack(app, 'IloSyndication');
