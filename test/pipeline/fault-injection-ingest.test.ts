// Fault injection, ingest: a first run over the bundled replica failed at every store operation of
// its discovery and ingest in every way (the run goes on to publish what it has), then one ordinary
// run: the same public files as an uninterrupted run, every notification exactly once. Publish's own
// operations are covered by fault-injection-publish.test.ts.
import { describe, expect, it, vi } from 'vitest';
import type { Store } from '#pipeline/ports.js';
import { casesOf, referenceOf, runFaultCases } from '#test/helpers/fault-suite.js';
import { MemoryStore } from '#test/helpers/memory-store.js';
import { FlakyStore } from '#test/helpers/faulty-store.js';
import { seededRandom } from '#test/helpers/interleaving.js';
import { RecordingNotifier, pipelineHarness } from '#test/helpers/pipeline-harness.js';
import { publicFiles } from '#test/helpers/public-files.js';

vi.mock('#pipeline/extract/extract-article.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('#pipeline/extract/extract-article.js')>();
  const { memoizeExtraction } = await import('#test/helpers/memoized-rendering.js');
  return { ...actual, extractArticle: memoizeExtraction(actual.extractArticle) };
});
vi.mock('#pipeline/publish/markdown-html.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('#pipeline/publish/markdown-html.js')>();
  const { memoizeText } = await import('#test/helpers/memoized-rendering.js');
  return { ...actual, markdownToHtml: memoizeText(actual.markdownToHtml) };
});
vi.mock('#pipeline/publish/feeds/atom.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('#pipeline/publish/feeds/atom.js')>();
  const { memoizeByJson } = await import('#test/helpers/memoized-rendering.js');
  return { ...actual, renderAtom: memoizeByJson(actual.renderAtom) };
});
vi.mock('#pipeline/publish/feeds/rss.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('#pipeline/publish/feeds/rss.js')>();
  const { memoizeByJson } = await import('#test/helpers/memoized-rendering.js');
  return { ...actual, renderRss: memoizeByJson(actual.renderRss) };
});
vi.mock('#pipeline/publish/feeds/json-feed.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('#pipeline/publish/feeds/json-feed.js')>();
  const { memoizeByJson } = await import('#test/helpers/memoized-rendering.js');
  return { ...actual, renderJsonFeed: memoizeByJson(actual.renderJsonFeed) };
});

const T0 = Date.parse('2026-11-25T12:00:00Z');

function runStep(store: Store, notifier: RecordingNotifier, at: number): Promise<unknown> {
  return pipelineHarness({ store, notifier, clock: { now: () => new Date(T0 + at) } }).run();
}

// Hundreds of whole runs: fixed CPU work (about 12 s on an idle machine) that a loaded one stretches
// several times over. The timeout is there to catch a hang, not to judge speed.
const FAULT_SUITE = { timeout: 180_000 };

describe('a first run failed at every store operation of its ingest, then run again', FAULT_SUITE, () => {
  it('publishes every story, and notifies each once', async () => {
    const scenario = { before: new MemoryStore(), step: runStep };
    const reference = await referenceOf(scenario);
    // Discovery and ingest: everything before publish lists its queue.
    const publishStarts = reference.operations.findIndex((op) => op.kind === 'list' && op.key === 'state/outbox/');
    const cases = casesOf(reference.operations.slice(0, publishStarts));
    const figures = await runFaultCases(scenario, cases, reference);
    console.info(
      `fault injection, first run's ingest: ${publishStarts} store operations, ${figures.runs} runs, ${figures.faultsInjected} faults injected, ${figures.storiesLost} stories lost, ${figures.duplicateNotifications} duplicate notifications`,
    );
    expect(figures.failures).toEqual([]);
    expect(figures.faultsInjected).toBe(cases.length);
    expect(figures.storiesLost).toBe(0);
    expect(figures.duplicateNotifications).toBe(0);
  });
});

describe('a run on a store that fails 10% of its operations, then an ordinary run', FAULT_SUITE, () => {
  it('publishes every story, and notifies each once', async () => {
    const reference = await referenceOf({ before: new MemoryStore(), step: runStep });
    let injected = 0;
    for (let seed = 1; seed <= 8; seed++) {
      const store = new MemoryStore();
      const notifier = new RecordingNotifier();
      const flaky = new FlakyStore(store, seededRandom(seed), 0.1);
      await runStep(flaky, notifier, 0).catch(() => undefined);
      injected += flaky.injected;
      await runStep(store, notifier, 60 * 60 * 1000);
      expect(await publicFiles(store), `seed ${seed}`).toEqual(reference.files);
      expect(notifier.keys().sort(), `seed ${seed}`).toEqual(reference.notified);
    }
    console.info(
      `fault injection, runs on a store failing 10% of operations: 8 runs, ${injected} faults injected, then 8 reruns, 0 stories lost, 0 duplicate notifications`,
    );
  });
});
