// The landing page (index.html) and the OPML (feeds.opml) that publish writes: what they list, that a
// rerun leaves them alone, that every text is escaped, and that the feed directory they come from is
// rebuilt from the windows where it is missing.
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import type { PipelinePorts } from '#pipeline/ports.js';
import { publishPending } from '#pipeline/publish/publish.js';
import {
  type FeedDirectory,
  addTopics,
  emptyDirectory,
  withTopicFeed,
} from '#pipeline/publish/landing/feed-directory.js';
import { TOPICS_SHOWN_OPEN, renderLandingPage } from '#pipeline/publish/landing/landing-page.js';
import { renderOpml } from '#pipeline/publish/landing/opml.js';
import { buildLandingModel } from '#pipeline/publish/landing/landing-model.js';
import { summarize } from '#pipeline/record/export-article.js';
import { keys } from '#pipeline/state/store-keys.js';
import { record } from '#test/helpers/articles.js';
import { MemoryStore } from '#test/helpers/memory-store.js';
import { testTokens } from '#test/helpers/pipeline-harness.js';
import { findAll, parseStrictXml } from '#test/helpers/strict-xml.js';
import { PUBLIC_URL, storeSyntheticStory } from '#test/helpers/synthetic-stories.js';

function harness() {
  const store = new MemoryStore();
  const ports: PipelinePorts = {
    store,
    notifier: { publish: async () => ({ messageId: 'm' }) },
    fetcher: {
      fetch: async () => {
        throw new Error('publish fetches nothing');
      },
    },
    clock: { now: () => new Date('2026-11-25T12:00:00Z') },
    tokens: testTokens(),
    logger: { info() {}, warn() {}, error() {} },
  };
  const publish = () => publishPending(ports, { publicUrl: PUBLIC_URL, contentMode: 'full', generator: 'test' });
  const text = async (key: string) => (await store.get(key))?.body;
  return { store, publish, text };
}

const rssUrls = (opml: string) =>
  findAll(parseStrictXml(opml), 'outline')
    .map((o) => o.attributes.xmlUrl)
    .filter(Boolean)
    .sort();

describe('index.html and feeds.opml', () => {
  it('are written by publish, list every feed and the newest stories, and are left alone by a rerun', async () => {
    const { store, publish, text } = harness();
    for (const n of [1, 2, 3]) await storeSyntheticStory(store, n, `2025-0${n}-10`);
    const report = await publish();
    expect(report.filesWritten).toEqual(expect.arrayContaining(['index.html', 'feeds.opml']));

    const opml = (await text('feeds.opml'))!;
    expect(parseStrictXml(opml).attributes.version).toBe('2.0');
    // Stories 1 and 2 are bilingual (topics 1, 2), story 3 English only (topic 3).
    expect(rssUrls(opml)).toEqual(
      [
        'feeds/en/rss.xml',
        'feeds/zh/rss.xml',
        'feeds/en/topics/topic-1/rss.xml',
        'feeds/en/topics/topic-2/rss.xml',
        'feeds/en/topics/topic-3/rss.xml',
        'feeds/zh/topics/topic-1/rss.xml',
        'feeds/zh/topics/topic-2/rss.xml',
      ]
        .map((key) => `${PUBLIC_URL}/${key}`)
        .sort(),
    );
    for (const url of rssUrls(opml))
      expect((await store.get(url!.slice(PUBLIC_URL.length + 1)))?.body, url).toContain('<rss');

    const { document } = parseHTML((await text('index.html'))!);
    expect([...document.querySelectorAll('#en ul.stories a')].map((a) => a.textContent)).toEqual(
      [3, 2, 1].map((n) => `Story number ${n} about decent work`),
    );
    expect([...document.querySelectorAll('#zh ul.stories time')].map((t) => t.textContent)).toEqual([
      '2025年2月10日',
      '2025年1月10日',
    ]);
    expect([...document.querySelectorAll('#en ul.stories time')].map((t) => t.textContent)).toEqual([
      '10 March 2025',
      '10 February 2025',
      '10 January 2025',
    ]);
    expect([...document.querySelectorAll('#zh table th[scope="row"]')].map((th) => th.textContent)).toEqual([
      '全部中文新闻',
      '主题1',
      '主题2',
    ]);

    // Nothing new: nothing written. A later story with a new topic: both files again, with it.
    const before = { html: await store.get('index.html'), opml: await store.get('feeds.opml') };
    expect((await publish()).filesWritten).toEqual([]);
    await storeSyntheticStory(store, 4, '2025-04-10');
    const again = await publish();
    expect(again.filesWritten).toEqual(expect.arrayContaining(['index.html', 'feeds.opml']));
    expect(rssUrls((await text('feeds.opml'))!)).toContain(`${PUBLIC_URL}/feeds/zh/topics/topic-4/rss.xml`);
    expect((await store.get('index.html'))!.etag).not.toBe(before.html!.etag);
  });

  it('link only files that exist: before the first story, and while a language has none yet', async () => {
    const { store, publish, text } = harness();
    /** The store keys index.html links (relative links) and feeds.opml subscribes to. */
    const linked = async () => {
      const { document } = parseHTML((await text('index.html'))!);
      const hrefs = [...document.querySelectorAll('a[href], link[href]')].map((e) => e.getAttribute('href')!);
      const own = hrefs.filter((href) => !/^(https?:|#)/.test(href)).map((href) => href.replace(/#.*$/, ''));
      return [
        ...new Set([...own, ...rssUrls((await text('feeds.opml'))!).map((url) => url!.slice(PUBLIC_URL.length + 1))]),
      ].sort();
    };
    const itemsIn = (key: string, body: string) =>
      key.endsWith('.json')
        ? (JSON.parse(body) as { items?: unknown[]; articles?: unknown[]; changes?: unknown[] })
        : parseStrictXml(body);

    // A first publish with no story at all: the language feeds, the export index and the changes list
    // exist, empty (a reader can subscribe now and get the stories as they come).
    await publish();
    const before = await linked();
    expect(before).toEqual(
      expect.arrayContaining([
        'feeds/en/rss.xml',
        'feeds/zh/atom.xml',
        'feeds/zh/feed.json',
        'exports/v1/index.json',
        'exports/v1/changes.json',
        'feeds.opml',
      ]),
    );
    for (const key of before) {
      const body = (await store.get(key))?.body;
      expect(body, key).toBeDefined();
      expect(() => itemsIn(key, body!), key).not.toThrow();
    }
    expect(JSON.parse((await text('feeds/zh/feed.json'))!).items).toEqual([]);
    expect(JSON.parse((await text('exports/v1/index.json'))!)).toMatchObject({ articles: [], next: null });
    expect(JSON.parse((await text('exports/v1/changes.json'))!)).toMatchObject({ complete: true, changes: [] });

    // English stories only: the Chinese feeds the page and the OPML list are there, still empty.
    await storeSyntheticStory(store, 3, '2025-03-10');
    await publish();
    for (const key of await linked()) expect((await store.get(key))?.body, key).toBeDefined();
    expect(findAll(parseStrictXml((await text('feeds/zh/rss.xml'))!), 'item')).toHaveLength(0);
    expect(findAll(parseStrictXml((await text('feeds/en/rss.xml'))!), 'item')).toHaveLength(1);
    expect(JSON.parse((await text('exports/v1/changes.json'))!).changes).toHaveLength(1);
  });

  it('list the topics of stories published before the feed directory existed', async () => {
    const { store, publish, text } = harness();
    for (const n of [1, 2]) await storeSyntheticStory(store, n, `2025-0${n}-10`);
    await publish();
    await store.delete(keys.feedDirectory());
    await storeSyntheticStory(store, 6, '2025-06-10'); // topic-1 again: topic-2 is known only from its window
    await publish();
    expect(rssUrls((await text('feeds.opml'))!)).toContain(`${PUBLIC_URL}/feeds/en/topics/topic-2/rss.xml`);
    const directory = JSON.parse((await text(keys.feedDirectory()))!) as FeedDirectory;
    expect(directory.topics['topic-2']).toEqual({ label: { en: 'Topic 2', zh: '主题2' }, languages: ['en', 'zh'] });
  });

  it('escape every text: a hostile title or topic label stays text, in HTML and in OPML', () => {
    const hostile = '<script>alert(1)</script> "quoted" & <b>bold</b>';
    const summary = summarize(
      record({
        title: { en: hostile, zh: `中文${hostile}` },
        url: { en: 'https://www.ilo.org/resource/news/x', zh: 'javascript:alert(1)' },
        topics: [{ slug: 'evil', label: { en: hostile, zh: hostile } }],
      }),
      PUBLIC_URL,
    );
    const model = buildLandingModel({ en: [summary], zh: [summary] }, addTopics(emptyDirectory(), [summary]));
    const html = renderLandingPage(model);
    const { document } = parseHTML(html);
    expect(document.querySelectorAll('script, b').length).toBe(0);
    expect(document.querySelector('#en ul.stories a')!.textContent).toBe(hostile);
    expect(document.querySelectorAll('#en table tbody th[scope="row"]')[1]!.textContent).toBe(hostile);
    // A story whose link is not http(s) is not listed.
    expect(document.querySelectorAll('#zh ul.stories a').length).toBe(0);
    expect([...document.querySelectorAll('a')].every((a) => !/^javascript:/i.test(a.getAttribute('href') ?? ''))).toBe(
      true,
    );
    const opml = parseStrictXml(renderOpml(model, PUBLIC_URL));
    expect(findAll(opml, 'outline').map((o) => o.attributes.title)).toContain(`ILO News: ${hostile}`);
  });
});

describe('a topic feed whose last story left it', () => {
  it('is no longer listed; the topic keeps its labels, and is listed again when a story comes back', () => {
    const listed: FeedDirectory = {
      schema: 'ilo-syndication/feed-directory@1',
      topics: { ai: { label: { en: 'AI', zh: '人工智能' }, languages: ['en', 'zh'] } },
    };
    const left = withTopicFeed(listed, 'ai', 'zh', false, {});
    expect(left.topics.ai).toEqual({ label: { en: 'AI', zh: '人工智能' }, languages: ['en'] });
    const none = withTopicFeed(left, 'ai', 'en', false, {});
    expect(none.topics.ai).toEqual({ label: { en: 'AI', zh: '人工智能' }, languages: [] });
    const model = buildLandingModel({ en: [], zh: [] }, none);
    expect([...model.feeds.en, ...model.feeds.zh].filter((feed) => feed.topic)).toEqual([]);
    expect(withTopicFeed(none, 'ai', 'zh', true, { zh: '人工智能（新）' }).topics.ai).toEqual({
      label: { en: 'AI', zh: '人工智能（新）' },
      languages: ['zh'],
    });
    expect(withTopicFeed(listed, 'ai', 'en', true, {})).toBe(listed); // already listed: the same document
  });
});

describe('a topic label in the other language', () => {
  it('is marked with its language, so a screen reader reads it in the right voice', () => {
    const summary = summarize(
      record({
        topics: [
          { slug: 'rural-economy', label: { zh: '农村经济' } },
          { slug: 'care-economy', label: { en: 'Care economy' } },
          { slug: 'youth-employment', label: { en: 'Youth employment', zh: '青年就业' } },
        ],
      }),
      PUBLIC_URL,
    );
    const { document } = parseHTML(
      renderLandingPage(buildLandingModel({ en: [summary], zh: [summary] }, addTopics(emptyDirectory(), [summary]))),
    );
    const rows = (lang: string) =>
      [...document.querySelectorAll(`#${lang} table tbody th[scope="row"]`)].map((th) => [
        th.textContent,
        th.getAttribute('lang'),
      ]);
    expect(rows('en')).toEqual([
      ['All English stories', null],
      ['Care economy', null],
      ['Youth employment', null],
      ['农村经济', 'zh-Hans'],
    ]);
    expect(rows('zh')).toEqual([
      ['全部中文新闻', null],
      ['农村经济', null],
      ['青年就业', null],
      ['Care economy', 'en'],
    ]);
  });
});

describe('many topics', () => {
  it('fold the topic feeds after the language feed, so the exports, email and the other language stay near; a few stay open', () => {
    const page = (topics: number) => {
      const summary = summarize(
        record({
          topics: Array.from({ length: topics }, (_, i) => ({
            slug: `topic-${i}`,
            label: { en: `Topic ${i}`, zh: `主题${i}` },
          })),
        }),
        PUBLIC_URL,
      );
      return parseHTML(
        renderLandingPage(buildLandingModel({ en: [summary], zh: [summary] }, addTopics(emptyDirectory(), [summary]))),
      ).document;
    };
    const many = page(TOPICS_SHOWN_OPEN + 1);
    for (const lang of ['en', 'zh']) {
      // The language's own feed is outside the fold; every topic feed is inside it, none left out.
      expect(many.querySelector(`#${lang} > table a[href="feeds/${lang}/rss.xml"]`)).not.toBeNull();
      const fold = many.querySelector(`#${lang} details.topics`)!;
      expect(fold.hasAttribute('open')).toBe(false);
      expect(fold.querySelectorAll('a[href$="/rss.xml"]').length).toBe(TOPICS_SHOWN_OPEN + 1);
    }
    expect(many.querySelector('#en details.topics summary')!.textContent).toBe(
      `Topic feeds (${TOPICS_SHOWN_OPEN + 1})`,
    );
    expect(many.querySelector('#zh details.topics summary')!.textContent).toBe(
      `主题订阅源（${TOPICS_SHOWN_OPEN + 1} 个）`,
    );
    expect(page(3).querySelector('#en details.topics')!.hasAttribute('open')).toBe(true);
  });
});
