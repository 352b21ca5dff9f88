// Cold start of each Lambda bundle as the runtime meets it: the stack synthesized with bundling (as
// `cdk deploy` bundles), then each bundle imported in a fresh Node 24 process (the runtime's major)
// with its template environment, 5 times each, interleaved so the machine's load falls on all alike.
// Timed inside the process: the import of the module and everything it loads (the AWS SDK clients
// from node_modules, as the runtime provides them), not Node's own start; wall time and the process's
// CPU time (less moved by the machine's load). A baseline is timed in the same rounds: the S3 client
// alone, which every function loads for its store, so a figure can be read against the floor it has.
import { execFile } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { App } from 'aws-cdk-lib';
import { VARIABLES } from '../functions/handlers/deployment.js';
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
  /** discover, ingest, publish, or the baseline. */
  service: string;
  samplesMs: number[];
  medianMs: number;
  /** CPU time of the process during the import (user + system), median. */
  medianCpuMs: number;
}

/** The baseline row: the S3 client alone, as every function imports it. */
export const BASELINE = '(S3 client alone)';

export async function benchColdImports(rounds = 5): Promise<ColdImport[]> {
  const node = lambdaNode();
  const outdir = await mkdtemp(path.join(ROOT, 'cdk.out.test-bench-'));
  try {
    const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
    const stack = new SyndicationStack(app, 'Bench', { config: readConfig(() => undefined) });
    const template = app.synth().getStackByName(stack.stackName).template as {
      Resources: Record<
        string,
        {
          Type: string;
          Properties: { Environment: { Variables: Record<string, unknown> } };
          Metadata?: Record<string, string>;
        }
      >;
    };
    const functions = Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.['aws:asset:path'])
      .map((r) => {
        const variables = r.Properties.Environment.Variables;
        const environment = Object.fromEntries(
          Object.entries(variables).map(([name, value]) => [
            name,
            typeof value === 'string' ? value : (DEPLOYED[name] ?? 'x'),
          ]),
        );
        return {
          service: variables.POWERTOOLS_SERVICE_NAME as string,
          bundle: path.join(outdir, r.Metadata!['aws:asset:path']!, 'index.mjs'),
          environment,
        };
      });
    // The baseline runs beside the bundles (so the SDK resolves from the project's node_modules).
    const targets = [
      ...functions.map((f) => ({ ...f, specifier: pathToFileURL(f.bundle).href })),
      { service: BASELINE, bundle: functions[0]!.bundle, specifier: '@aws-sdk/client-s3', environment: {} },
    ];
    const samples = new Map<string, { wall: number; cpu: number }[]>(targets.map((t) => [t.service, []]));
    // A first round reads the files into the page cache and is not counted.
    for (let round = -1; round < rounds; round++) {
      for (const target of targets) {
        const script = `const c = process.cpuUsage(); const t = performance.now(); await import(${JSON.stringify(target.specifier)}); const w = performance.now() - t; const u = process.cpuUsage(c); console.log(w, (u.user + u.system) / 1000);`;
        const { stdout } = await run(node, ['--input-type=module', '-e', script], {
          cwd: path.dirname(target.bundle),
          env: {
            PATH: process.env.PATH ?? '',
            AWS_REGION: 'eu-west-1',
            AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
            ...target.environment,
          },
        });
        const [wall, cpu] = stdout.trim().split('\n').at(-1)!.split(' ').map(Number) as [number, number];
        if (round >= 0) samples.get(target.service)!.push({ wall, cpu });
      }
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    return targets.map(({ service }) => {
      const taken = samples.get(service)!;
      return {
        service,
        samplesMs: taken.map((s) => s.wall),
        medianMs: median(taken.map((s) => s.wall)),
        medianCpuMs: median(taken.map((s) => s.cpu)),
      };
    });
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}

/** Prints the figures with the load they were taken under (part of `npm run bench`; alone: `npx tsx bench/cold-import.ts`). */
export async function printColdImports(verdict: (ok: boolean) => string): Promise<void> {
  const fmt = (n: number, digits: number) => n.toFixed(digits);
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
  console.log('\nCold import of each Lambda bundle under Node 24 (fresh process each time, 5 each, interleaved)');
  console.log(`load average before: ${load()} (${availableParallelism()} CPUs)`);
  console.log('function            median ms  cpu ms  over S3 alone   samples ms');
  const cold = await benchColdImports();
  const floor = cold.find((c) => c.service === BASELINE)!;
  for (const { service, medianMs, medianCpuMs, samplesMs } of cold) {
    const target =
      service === BASELINE ? '' : `  [< ${COLD_IMPORT_TARGET_MS} ms] ${verdict(medianMs < COLD_IMPORT_TARGET_MS)}`;
    const over = service === BASELINE ? '' : `+${fmt(medianMs - floor.medianMs, 0)}`;
    console.log(
      `${service.padEnd(18)} ${fmt(medianMs, 1).padStart(10)} ${fmt(medianCpuMs, 0).padStart(7)} ${over.padStart(14)}   ${samplesMs.map((ms) => fmt(ms, 0)).join(', ')}${target}`,
    );
  }
  console.log(`load average after: ${load()}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1])
  await printColdImports((ok) => (ok ? 'met' : 'NOT MET'));
