// `npm run bench`'s rows for a whole run against the size of the site (bench/scale.ts): a backfill of
// 1,000 synthetic stories against one of 100 in the same run (stories/s and peak RSS: a backfill is
// linear in time and flat in memory), and the store operations of a no-op rerun at 10,000 stories
// against 100 (a rerun with nothing changed costs the same at any size). `npx tsx bench/scale-rows.ts`
// runs these rows alone.
import { fileURLToPath } from 'node:url';
import type { CliRunResult } from './cli-run.js';
import { backfillAndRerun, buildCliRunner, describeOperations, noopRerun, operationsOf } from './scale.js';

const fmt = (n: number, digits = 2) => n.toFixed(digits);

export async function printScaleRows(verdict: (ok: boolean) => string): Promise<void> {
  const runner = await buildCliRunner();
  console.log('\nWhole runs (syndicate run in a process of its own, folder store, synthetic site over HTTP, --rate 0)');
  console.log('stories  run        seconds  stories/s  peak RSS MB  store operations  KB read  KB written');
  const row = (stories: number, name: string, r: CliRunResult, perSecond?: number) =>
    console.log(
      `${String(stories).padStart(7)}  ${name.padEnd(9)} ${fmt(r.durationMs / 1000).padStart(8)}  ${perSecond === undefined ? '        -' : fmt(perSecond, 1).padStart(9)}  ${fmt(r.peakRssMb, 0).padStart(11)}  ${String(operationsOf(r)).padStart(16)}  ${fmt(r.operations.bytesRead / 1024, 0).padStart(7)}  ${fmt(r.operations.bytesWritten / 1024, 0).padStart(10)}`,
    );
  const backfills = [];
  for (const stories of [100, 1_000]) {
    const result = await backfillAndRerun(runner, stories);
    backfills.push(result);
    row(stories, 'backfill', result.backfill, stories / (result.backfill.durationMs / 1000));
    row(stories, 'rerun', result.noop);
  }
  // The no-op at 10,000 stories: discovery's state set up in process (every page handled); a rerun
  // touches no story, so none is stored.
  const noops: CliRunResult[] = [];
  for (const stories of [100, 10_000]) {
    const result = await noopRerun(runner, stories);
    noops.push(result);
    row(stories, 'no-op', result);
  }
  const [small, large] = backfills as [(typeof backfills)[0], (typeof backfills)[0]];
  const throughput = 1_000 / large.backfill.durationMs / (100 / small.backfill.durationMs);
  const memory = large.backfill.peakRssMb / small.backfill.peakRssMb;
  const [noop100, noop10k] = noops as [CliRunResult, CliRunResult];
  const operations = operationsOf(noop10k) / operationsOf(noop100);
  console.log('\n  backfill, 1,000 vs 100 stories (same run):');
  console.log(`    stories/s   ${fmt(throughput)}x  [>= 0.67x: linear]  ${verdict(throughput >= 0.67)}`);
  console.log(`    peak RSS    ${fmt(memory)}x  [<= 1.5x: bounded]  ${verdict(memory <= 1.5)}`);
  console.log('  no-op rerun, 10,000 vs 100 stories (same run):');
  // The bytes are discovery's head, one line per sitemap page of 2,000 URLs: a few KB.
  console.log(
    `    store operations ${fmt(operations)}x  [<= 1.5x]  ${verdict(operations <= 1.5)}; KB read ${fmt(noop10k.operations.bytesRead / 1024, 1)} vs ${fmt(noop100.operations.bytesRead / 1024, 1)}, written ${fmt(noop10k.operations.bytesWritten / 1024, 1)} vs ${fmt(noop100.operations.bytesWritten / 1024, 1)}`,
  );
  console.log(`    100: ${describeOperations(noop100)}`);
  console.log(`    10,000: ${describeOperations(noop10k)}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await printScaleRows((ok) => (ok ? 'met' : 'NOT MET'));
