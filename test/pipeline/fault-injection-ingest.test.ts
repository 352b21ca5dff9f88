// Fault injection, ingest: a first run over the bundled replica failed at every store operation of
// its discovery and ingest in every way (the run goes on to publish what it has), then one ordinary
// run: the same public files as an uninterrupted run, every notification exactly once. Publish's own
// operations are covered by fault-injection-publish.test.ts.
import { describe, expect, it, vi } from 'vitest';
import type { Store } from '../../functions/pipeline/ports.js';
import { casesOf, referenceOf, runFaultCases } from '../helpers/fault-suite.js';
import { MemoryStore } from '../helpers/memory-store.js';
import { type RecordingNotifier, pipelineHarness } from '../helpers/pipeline-harness.js';

vi.mock('../../functions/pipeline/extract/extract-article.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../functions/pipeline/extract/extract-article.js')>();
  const { memoizeExtraction } = await import('../helpers/memoized-rendering.js');
  return { ...actual, extractArticle: memoizeExtraction(actual.extractArticle) };
});
vi.mock('../../functions/pipeline/publish/markdown-html.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../functions/pipeline/publish/markdown-html.js')>();
  const { memoizeText } = await import('../helpers/memoized-rendering.js');
  return { ...actual, markdownToHtml: memoizeText(actual.markdownToHtml) };
});

const T0 = Date.parse('2026-11-25T12:00:00Z');

function runStep(store: Store, notifier: RecordingNotifier, at: number): Promise<unknown> {
  return pipelineHarness({ store, notifier, clock: { now: () => new Date(T0 + at) } }).run();
}

describe('a first run failed at every store operation of its ingest, then run again', () => {
  it('publishes every story, and notifies each once', async () => {
    const scenario = { before: new MemoryStore(), step: runStep };
    const reference = await referenceOf(scenario);
    // Discovery and ingest: everything before publish lists its queue.
    const publishStarts = reference.operations.findIndex((op) => op.kind === 'list' && op.key === 'state/outbox/');
    const cases = casesOf(reference.operations.slice(0, publishStarts));
    const figures = await runFaultCases(scenario, cases);
    console.info(`fault injection, first run's ingest: ${publishStarts} store operations, ${figures.runs} runs, ${figures.faultsInjected} faults injected, ${figures.storiesLost} stories lost, ${figures.duplicateNotifications} duplicate notifications`);
    expect(figures.failures).toEqual([]);
    expect(figures.faultsInjected).toBe(cases.length);
    expect(figures.storiesLost).toBe(0);
    expect(figures.duplicateNotifications).toBe(0);
  });
});
