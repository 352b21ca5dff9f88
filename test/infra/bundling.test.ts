// The one test that bundles for real: esbuild on this machine, no Docker, ESM for Node 24. Each
// bundle must load in Node with exactly the environment the template gives it (references resolved
// to the template's resources, created in fauxqs), and fail fast with a clear message without it.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { App } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../lib/config.js';
import { SyndicationStack } from '../../lib/syndication-stack.js';
import { fauxqsEndpoint, testAwsEnv, uniqueName } from '../helpers/aws-clients.js';
import { type CfnTemplate, emulateStack } from '../helpers/emulated-stack.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('Lambda bundles', async () => {
  // Inside the project, so the bundles resolve the AWS SDK from node_modules as the Lambda runtime would provide it.
  const outdir = await mkdtemp(path.join(ROOT, 'cdk.out.test-'));
  afterAll(() => rm(outdir, { recursive: true, force: true }));
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new SyndicationStack(app, 'Bundled', { config: readConfig(() => undefined) });
  const assembly = app.synth();
  const template = assembly.getStackByName(stack.stackName).template as { Resources: Record<string, { Type: string; Properties: Record<string, any>; Metadata?: Record<string, string> }> };
  const functions = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.Runtime === 'nodejs24.x');

  it('bundles the three functions as small ES modules without the AWS SDK', async () => {
    expect(functions).toHaveLength(3);
    for (const [id, fn] of functions) {
      const asset = path.join(outdir, fn.Metadata!['aws:asset:path']!);
      const files = await readdir(asset);
      expect(files.sort(), id).toEqual(['index.mjs', 'index.mjs.map']);
      const code = await readFile(path.join(asset, 'index.mjs'), 'utf8');
      expect((await stat(path.join(asset, 'index.mjs'))).size, id).toBeLessThan(1_500_000);
      expect(code, id).not.toContain('S3ServiceException.prototype');
      // Each function loads only the SDK clients it uses.
      const clients = [...new Set([...code.matchAll(/from\s*"(@aws-sdk\/[a-z0-9-]+)"/g)].map((m) => m[1]))].sort();
      const service = fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME as string;
      expect(clients, service).toEqual(
        {
          discover: ['@aws-sdk/client-s3', '@aws-sdk/client-sqs'],
          ingest: ['@aws-sdk/client-s3', '@aws-sdk/client-sqs'],
          publish: ['@aws-sdk/client-cloudfront', '@aws-sdk/client-s3', '@aws-sdk/client-sns'],
        }[service],
      );
    }
  });

  it('loads each bundle, which refuses to start without its configuration and names what is missing', async () => {
    for (const [id, fn] of functions) {
      const entry = path.join(outdir, fn.Metadata!['aws:asset:path']!, 'index.mjs');
      const result = await run(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(`file://${entry}`)})`], {
        env: { PATH: process.env.PATH ?? '' },
      }).then(() => ({ stderr: '' }), (error: { stderr: string }) => error);
      expect(result.stderr, id).toContain('invalid configuration:');
      expect(result.stderr, id).toContain('STORE_BUCKET is not set');
    }
  });

  it('loads each bundle cleanly with exactly the environment the template gives it', async () => {
    const emulated = await emulateStack(template as CfnTemplate, {
      endpoint: fauxqsEndpoint(),
      prefix: uniqueName('bundles'),
      distribution: { id: 'E2EMULATED0001', domainName: 'd111111abcdef8.cloudfront.net' },
    });
    for (const [id, fn] of functions) {
      const entry = path.join(outdir, fn.Metadata!['aws:asset:path']!, 'index.mjs');
      const env = { PATH: process.env.PATH ?? '', ...testAwsEnv(fauxqsEndpoint()), ...emulated.environmentOf(id) };
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(`file://${entry}`)}); console.log(typeof m.handler)`], { env });
      expect(stdout.trim(), id).toBe('function');
    }
  });
}, 120_000);
