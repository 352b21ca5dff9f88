// Fault injection, publish: a publish of the ingested bundled replica (and of an update of it, and of
// new stories that push older ones into the archive), failed at every store operation in every way,
// then one ordinary publish: the same public files as an uninterrupted publish, every notification
// exactly once. The figures are printed and recorded in docs/NOTES.md.
import { describe, expect, it, vi } from 'vitest';
import type { Store } from '#pipeline/ports.js';
import { publishPending } from '#pipeline/publish/publish.js';
import { type FaultScenario, casesOf, referenceOf, runFaultCases } from '#test/helpers/fault-suite.js';
import { FaultyStore } from '#test/helpers/faulty-store.js';
import { MemoryStore } from '#test/helpers/memory-store.js';
import {
  HARNESS_PUBLIC_URL,
  RecordingNotifier,
  pipelineHarness,
  silentLogger,
  testTokens,
} from '#test/helpers/pipeline-harness.js';
import { SiteCopy } from '#test/helpers/replica-site.js';
import { STORY } from '#test/helpers/replica.js';
import { dayOf, storeSyntheticStory } from '#test/helpers/synthetic-stories.js';

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

function publishStep(store: Store, notifier: RecordingNotifier, at: number): Promise<unknown> {
  const ports = {
    store,
    notifier,
    fetcher: {
      fetch: async () => {
        throw new Error('publish fetches nothing');
      },
    },
    clock: { now: () => new Date(T0 + at) },
    tokens: testTokens(),
    logger: silentLogger,
  };
  return publishPending(ports, { publicUrl: HARNESS_PUBLIC_URL, contentMode: 'full', generator: 'test' });
}

/** A run that ingests and stops where its publish would start: the store publish finds. */
async function ingestOnly(store: MemoryStore, root?: string, at = 0): Promise<void> {
  const stopAtPublish = new FaultyStore(store, {
    trigger: { match: (op) => op.kind === 'list' && op.key === 'state/outbox/' },
    mode: 'crash-before',
  });
  const harness = pipelineHarness({
    store: stopAtPublish,
    ...(root ? { root } : {}),
    clock: { now: () => new Date(T0 - 86_400_000 + at) },
  });
  await expect(harness.run()).rejects.toThrow(/injected fault/);
}

async function check(name: string, scenario: FaultScenario): Promise<void> {
  const reference = await referenceOf(scenario);
  const figures = await runFaultCases(scenario, casesOf(reference.operations), reference);
  console.info(
    `fault injection, ${name}: ${figures.operations} store operations, ${figures.runs} runs, ${figures.faultsInjected} faults injected, ${figures.storiesLost} stories lost, ${figures.duplicateNotifications} duplicate notifications`,
  );
  expect(figures.failures).toEqual([]);
  expect(figures.faultsInjected).toBe(casesOf(reference.operations).length);
  expect(figures.storiesLost).toBe(0);
  expect(figures.duplicateNotifications).toBe(0);
}

// Each case is hundreds of publishes: fixed CPU work (5-20 s on an idle machine) that a loaded one
// stretches several times over. The timeout is there to catch a hang, not to judge speed.
const FAULT_SUITE = { timeout: 180_000 };

describe('a publish failed at every store operation, then published again', FAULT_SUITE, () => {
  it('the first publish of the bundled replica', async () => {
    const before = new MemoryStore();
    await ingestOnly(before);
    await check('first publish of the replica', { before, step: publishStep });
  });

  it('a publish of updated stories', async () => {
    const site = await SiteCopy.create();
    try {
      const before = new MemoryStore();
      await pipelineHarness({
        store: before,
        root: site.root,
        clock: { now: () => new Date(T0 - 2 * 86_400_000) },
      }).run();
      await site.editPage(STORY.seedZh, (html) =>
        html.replace('<div class="ilo--richtext">', '<div class="ilo--richtext"><p>更新：新增段落。</p>'),
      );
      await site.setLastmod(STORY.seedZh, '2026-02-01T09:00:00+01:00');
      await site.editPage(STORY.structuredEn, (html) =>
        html.replace('<div class="ilo--richtext">', '<div class="ilo--richtext"><p>Update: a new paragraph.</p>'),
      );
      await site.setLastmod(STORY.structuredEn, '2026-02-01T09:00:00+01:00');
      await ingestOnly(before, site.root, 3600_000);
      await check('publish of two updated stories', { before, step: publishStep });
    } finally {
      await site.cleanup();
    }
  });

  it('a publish whose new stories push older ones into the archive', async () => {
    const before = new MemoryStore();
    for (let i = 0; i < 50; i++) await storeSyntheticStory(before, i, dayOf(i));
    await publishStep(before, new RecordingNotifier(), -3600_000);
    for (let i = 0; i < 3; i++) await storeSyntheticStory(before, 100 + i, '2026-02-01');
    await check('publish evicting into the archive', { before, step: publishStep });
  });
});
