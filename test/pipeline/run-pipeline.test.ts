// Whole runs in process (fixture fetcher over the bundled replica, memory store): what a sequence of
// runs with different flags fetches, what the run report says is left, and what a later version of a
// story takes out of the feeds.
import { unlink } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Store } from '#pipeline/ports.js';
import { FaultyStore } from '#test/helpers/faulty-store.js';
import { pipelineHarness } from '#test/helpers/pipeline-harness.js';
import { STORY, canonical } from '#test/helpers/replica.js';
import { SiteCopy } from '#test/helpers/replica-site.js';

describe('pages set aside', () => {
  it('stay pending: an earlier --since and --backfill take them later, --max at a time, and the report counts them', async () => {
    const { run, fetcher } = pipelineHarness();
    const first = await run({ since: '2025-06-01' });
    expect(first.newStories.sort()).toEqual([
      'youth-employment-rebounds-asia-pacific-but-informality-persists',
      'zh-0320866f6ec8',
    ]);
    // The replica lists 9 news pages: 3 on or after the date (one of them a twin), 6 set aside.
    expect(first).toMatchObject({ pendingPages: 6, setAsidePages: 6 });

    const ordinary = await run();
    expect(ordinary.candidates).toBe(0); // an ordinary run leaves them alone
    expect(ordinary).toMatchObject({ pendingPages: 6, setAsidePages: 6 });

    const earlier = await run({ since: '2024-06-01' });
    expect(earlier.newStories.sort()).toEqual([
      'ilo-forum-calls-investment-care-economy-close-gender-gaps',
      'ilo-partners-microsoft-strengthen-ai-skilling-china',
      'survey-shows-gains-apprentices-chinas-quality-apprenticeship-pilots',
    ]);
    expect(earlier).toMatchObject({ pendingPages: 1, setAsidePages: 1 });

    fetcher.requests.length = 0;
    const backfill = await run({ backfill: true, max: 1 });
    expect(backfill.newStories).toEqual(['ilo-partners-launch-covid-19-workplace-safety-training-small-businesses']);
    expect(fetcher.requests).toContain(canonical(STORY.olderEn));
    expect(backfill).toMatchObject({ pendingPages: 0, setAsidePages: 0 });
    expect(backfill.publish.notificationsSent).toBe(1);
  });
});

describe('a story that loses a topic or a language in a later version', () => {
  /** Every topic feed's stories, as `<lang>/topics/<slug>: id, id...`. */
  async function topicFeeds(store: Store): Promise<Map<string, string[]>> {
    const feeds = new Map<string, string[]>();
    for await (const key of store.list('feeds/')) {
      const name = /^feeds\/([a-z]+\/topics\/[a-z0-9-]+)\/feed\.json$/.exec(key)?.[1];
      if (!name) continue;
      const feed = JSON.parse((await store.get(key))!.body) as { items: { url: string }[] };
      feeds.set(
        name,
        feed.items.map((item) => item.url),
      );
    }
    return feeds;
  }

  it('leaves the topic feeds of that topic and of that language, also when the version in between was never published', async () => {
    const site = await SiteCopy.create();
    try {
      const { run, store } = pipelineHarness({ root: site.root });
      await run();
      const seed = 'ilo-partners-microsoft-strengthen-ai-skilling-china';
      const seedUrl = { en: canonical(STORY.seedEn), zh: canonical(STORY.seedZh) };
      const regionZhUrl = canonical(STORY.regionZh);
      const before = await topicFeeds(store);
      expect(before.get('en/topics/artificial-intelligence')).toContain(seedUrl.en);
      expect(before.get('zh/topics/artificial-intelligence')).toContain(seedUrl.zh);
      expect(before.get('zh/topics/youth-employment')).toContain(regionZhUrl);

      // v2 of the seed story, ingested but never published (its publish stopped before anything): it
      // drops the AI topic in both languages. Then v3, with new text again, is published.
      const dropTopic = (html: string) =>
        html.replace(
          /<li class="ilo--tag--item">\s*<a class="ilo--tag ilo--tag--anchor" href="(\/zh-hans)?\/topics-and-sectors\/artificial-intelligence">[\s\S]*?<\/li>\s*/,
          '',
        );
      await site.editPage(STORY.seedEn, (html) =>
        dropTopic(html).replace(
          '<div class="ilo--richtext">',
          '<div class="ilo--richtext">\n<p>A new first paragraph.</p>',
        ),
      );
      await site.editPage(STORY.seedZh, dropTopic);
      await site.setLastmod(STORY.seedEn, '2026-11-20T10:00:00+00:00');
      await site.setLastmod(STORY.seedZh, '2026-11-20T10:00:00+00:00');
      const stopped = new FaultyStore(store, {
        trigger: { match: (op) => op.kind === 'put' && op.key.startsWith('exports/') },
        mode: 'fail',
      });
      await expect(pipelineHarness({ root: site.root, store: stopped }).run()).rejects.toThrow(/injected fault/);
      expect(JSON.parse((await store.get(`state/articles/${seed}.json`))!.body)).toMatchObject({
        version: 2,
        retiredTopicFeeds: ['en/topics/artificial-intelligence', 'zh/topics/artificial-intelligence'],
      });
      await site.editPage(STORY.seedEn, (html) =>
        html.replace('<p>A new first paragraph.</p>', '<p>Another first paragraph.</p>'),
      );
      await site.setLastmod(STORY.seedEn, '2026-11-21T10:00:00+00:00');
      // The region story loses its Chinese version.
      await unlink(site.file(STORY.regionZh));
      await site.setLastmod(STORY.regionEn, '2026-11-21T10:00:00+00:00');

      const later = await run();
      expect(later.updatedStories.sort()).toEqual([
        seed,
        'youth-employment-rebounds-asia-pacific-but-informality-persists',
      ]);
      const after = await topicFeeds(store);
      expect(after.get('en/topics/artificial-intelligence')).not.toContain(seedUrl.en);
      expect(after.get('zh/topics/artificial-intelligence')).not.toContain(seedUrl.zh);
      expect(after.get('en/topics/skills-and-lifelong-learning')).toContain(seedUrl.en);
      for (const topic of ['youth-employment', 'informal-economy'])
        expect(after.get(`zh/topics/${topic}`), topic).not.toContain(regionZhUrl);
      // Every topic feed lists exactly the stories whose current record has that topic and language.
      for (const [name, urls] of after) {
        const [lang, , slug] = name.split('/') as ['en' | 'zh', string, string];
        const expected: string[] = [];
        for await (const key of store.list('articles/')) {
          if (!key.endsWith('/meta.json')) continue;
          const record = JSON.parse((await store.get(key))!.body) as {
            languages: string[];
            topics: { slug: string }[];
            url: Record<string, string>;
          };
          if (record.languages.includes(lang) && record.topics.some((topic) => topic.slug === slug))
            expected.push(record.url[lang]!);
        }
        expect(urls.sort(), name).toEqual(expected.sort());
      }
      // The landing page, the OPML and the topic feeds' links to their twin name only topic feeds
      // that still hold a story (a feed the last story left stays, empty, for those subscribed to it).
      const holding = [...after]
        .filter(([, urls]) => urls.length > 0)
        .map(([name]) => name)
        .sort();
      expect(holding.length).toBeLessThan(after.size);
      const topicLinks = (text: string) =>
        [...new Set([...text.matchAll(/feeds\/([a-z]+\/topics\/[a-z0-9-]+)\//g)].map((match) => match[1]!))].sort();
      expect(topicLinks((await store.get('index.html'))!.body)).toEqual(holding);
      expect(topicLinks((await store.get('feeds.opml'))!.body)).toEqual(holding);
      for (const name of holding) {
        const atom = (await store.get(`feeds/${name}/atom.xml`))!.body;
        for (const linked of topicLinks(atom)) expect(holding, `${name} links ${linked}`).toContain(linked);
      }
      // An emptied feed keeps its topic's title.
      expect((await store.get('feeds/zh/topics/artificial-intelligence/feed.json'))!.body).toMatch(
        /"title": "国际劳工组织新闻: 人工智能"/,
      );
    } finally {
      await site.cleanup();
    }
  });
});

describe("a story's full copy that is not one (state/articles/<id>.json)", () => {
  it('is written again when the story is ingested, with a warning: before, the story failed with a TypeError on every run', async () => {
    const site = await SiteCopy.create();
    try {
      const { run, store } = pipelineHarness({ root: site.root });
      await run();
      const seed = 'ilo-partners-microsoft-strengthen-ai-skilling-china';
      await store.put(`state/articles/${seed}.json`, '{"id": "something else"}\n', { contentType: 'application/json' });
      await site.editPage(STORY.seedEn, (html) =>
        html.replace('<div class="ilo--richtext">', '<div class="ilo--richtext">\n<p>A new first paragraph.</p>'),
      );
      await site.setLastmod(STORY.seedEn, '2026-11-20T10:00:00+00:00');

      const report = await run();

      expect(report.failed).toEqual([]);
      expect(report.updatedStories).toEqual([seed]);
      expect(report.warnings).toContain(
        `damaged state: state/articles/${seed}.json was not a story's full copy (fields missing or of the wrong type); written again from the page`,
      );
      const copy = JSON.parse((await store.get(`state/articles/${seed}.json`))!.body) as {
        id: string;
        version: number;
        markdown: { en: string };
      };
      expect(copy).toMatchObject({ id: seed, version: 2 });
      expect(copy.markdown.en).toContain('A new first paragraph.');
      expect((await store.get('feeds/en/feed.json'))!.body).toContain('A new first paragraph.');
    } finally {
      await site.cleanup();
    }
  });
});
