// Cold start of each Lambda bundle as the runtime meets it: the stack synthesized with bundling (as
// `cdk deploy` bundles), then each bundle imported in a fresh Node 24 process (the runtime's major)
// with its template environment, 5 times each, interleaved so the machine's load falls on all alike.
// Timed inside the process: the import of the module and everything it loads (the AWS SDK clients
// from node_modules, as the runtime provides them), not Node's own start.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { App } from 'aws-cdk-lib';
import { VARIABLES } from '../functions/handlers/handler-config.js';
import { readConfig } from '../lib/config.js';
import { SyndicationStack } from '../lib/syndication-stack.js';
import { lambdaNode } from '../test/helpers/lambda-node.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const COLD_IMPORT_TARGET_MS = 150;

/** Stand-ins for the values the template resolves on deployment (imports only build clients). */
const DEPLOYED: Record<string, string> = {
  [VARIABLES.bucket]: 'ilo-syndication-content',
  [VARIABLES.topicArn]: 'arn:aws:sns:eu-west-1:123456789012:ilo-news',
  [VARIABLES.ingestQueueUrl]: 'https://sqs.eu-west-1.amazonaws.com/123456789012/ingest',
  [VARIABLES.publishQueueUrl]: 'https://sqs.eu-west-1.amazonaws.com/123456789012/publish.fifo',
  [VARIABLES.publicUrl]: 'https://d111111abcdef8.cloudfront.net',
  [VARIABLES.distributionId]: 'E2QWRUHEXAMPLE',
};

export interface ColdImport {
  service: string;
  samplesMs: number[];
  medianMs: number;
}

export async function benchColdImports(rounds = 5): Promise<ColdImport[]> {
  const node = lambdaNode();
  const outdir = await mkdtemp(path.join(ROOT, 'cdk.out.test-bench-'));
  try {
    const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
    const stack = new SyndicationStack(app, 'Bench', { config: readConfig(() => undefined) });
    const template = app.synth().getStackByName(stack.stackName).template as { Resources: Record<string, { Type: string; Properties: any; Metadata?: Record<string, string> }> };
    const functions = Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.['aws:asset:path'])
      .map((r) => {
        const variables = r.Properties.Environment.Variables as Record<string, unknown>;
        const environment = Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, typeof value === 'string' ? value : DEPLOYED[name] ?? 'x']));
        return { service: variables.POWERTOOLS_SERVICE_NAME as string, bundle: path.join(outdir, r.Metadata!['aws:asset:path']!, 'index.mjs'), environment };
      });
    const samples = new Map<string, number[]>(functions.map((f) => [f.service, []]));
    for (let round = 0; round < rounds; round++) {
      for (const fn of functions) {
        const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(fn.bundle).href)}); console.log(performance.now() - t);`;
        const { stdout } = await run(node, ['--input-type=module', '-e', script], {
          env: { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-1', AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand', ...fn.environment },
        });
        samples.get(fn.service)!.push(Number(stdout.trim().split('\n').at(-1)));
      }
    }
    return functions.map(({ service }) => {
      const sorted = [...samples.get(service)!].sort((a, b) => a - b);
      return { service, samplesMs: samples.get(service)!, medianMs: sorted[Math.floor(sorted.length / 2)]! };
    });
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}
