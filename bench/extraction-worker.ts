// One extraction stack over one page set, in a process of its own so its peak memory is its own.
// Usage (bench/run.ts compiles it first): node extraction-worker.mjs <ours|peer|parse-only> <replica|large>
// Prints one JSON line: per-page median ms, pages per second, peak RSS, chrome leaks.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { type BenchPage, CHROME_MARKERS, largePage, replicaPages } from './pages.js';

type Stack = (page: BenchPage) => Promise<string> | string;

async function loadStack(name: string): Promise<Stack> {
  if (name === 'ours') {
    const { extractArticle } = await import('../functions/pipeline/extract/extract-article.js');
    return (page) => {
      const article = extractArticle(page.html, { url: page.url, lang: page.lang });
      return `${article.title}\n${article.summary ?? ''}\n${article.markdown}`;
    };
  }
  if (name === 'peer') {
    // The usual stack: a browser-like DOM, Mozilla's Readability, turndown on what it keeps.
    const { JSDOM } = await import('jsdom');
    const { Readability } = await import('@mozilla/readability');
    const { default: TurndownService } = await import('turndown');
    const turndown = new TurndownService({ headingStyle: 'atx' });
    return (page) => {
      const dom = new JSDOM(page.html, { url: page.url });
      try {
        const article = new Readability(dom.window.document).parse();
        return `${article?.title ?? ''}\n${article?.excerpt ?? ''}\n${article?.content ? turndown.turndown(article.content) : ''}`;
      } finally {
        dom.window.close();
      }
    };
  }
  if (name === 'parse-only') {
    // The floor: tokenizing the page with htmlparser2 and doing nothing with it.
    const { Parser } = await import('htmlparser2');
    return (page) => {
      const parser = new Parser({});
      parser.write(page.html);
      parser.end();
      return '';
    };
  }
  throw new Error(`unknown stack ${name}`);
}

const [stackName = 'ours', setName = 'replica'] = process.argv.slice(2);
const pages = setName === 'large' ? [largePage()] : replicaPages();
const rounds = Number(process.env.BENCH_ROUNDS ?? (setName === 'large' ? (stackName === 'peer' ? 3 : 15) : stackName === 'peer' ? 5 : 60));
const stack = await loadStack(stackName);

// Warm up (JIT), then measure each page on its own; between pages, yield to the event loop outside
// the timed part: in a loop that never yields, Node 20 never frees jsdom windows.
for (const page of pages) await stack(page);
const samples: number[] = [];
let leaks = 0;
for (let round = 0; round < rounds; round++) {
  for (const page of pages) {
    await yieldToEventLoop();
    const start = process.hrtime.bigint();
    const output = await stack(page);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (round === 0 && stackName !== 'parse-only' && CHROME_MARKERS.some((marker) => output.includes(marker))) leaks++;
  }
}
samples.sort((a, b) => a - b);
const median = samples[Math.floor(samples.length / 2)]!;
const mean = samples.reduce((sum, value) => sum + value, 0) / samples.length;
console.log(
  JSON.stringify({
    stack: stackName,
    set: setName,
    pages: pages.length,
    pageKb: Math.round(pages.reduce((sum, page) => sum + Buffer.byteLength(page.html), 0) / pages.length / 1024),
    samples: samples.length,
    medianMs: median,
    pagesPerSecond: 1000 / mean,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    chromeLeaks: stackName === 'parse-only' ? null : leaks,
  }),
);
