// The AWS hand-over in process: discover queues pages ("queued at"), ingest settles them and leaves
// receipts, the next discover confirms them; a page queued but never stored is queued again once
// its wait is over (6 h, then twice as long each time). Memory store, replica files, a set clock.
import { describe, expect, it } from 'vitest';
import type { Candidate } from '#pipeline/discover/choose-candidates.js';
import { selectCandidates } from '#pipeline/discover/choose-candidates.js';
import {
  emptyDiscoveryState,
  isPending,
  markHandled,
  markQueued,
  mergeDiscoveryStates,
  requeueDelayMs,
} from '#pipeline/discover/discovery-state.js';
import { readWholeCrawlState } from '#pipeline/discover/crawl-store.js';
import { confirmQueuedPages, writeIngestReceipts } from '#pipeline/discover/ingest-receipts.js';
import { planDiscovery, saveDiscoveryState } from '#pipeline/discover/plan-discovery.js';
import { DEFAULT_OPTIONS } from '#pipeline/config.js';
import { ingestStory } from '#pipeline/ingest/ingest-story.js';
import type { PipelinePorts } from '#pipeline/ports.js';
import { FixtureFetcher } from '#test/helpers/fixture-fetcher.js';
import { STORY, canonical } from '#test/helpers/replica.js';
import { MemoryStore } from '#test/helpers/memory-store.js';
import { RecordingNotifier, silentLogger, testTokens } from '#test/helpers/pipeline-harness.js';

const HOUR = 60 * 60 * 1000;
const T0 = Date.parse('2026-11-25T12:00:00Z');

function awsDiscovery() {
  let now = T0;
  const ports: PipelinePorts = {
    store: new MemoryStore(),
    fetcher: new FixtureFetcher(),
    notifier: new RecordingNotifier(),
    clock: { now: () => new Date(now) },
    tokens: testTokens(),
    logger: silentLogger,
  };
  return {
    ports,
    at(offsetMs: number) {
      now = T0 + offsetMs;
    },
    /** What the discover Lambda does: plan, queue the candidates, save. Returns the queued URLs. */
    async discover(): Promise<{ queued: Candidate[]; confirmed: number }> {
      const plan = await planDiscovery(ports, { ...DEFAULT_OPTIONS });
      for (const candidate of plan.candidates) markQueued(plan.state, candidate.url, candidate.lang, ports.clock.now());
      await saveDiscoveryState(plan);
      return { queued: plan.candidates, confirmed: plan.confirmedQueued };
    },
    /** What the ingest Lambda does with one message. */
    async ingest(candidate: Candidate): Promise<void> {
      const outcome = await ingestStory(ports, {}, candidate);
      const settled =
        outcome.status === 'stored'
          ? outcome.covered.map((page) => ({
              ...page,
              outcome: page.url === candidate.url ? ('ingested' as const) : ('covered' as const),
            }))
          : [{ url: candidate.url, lang: candidate.lang, outcome: outcome.status }];
      await writeIngestReceipts(ports.store, settled, ports.clock.now());
    },
  };
}

describe('pages queued on AWS', () => {
  it('stay pending until a receipt confirms them, and are queued again when none comes', async () => {
    const aws = awsDiscovery();
    const first = await aws.discover();
    expect(first.queued.length).toBe(9);
    // Half an hour later the queue still has them: nothing is queued twice.
    aws.at(0.5 * HOUR);
    expect((await aws.discover()).queued).toEqual([]);

    // Ingest settles all but one page (its message was lost, or dead-lettered): an English story
    // with no Chinese twin, so no other page brings it along.
    const lost = first.queued.find((c) => c.url === canonical(STORY.structuredEn));
    const delivered = first.queued.filter((c) => c !== lost);
    aws.at(0.6 * HOUR);
    for (const candidate of delivered) await aws.ingest(candidate);

    aws.at(1 * HOUR);
    const confirming = await aws.discover();
    expect(confirming.confirmed).toBe(8);
    expect(confirming.queued).toEqual([]);

    // Its wait is over: the page never confirmed is queued again, and only it.
    aws.at(6 * HOUR + 60_000);
    expect((await aws.discover()).queued.map((c) => c.url)).toEqual([lost!.url]);
    // The next wait is twice as long.
    aws.at(12 * HOUR + 2 * 60_000);
    expect((await aws.discover()).queued).toEqual([]);
    aws.at(18 * HOUR + 2 * 60_000);
    expect((await aws.discover()).queued.map((c) => c.url)).toEqual([lost!.url]);

    // Delivered at last: confirmed, and never queued again.
    aws.at(18 * HOUR + 3 * 60_000);
    await aws.ingest(lost!);
    aws.at(19 * HOUR);
    expect(await aws.discover()).toEqual({ queued: [], confirmed: 1 });
    aws.at(200 * HOUR);
    expect((await aws.discover()).queued).toEqual([]);
  });

  it('does not confirm a hand-over with a receipt older than it', async () => {
    const aws = awsDiscovery();
    const { queued } = await aws.discover();
    const candidate = queued[0]!;
    // A receipt from an earlier hand-over of the same page (e.g. re-queued since).
    aws.at(-HOUR);
    await aws.ingest(candidate);
    const parsed = (await readWholeCrawlState(aws.ports.store))!;
    expect(await confirmQueuedPages(aws.ports.store, parsed)).toBe(0);
    expect(isPending(parsed.urls[candidate.url]!)).toBe(true);
  });
});

describe('queued state', () => {
  const url = 'https://www.ilo.org/resource/news/a';
  const now = new Date(T0);
  const options = { max: 100, backfill: false, firstRunWindow: 100, now };

  it('queues a page again at once when it changed since it was queued', () => {
    const state = emptyDiscoveryState();
    state.urls[url] = { lang: 'en', lastmod: '2026-11-01' };
    markQueued(state, url, 'en', now);
    expect(selectCandidates(state, false, options)).toEqual([]);
    state.urls[url]!.lastmod = '2026-11-20';
    expect(selectCandidates(state, false, options).map((c) => c.url)).toEqual([url]);
    markQueued(state, url, 'en', now);
    expect(state.urls[url]!.queued).toEqual({ at: now.toISOString(), lastmod: '2026-11-20', times: 1 });
  });

  it('reads a page an earlier version marked queued (and so handled) as queued long ago, never confirmed', () => {
    const state = emptyDiscoveryState();
    state.urls[url] = { lang: 'en', lastmod: '2026-11-01', handled: '2026-11-01', outcome: 'queued' };
    expect(isPending(state.urls[url]!)).toBe(true);
    expect(selectCandidates(state, false, options).map((c) => c.url)).toEqual([url]);
  });

  it('waits 6 h, then twice as long each time, never more than a week', () => {
    expect([1, 2, 3, 4, 5, 6].map((times) => requeueDelayMs(times) / HOUR)).toEqual([6, 12, 24, 48, 96, 168]);
    expect(requeueDelayMs(30) / HOUR).toBe(168);
  });

  it('merges overlapping runs: the latest hand-over wins, and a confirmed one stays confirmed', () => {
    const theirs = emptyDiscoveryState();
    const ours = emptyDiscoveryState();
    for (const state of [theirs, ours]) state.urls[url] = { lang: 'en', lastmod: '2026-11-01' };
    markQueued(theirs, url, 'en', new Date(T0));
    markQueued(ours, url, 'en', new Date(T0 + HOUR));
    expect(mergeDiscoveryStates(theirs, ours).urls[url]!.queued!.at).toBe(new Date(T0 + HOUR).toISOString());
    expect(mergeDiscoveryStates(ours, theirs).urls[url]!.queued!.at).toBe(new Date(T0 + HOUR).toISOString());
    // One run confirmed the hand-over (handled at its lastmod); the other still sees it queued.
    const confirmed = structuredClone(theirs);
    markHandled(confirmed, url, 'en', 'ingested', '2026-11-01');
    for (const merged of [mergeDiscoveryStates(confirmed, theirs), mergeDiscoveryStates(theirs, confirmed)]) {
      expect(merged.urls[url]).toMatchObject({ handled: '2026-11-01', outcome: 'ingested' });
      expect(merged.urls[url]!.queued).toBeUndefined();
      expect(isPending(merged.urls[url]!)).toBe(false);
    }
  });
});
