// Cost against the size of the site, the CLI as a user runs it (in a process of its own, folder store,
// politeness off) against a synthetic ILO-shaped site over HTTP: a backfill of N stories, then a no-op
// rerun of the same folder (`backfillAndRerun`); and a no-op rerun of a folder whose discovery has
// already handled every page of an N-story site, set up in process without fetching or storing the
// stories (`noopRerun`: a no-op touches no story, so this measures what a rerun costs at any size in
// seconds). `npx tsx bench/scale.ts 100 1000 10000` prints backfill and no-op for each size;
// `npm run bench` runs the rows of bench/run.ts.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { FsStore } from '../functions/adapters/fs-store.js';
import { HttpFetcher } from '../functions/adapters/http-fetcher.js';
import { systemClock } from '../functions/adapters/system-clock.js';
import { markHandled } from '../functions/pipeline/discover/discovery-state.js';
import { planDiscovery, saveDiscoveryState } from '../functions/pipeline/discover/plan-discovery.js';
import { tempDir } from '../test/helpers/temp-dir.js';
import type { CliRunResult } from './cli-run.js';
import { startSyntheticSite } from './synthetic-site.js';
import { bundleBenchEntry } from './bundle.js';

const run = promisify(execFile);

/** Bundles the CLI runner the way bench/run.ts bundles the extraction stacks: plain JavaScript, one module. */
export async function buildCliRunner(): Promise<string> {
  return bundleBenchEntry('./cli-run.ts');
}

export async function cliRun(runner: string, argv: string[]): Promise<CliRunResult> {
  const { stdout } = await run(process.execPath, [runner, JSON.stringify(argv)], {
    maxBuffer: 64 << 20,
    env: process.env,
  });
  const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as CliRunResult;
  if (result.exitStatus !== 0) throw new Error(`syndicate ${argv.join(' ')} exited with ${result.exitStatus}`);
  return result;
}

export interface ScaleResult {
  stories: number;
  backfill: CliRunResult;
  noop: CliRunResult;
}

/** A backfill of `stories` into a new folder, then a rerun that finds nothing changed. */
export async function backfillAndRerun(
  runner: string,
  stories: number,
  options: { concurrency?: number } = {},
): Promise<ScaleResult> {
  const site = await startSyntheticSite(stories);
  const data = await tempDir('ilo-scale-');
  try {
    const argv = [
      'run',
      '--origin',
      site.origin,
      '--data',
      data.dir,
      '--backfill',
      '--max',
      '0',
      '--rate',
      '0',
      '--json',
      ...(options.concurrency ? ['--concurrency', String(options.concurrency)] : []),
    ];
    const backfill = await cliRun(runner, argv);
    if (backfill.failed > 0 || backfill.newStories !== stories)
      throw new Error(`backfill of ${stories}: ${backfill.newStories} new, ${backfill.failed} failed`);
    const noop = await cliRun(runner, argv);
    if (noop.newStories + noop.updatedStories + noop.publishedVersions !== 0)
      throw new Error(`the rerun of ${stories} was not a no-op`);
    return { stories, backfill, noop };
  } finally {
    await site.close();
    await data.cleanup();
  }
}

/**
 * A no-op rerun at the size of an N-story site: the folder's discovery state is made in process by
 * the pipeline's own discovery over HTTP, every page marked handled (no story fetched or stored); one
 * CLI run then settles the publish settings, and the next, measured, finds nothing to do.
 */
export async function noopRerun(runner: string, stories: number): Promise<CliRunResult> {
  const site = await startSyntheticSite(stories);
  const data = await tempDir('ilo-noop-');
  try {
    const store = await FsStore.open(data.dir);
    const fetcher = new HttpFetcher({ origin: site.origin, requestsPerSecond: 0, concurrency: 4 });
    const silent = { info() {}, warn() {}, error() {} };
    const plan = await planDiscovery(
      { store, fetcher, logger: silent, clock: systemClock },
      { backfill: true, max: 0, mirrorOrigin: site.origin },
    );
    for (const page of plan.candidates) markHandled(plan.state, page.url, page.lang, 'ingested');
    await saveDiscoveryState(plan);
    const argv = ['run', '--origin', site.origin, '--data', data.dir, '--rate', '0', '--json'];
    await cliRun(runner, argv);
    const noop = await cliRun(runner, argv);
    if (noop.newStories + noop.updatedStories + noop.publishedVersions + noop.pendingPages !== 0)
      throw new Error(`the rerun of ${stories} was not a no-op`);
    return noop;
  } finally {
    await site.close();
    await data.cleanup();
  }
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);
/** Store operations of a run: objects read, written, listed and deleted. */
export const operationsOf = (r: CliRunResult) =>
  r.operations.get + r.operations.put + r.operations.listed + r.operations.delete;

export function printScaleRows(results: ScaleResult[]): void {
  console.log(
    'stories  run       seconds  stories/s  peak RSS MB (before publish)   gets   puts  lists  listed  deletes    MB read  MB written',
  );
  for (const { stories, backfill, noop } of results) {
    for (const [name, r] of [
      ['backfill', backfill],
      ['no-op', noop],
    ] as const) {
      const o = r.operations;
      console.log(
        `${String(stories).padStart(7)}  ${name.padEnd(8)} ${fmt(r.durationMs / 1000, 2).padStart(8)}  ${name === 'backfill' ? fmt(stories / (r.durationMs / 1000)).padStart(9) : '        -'}  ${fmt(r.peakRssMb, 0).padStart(11)} ${`(${fmt(r.peakRssMbBeforePublish, 0)})`.padStart(16)} ${String(o.get).padStart(6)} ${String(o.put).padStart(6)} ${String(o.list).padStart(6)} ${String(o.listed).padStart(7)} ${String(o.delete).padStart(8)} ${fmt(o.bytesRead / 1e6, 2).padStart(10)} ${fmt(o.bytesWritten / 1e6, 2).padStart(11)}`,
      );
    }
  }
  console.log("\nwhere the no-op rerun's operations go (gets/puts, KB read/written):");
  for (const { stories, noop } of results) console.log(`  ${String(stories).padStart(6)}: ${describeOperations(noop)}`);
}

export function describeOperations(r: CliRunResult): string {
  const kinds = Object.entries(r.operations.byKind)
    .map(([kind, k]) => `${kind} ${k.get}/${k.put} ${fmt(k.bytesRead / 1024, 0)}/${fmt(k.bytesWritten / 1024, 0)} KB`)
    .join('; ');
  return `${operationsOf(r)} operations: ${kinds}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = process.argv
    .slice(2)
    .filter((arg) => /^\d+$/.test(arg))
    .map(Number);
  const runner = await buildCliRunner();
  const results: ScaleResult[] = [];
  for (const stories of sizes.length > 0 ? sizes : [100, 1_000]) results.push(await backfillAndRerun(runner, stories));
  printScaleRows(results);
  for (const stories of [100, 10_000]) {
    console.log(
      `no-op rerun, discovery of ${stories} stories set up in process: ${describeOperations(await noopRerun(runner, stories))}`,
    );
  }
}
