// ingestStory in process: one candidate page, the replica's files through the fixture fetcher, the
// memory store. What a story's record becomes (new, unchanged, a twin joining it) and what a page that
// is no story gives, without HTTP or a CLI (test/e2e/ilo-source.test.ts runs the same cases end to end).
import { afterEach, describe, expect, it } from 'vitest';
import type { Candidate } from '#pipeline/discover/choose-candidates.js';
import { EmptyStory, ingestStory } from '#pipeline/ingest/ingest-story.js';
import type { PipelinePorts } from '#pipeline/ports.js';
import type { FullArticle } from '#pipeline/record/full-article.js';
import { newsPage, storyId } from '#pipeline/site/ilo-urls.js';
import { keys } from '#pipeline/state/store-keys.js';
import { FixtureFetcher } from '#test/helpers/fixture-fetcher.js';
import { MemoryStore } from '#test/helpers/memory-store.js';
import { RecordingNotifier, silentLogger, steppingClock, testTokens } from '#test/helpers/pipeline-harness.js';
import { STORY, VARIANT_STORY, canonical } from '#test/helpers/replica.js';
import { SiteCopy } from '#test/helpers/replica-site.js';

const SEED_ID = 'ilo-partners-microsoft-strengthen-ai-skilling-china';

const sites: SiteCopy[] = [];
afterEach(async () => {
  for (const site of sites.splice(0)) await site.cleanup();
});

function portsFor(root?: string): PipelinePorts & { store: MemoryStore; fetcher: FixtureFetcher } {
  return {
    store: new MemoryStore(),
    fetcher: new FixtureFetcher(root),
    notifier: new RecordingNotifier(),
    clock: steppingClock(),
    tokens: testTokens(),
    logger: silentLogger,
  };
}

function candidate(pathname: string): Candidate {
  return { url: canonical(pathname), lang: pathname.startsWith('/zh-hans/') ? 'zh' : 'en', lastmod: null };
}

async function stored(store: MemoryStore, id: string): Promise<FullArticle> {
  const object = await store.get(keys.fullArticle(id));
  expect(object, `state copy of ${id}`).toBeDefined();
  return JSON.parse(object!.body) as FullArticle;
}

describe('ingestStory', () => {
  it('stores a new bilingual story from its English page, its Chinese twin fetched with it', async () => {
    const ports = portsFor();
    const outcome = await ingestStory(ports, {}, candidate(STORY.seedEn));
    expect(outcome).toMatchObject({ status: 'stored', id: SEED_ID, change: 'new', version: 1 });
    if (outcome.status !== 'stored') return;
    expect(outcome.covered.map((page) => page.url).sort()).toEqual(
      [canonical(STORY.seedEn), canonical(STORY.seedZh)].sort(),
    );
    const article = await stored(ports.store, SEED_ID);
    expect(article).toMatchObject({
      id: SEED_ID,
      version: 1,
      languages: ['en', 'zh'],
      url: { en: canonical(STORY.seedEn), zh: canonical(STORY.seedZh) },
      title: { zh: '国际劳工组织与微软合作加强中国人工智能技能培训' },
    });
    expect(article.markdown.en).toContain('Almost 300 participants');
    expect(ports.fetcher.requests.sort()).toEqual([canonical(STORY.seedEn), canonical(STORY.seedZh)].sort());
  });

  it('leaves the record as it is when the same pages come again, from either language', async () => {
    const ports = portsFor();
    await ingestStory(ports, {}, candidate(STORY.seedEn));
    const before = (await ports.store.get(keys.fullArticle(SEED_ID)))!.body;
    for (const pathname of [STORY.seedEn, STORY.seedZh]) {
      expect(await ingestStory(ports, {}, candidate(pathname))).toMatchObject({
        status: 'stored',
        id: SEED_ID,
        change: 'unchanged',
        version: 1,
      });
    }
    expect((await ports.store.get(keys.fullArticle(SEED_ID)))!.body).toBe(before);
  });

  it('keeps the id of a story found first in Chinese when its English twin appears: version 2', async () => {
    const { chineseFirstZh: zh, chineseFirstEn: en } = VARIANT_STORY;
    const site = await SiteCopy.create();
    sites.push(site);
    await site.addPage(zh);
    const ports = portsFor(site.root);
    const id = storyId({ zh: newsPage(canonical(zh.path))! });

    expect(await ingestStory(ports, {}, candidate(zh.path))).toMatchObject({ status: 'stored', id, change: 'new' });
    expect((await stored(ports.store, id)).languages).toEqual(['zh']);

    await site.addPage(en); // the English page links the Chinese one by hreflang
    expect(await ingestStory(ports, {}, candidate(en.path))).toMatchObject({
      status: 'stored',
      id,
      change: 'updated',
      version: 2,
    });
    expect(await stored(ports.store, id)).toMatchObject({
      id,
      version: 2,
      languages: ['en', 'zh'],
      url: { en: canonical(en.path), zh: canonical(zh.path) },
    });
    // No second record under the English slug.
    expect(await ports.store.get(keys.fullArticle(en.path.split('/').pop()!))).toBeUndefined();
  });

  it('gives a missing page as gone, a page outside the news as rejected, and stores neither', async () => {
    const ports = portsFor();
    expect(await ingestStory(ports, {}, candidate('/resource/news/no-such-story'))).toEqual({
      status: 'gone',
      url: canonical('/resource/news/no-such-story'),
      httpStatus: 404,
    });
    expect(
      await ingestStory(ports, {}, { url: 'https://www.ilo.org/about-the-ilo', lang: 'en', lastmod: null }),
    ).toMatchObject({ status: 'rejected', reason: 'not a news story URL' });
    expect(ports.store.size).toBe(0);
  });

  it('fails a page with no title, naming it, and stores nothing of it', async () => {
    const site = await SiteCopy.create();
    sites.push(site);
    await site.addPage(VARIANT_STORY.noTitle);
    const ports = portsFor(site.root);
    const failure = await ingestStory(ports, {}, candidate(VARIANT_STORY.noTitle.path)).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(EmptyStory);
    expect((failure as EmptyStory).message).toBe(`${canonical(VARIANT_STORY.noTitle.path)}: no title found`);
    expect(ports.store.size).toBe(0);
  });
});
