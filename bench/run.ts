// `npm run bench`: extraction (ours, the usual jsdom + Readability + turndown stack, and the bare
// parse floor, each in its own process), publishing cost against archive size, and a whole run's cost
// against the size of the site (backfill and no-op rerun, bench/scale-rows.ts). Prints figures
// and the ratios the targets are stated in, all measured in this run.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { BENCH_BUNDLE, BUILD, REQUIRE_BANNER } from './bundle.js';
import { printColdImports } from './cold-import.js';
import { printScaleRows } from './scale-rows.js';
import { benchPublish } from './publish-bench.js';

const run = promisify(execFile);
// Each stack runs as plain JavaScript (compiled here with esbuild, packages left as imports) in a
// process of its own: no TypeScript loader, and no other stack's libraries, in the measured process.
const STACKS = ['parse-only', 'ours', 'peer'] as const;
// Our stack and the floor are bundled the way the Lambdas are (everything in one ES module, lazily
// imported modules initialized on first use); jsdom cannot be bundled, so the peer keeps its imports.

await build({
  ...BENCH_BUNDLE,
  entryPoints: ['ours', 'parse-only'].map((stack) => fileURLToPath(new URL(`./stacks/${stack}.ts`, import.meta.url))),
  banner: REQUIRE_BANNER,
});
await build({
  ...BENCH_BUNDLE,
  entryPoints: [fileURLToPath(new URL('./stacks/peer.ts', import.meta.url))],
  packages: 'external',
});

interface ExtractionResult {
  stack: string;
  set: string;
  pages: number;
  pageKb: number;
  samples: number;
  medianMs: number;
  pagesPerSecond: number;
  peakRssMb: number;
  chromeLeaks: number | null;
  floorMedianMs?: number;
  outputKb?: number;
}

async function extraction(stack: string, set: string): Promise<ExtractionResult> {
  const { stdout } = await run(process.execPath, [`${BUILD}${stack}.mjs`, set], {
    maxBuffer: 1 << 20,
    env: process.env,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as ExtractionResult;
}

const fmt = (n: number, digits = 2) => n.toFixed(digits);
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT MET');

console.log(`Node ${process.version} on ${process.arch}; each stack runs in its own process.\n`);
console.log('Extraction + Markdown');
console.log('set                    stack       pages  KB/page  median ms/page  pages/s   peak RSS MB  chrome leaks');
// (peak RSS here is for each run's own rounds; the memory target is judged on the shared workload below)
const results: Record<string, ExtractionResult> = {};
for (const set of ['replica', 'large']) {
  for (const stack of STACKS) {
    const result = await extraction(stack, set);
    results[`${set}/${stack}`] = result;
    console.log(
      `${set.padEnd(22)} ${stack.padEnd(11)} ${String(result.pages).padStart(5)}  ${String(result.pageKb).padStart(7)}  ${fmt(result.medianMs, 3).padStart(14)}  ${fmt(result.pagesPerSecond, 1).padStart(8)}  ${fmt(result.peakRssMb, 0).padStart(11)}  ${result.chromeLeaks === null ? '-' : `${result.chromeLeaks}/${result.pages}`}`,
    );
  }
}
console.log(
  '\nPeak memory, the same workload for each stack (all pages above, 5 rounds, one process; median of 3 processes)',
);
for (const stack of ['ours', 'peer']) {
  // A garbage-collected process peaks where its collector happens to run: take the middle of three.
  const runs: ExtractionResult[] = [];
  for (let i = 0; i < 3; i++) runs.push(await extraction(stack, 'memory'));
  runs.sort((a, b) => a.peakRssMb - b.peakRssMb);
  results[`memory/${stack}`] = runs[1]!;
  console.log(
    `  ${stack.padEnd(5)} peak RSS ${fmt(runs[1]!.peakRssMb, 0)} MB (runs: ${runs.map((run) => fmt(run.peakRssMb, 0)).join(', ')}; Node itself is about 40 MB of it)`,
  );
}
// The body limits (docs/ARCHITECTURE.md, "Limits"): a 6 MB page costs what a long story does.
const huge = await extraction('ours', 'huge');
console.log(
  `\nA 6 MB page (${huge.pageKb} KB), ours: ${fmt(huge.medianMs, 0)} ms, peak RSS ${fmt(huge.peakRssMb, 0)} MB, Markdown out ${huge.outputKb} KB`,
);
const r = (set: string, stack: string) => results[`${set}/${stack}`]!;
const replicaSpeedup = r('replica', 'ours').pagesPerSecond / r('replica', 'peer').pagesPerSecond;
const largeSpeedup = r('large', 'ours').pagesPerSecond / r('large', 'peer').pagesPerSecond;
// Against the floor timed page by page in the same process (the separate parse-only row is for reference).
const floorRatio = r('replica', 'ours').medianMs / r('replica', 'ours').floorMedianMs!;
const memory = r('memory', 'ours').peakRssMb / r('memory', 'peer').peakRssMb;
console.log('\nRatios (target in brackets)');
console.log(
  `  throughput vs peer, replica pages   ${fmt(replicaSpeedup, 1)}x  [>= 40x]  ${verdict(replicaSpeedup >= 40)}`,
);
console.log(`  throughput vs peer, 300 KB page     ${fmt(largeSpeedup, 1)}x  [>= 10x]  ${verdict(largeSpeedup >= 10)}`);
console.log(
  `  median time vs parse-only floor     ${fmt(floorRatio, 2)}x  [<= 3x]   ${verdict(floorRatio <= 3)}  (floor ${fmt(r('replica', 'ours').floorMedianMs!, 3)} ms/page, timed alongside)`,
);
console.log(`  peak memory vs peer                 ${fmt(memory, 2)}   [<= 0.25] ${verdict(memory <= 0.25)}`);
console.log(
  `  chrome leaks: ours ${r('replica', 'ours').chromeLeaks}/${r('replica', 'ours').pages}, peer ${r('replica', 'peer').chromeLeaks}/${r('replica', 'peer').pages} replica pages`,
);

console.log('\nPublishing 10 new stories (in-memory store, operations counted)');
console.log('archive   median ms   gets  puts  lists  listed  deletes  KB read  KB written');
const publish = [];
for (const archive of [100, 10_000]) {
  const result = await benchPublish(archive);
  publish.push(result);
  const c = result.counts;
  console.log(
    `${String(archive).padStart(7)}  ${fmt(result.medianMs, 1).padStart(10)}  ${String(c.get).padStart(5)} ${String(c.put).padStart(5)} ${String(c.list).padStart(6)} ${String(c.listed).padStart(7)} ${String(c.delete).padStart(8)} ${String(Math.round(c.bytesRead / 1024)).padStart(8)} ${String(Math.round(c.bytesWritten / 1024)).padStart(11)}`,
  );
}
const [small, big] = publish as [(typeof publish)[0], (typeof publish)[0]];
const timeRatio = big.medianMs / small.medianMs;
const opsRatio =
  (big.counts.get + big.counts.put + big.counts.listed + big.counts.delete) /
  (small.counts.get + small.counts.put + small.counts.listed + small.counts.delete);
console.log(
  `\n  10,000 vs 100: time ${fmt(timeRatio, 2)}x, store operations ${fmt(opsRatio, 2)}x  [<= 1.5x]  ${verdict(timeRatio <= 1.5 && opsRatio <= 1.5)}`,
);

await printScaleRows(verdict);

await printColdImports(verdict);
