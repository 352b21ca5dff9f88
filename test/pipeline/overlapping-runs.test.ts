// Overlapping runs over a site whose pages change between rounds: five runs at once into one store,
// their store operations and fetches interleaved in many orders. Every final record holds the latest
// page text, each story has exactly as many versions as it had real changes, and each version is
// notified once.
import { describe, expect, it, onTestFinished } from 'vitest';
import type { ArticleRecord } from '#pipeline/record/article-record.js';
import { InterleavingStore, seededRandom, turns } from '#test/helpers/interleaving.js';
import { MemoryStore } from '#test/helpers/memory-store.js';
import { RecordingNotifier, pipelineHarness, steppingClock } from '#test/helpers/pipeline-harness.js';
import { STORY } from '#test/helpers/replica.js';
import { SiteCopy } from '#test/helpers/replica-site.js';

const RUNS = 5;

/** The pages edited in each round after the first, and the story each belongs to. */
const STORY_OF: Record<string, string> = {
  [STORY.seedEn]: 'ilo-partners-microsoft-strengthen-ai-skilling-china',
  [STORY.seedZh]: 'ilo-partners-microsoft-strengthen-ai-skilling-china',
  [STORY.structuredEn]: 'ilo-forum-calls-investment-care-economy-close-gender-gaps',
  [STORY.tableEn]: 'survey-shows-gains-apprentices-chinas-quality-apprenticeship-pilots',
  [STORY.tableZh]: 'survey-shows-gains-apprentices-chinas-quality-apprenticeship-pilots',
  [STORY.olderEn]: 'ilo-partners-launch-covid-19-workplace-safety-training-small-businesses',
  [STORY.regionEn]: 'youth-employment-rebounds-asia-pacific-but-informality-persists',
  [STORY.regionZh]: 'youth-employment-rebounds-asia-pacific-but-informality-persists',
  [STORY.chineseOnly]: 'zh-0320866f6ec8',
};
const ROUNDS: string[][] = [
  [STORY.seedEn, STORY.tableZh, STORY.chineseOnly, STORY.structuredEn],
  [STORY.seedEn, STORY.seedZh, STORY.regionEn, STORY.olderEn],
  [STORY.tableEn, STORY.tableZh, STORY.regionZh, STORY.seedZh, STORY.chineseOnly],
];

async function editRound(site: SiteCopy, round: number): Promise<void> {
  for (const page of ROUNDS[round - 1]!) {
    const zh = page.startsWith('/zh-hans/');
    await site.editPage(page, (html) =>
      html.replace(
        '<div class="ilo--richtext">',
        `<div class="ilo--richtext">\n<p>${zh ? `第${round}次更新：新增段落。` : `Update ${round}: a new paragraph.`}</p>`,
      ),
    );
    await site.setLastmod(page, `2026-0${round + 1}-01T09:00:00+01:00`);
  }
}

async function records(store: MemoryStore): Promise<Map<string, ArticleRecord>> {
  const found = new Map<string, ArticleRecord>();
  for await (const key of store.list('articles/')) {
    if (key.endsWith('/meta.json')) {
      const record = JSON.parse((await store.get(key))!.body) as ArticleRecord;
      found.set(record.id, record);
    }
  }
  return found;
}

describe('overlapping runs while stories are edited', () => {
  it.each([1, 3])(
    'end with the latest text, one version per real change, each notified once (interleaving %i)',
    async (seed) => {
      const site = await SiteCopy.create();
      onTestFinished(() => site.cleanup());
      const store = new MemoryStore();
      const notifier = new RecordingNotifier();
      const clock = steppingClock();
      const random = seededRandom(seed);
      const runs = Array.from({ length: RUNS }, () =>
        pipelineHarness({
          root: site.root,
          store: new InterleavingStore(store, turns(random, 8)),
          notifier,
          clock,
          fetchDelay: turns(random, 2),
        }),
      );
      const changes = new Map<string, number>();
      for (let round = 0; round <= ROUNDS.length; round++) {
        if (round > 0) {
          await editRound(site, round);
          for (const id of new Set(ROUNDS[round - 1]!.map((page) => STORY_OF[page]!)))
            changes.set(id, (changes.get(id) ?? 0) + 1);
        }
        // Runs that started at different moments: each reaches a story while others are half-way through it.
        const stagger = turns(random, 400);
        const reports = await Promise.all(
          runs.map(async (run) => {
            await stagger();
            return run.run();
          }),
        );
        for (const report of reports) expect(report.failed, `round ${round}`).toEqual([]);
      }

      // What one run on the final site, into an empty store, makes of each story.
      const reference = pipelineHarness({ root: site.root });
      await reference.run();
      const latest = await records(reference.store as MemoryStore);
      const final = await records(store);
      expect([...final.keys()].sort()).toEqual([...latest.keys()].sort());
      for (const [id, record] of final) {
        expect(record.contentHash, id).toEqual(latest.get(id)!.contentHash);
        expect(record.version, id).toBe(1 + (changes.get(id) ?? 0));
        // The files publish made are of the same version.
        const exported = JSON.parse((await store.get(`exports/v1/articles/${id}.json`))!.body) as ArticleRecord & {
          markdown: Record<string, string>;
        };
        expect(exported.version, id).toBe(record.version);
        expect(exported.contentHash, id).toEqual(record.contentHash);
      }
      const expected = [...final.values()].flatMap((record) =>
        Array.from({ length: record.version }, (_, v) => `${record.id}@${v + 1}`),
      );
      expect(notifier.keys().sort()).toEqual(expected.sort());
    },
    60_000,
  );
});
