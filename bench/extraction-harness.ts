// Measures one extraction stack over one page set and prints one JSON line: per-page median ms,
// pages per second, peak RSS of the process, pages whose output leaks page chrome. Each stack is its
// own entry (bench/stacks/*.ts), compiled and run in a process of its own, so the memory of one
// stack's libraries never counts against another.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { type BenchPage, CHROME_MARKERS, largePage, replicaPages } from './pages.js';

export type Stack = (page: BenchPage) => Promise<string> | string;

/**
 * Page sets: `replica` (the replica's article pages), `large` (the ~300 KB page), `memory`
 * (both together, the same 5 rounds for every stack: the workload peak memory is compared on), and
 * `huge` (one 6 MB page: what the body limits hold; ours only).
 */
export interface MeasureOptions {
  checksChrome: boolean;
  rounds: { replica: number; large: number; huge?: number };
  /**
   * The parse-only floor, timed on the same page right before the stack, in the same process: the
   * ratio of the two then does not depend on how busy the machine was at one moment or another.
   */
  floor?: Stack;
}

export async function measure(stackName: string, stack: Stack, options: MeasureOptions): Promise<void> {
  const setName =
    (['replica', 'large', 'memory', 'huge'] as const).find((name) => name === process.argv[2]) ?? 'replica';
  const pages =
    setName === 'large'
      ? [largePage()]
      : setName === 'huge'
        ? [largePage(6_000_000)]
        : setName === 'memory'
          ? [...replicaPages(), largePage()]
          : replicaPages();
  const rounds = Number(process.env.BENCH_ROUNDS ?? (setName === 'memory' ? 5 : (options.rounds[setName] ?? 2)));
  // Warm up (JIT), then time each page on its own; between pages, yield to the event loop outside
  // the timed part: in a loop that never yields, Node 20 never frees jsdom windows.
  for (const page of pages) await stack(page);
  const samples: number[] = [];
  const floorSamples: number[] = [];
  let leaks = 0;
  let outputChars = 0;
  for (let round = 0; round < rounds; round++) {
    for (const page of pages) {
      await yieldToEventLoop();
      if (options.floor) {
        const floorStart = process.hrtime.bigint();
        await options.floor(page);
        floorSamples.push(Number(process.hrtime.bigint() - floorStart) / 1e6);
      }
      const start = process.hrtime.bigint();
      const output = await stack(page);
      samples.push(Number(process.hrtime.bigint() - start) / 1e6);
      outputChars = Math.max(outputChars, output.length);
      if (round === 0 && options.checksChrome && CHROME_MARKERS.some((marker) => output.includes(marker))) leaks++;
    }
  }
  samples.sort((a, b) => a - b);
  floorSamples.sort((a, b) => a - b);
  const mean = samples.reduce((sum, value) => sum + value, 0) / samples.length;
  console.log(
    JSON.stringify({
      stack: stackName,
      set: setName,
      pages: pages.length,
      pageKb: Math.round(pages.reduce((sum, page) => sum + Buffer.byteLength(page.html), 0) / pages.length / 1024),
      samples: samples.length,
      medianMs: samples[Math.floor(samples.length / 2)]!,
      pagesPerSecond: 1000 / mean,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      chromeLeaks: options.checksChrome ? leaks : null,
      outputKb: Math.round(outputChars / 1024),
      ...(floorSamples.length > 0 ? { floorMedianMs: floorSamples[Math.floor(floorSamples.length / 2)]! } : {}),
    }),
  );
}
