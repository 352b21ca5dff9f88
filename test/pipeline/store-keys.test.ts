// The store layout (docs/ARCHITECTURE.md, "Store layout"): every key comes from store-keys.ts, made
// from its PREFIXES, and the keys are the ones the README promises (a public contract).
import { describe, expect, it } from 'vitest';
import { isPublicKey } from '#pipeline/publish/public-paths.js';
import { PREFIXES, everyKeyUnder, idOfArticleMeta, keys } from '#pipeline/state/store-keys.js';

const ID = 'ilo-partners-microsoft-strengthen-ai-skilling-china';

/** Every key of the layout, one example each. */
const EXAMPLES: Record<keyof typeof keys, string> = {
  landingPage: keys.landingPage(),
  opml: keys.opml(),
  articleMeta: keys.articleMeta(ID),
  articleMarkdown: keys.articleMarkdown(ID, 'zh'),
  feed: keys.feed('en', 'atom'),
  topicFeed: keys.topicFeed('zh', 'skills', 'json'),
  exportIndex: keys.exportIndex(),
  exportArchivePage: keys.exportArchivePage('2024-11'),
  exportChanges: keys.exportChanges(),
  exportArticle: keys.exportArticle(ID),
  exportSchema: keys.exportSchema(),
  raw: keys.raw(ID, 'en'),
  crawlState: keys.crawlState(),
  crawlPrefix: keys.crawlPrefix(),
  crawlHead: keys.crawlHead(),
  crawlPart: keys.crawlPart('page-1'),
  alias: keys.alias('https://www.ilo.org/resource/news/a'),
  ingestReceipt: keys.ingestReceipt('https://www.ilo.org/resource/news/a'),
  source: keys.source(ID),
  fullArticle: keys.fullArticle(ID),
  windowPrefix: keys.windowPrefix(),
  feedDirectory: keys.feedDirectory(),
  window: keys.window('en/topics/skills'),
  archiveMonths: keys.archiveMonths(),
  publishSettings: keys.publishSettings(),
  outboxPrefix: keys.outboxPrefix(),
  outbox: keys.outbox(ID, 3),
  notified: keys.notified(ID, 3),
  cdnInvalidated: keys.cdnInvalidated(),
};

describe('the store layout', () => {
  it('gives the keys the README and the IAM policies name', () => {
    expect(EXAMPLES).toEqual({
      landingPage: 'index.html',
      opml: 'feeds.opml',
      articleMeta: `articles/${ID}/meta.json`,
      articleMarkdown: `articles/${ID}/zh.md`,
      feed: 'feeds/en/atom.xml',
      topicFeed: 'feeds/zh/topics/skills/feed.json',
      exportIndex: 'exports/v1/index.json',
      exportArchivePage: 'exports/v1/archive/2024-11.json',
      exportChanges: 'exports/v1/changes.json',
      exportArticle: `exports/v1/articles/${ID}.json`,
      exportSchema: 'exports/v1/schema.json',
      raw: `raw/${ID}/en.html`,
      crawlState: 'state/crawl.json',
      crawlPrefix: 'state/crawl/',
      crawlHead: 'state/crawl/index.json',
      crawlPart: 'state/crawl/pages/page-1.json',
      alias: expect.stringMatching(/^state\/aliases\/[0-9a-f]{40}\.json$/),
      ingestReceipt: expect.stringMatching(/^state\/receipts\/[0-9a-f]{40}\.json$/),
      source: `state/sources/${ID}.json`,
      fullArticle: `state/articles/${ID}.json`,
      windowPrefix: 'state/windows/',
      feedDirectory: 'state/feed-directory.json',
      window: 'state/windows/en/topics/skills.json',
      archiveMonths: 'state/archive-months.json',
      publishSettings: 'state/publish-settings.json',
      outboxPrefix: 'state/outbox/',
      outbox: `state/outbox/${ID}@000003.json`,
      notified: `state/notified/${ID}/v000003.json`,
      cdnInvalidated: 'state/cdn-invalidated.json',
    });
  });

  it('puts every key but the two root files under one of its prefixes, the private ones under raw/ or state/', () => {
    for (const [name, key] of Object.entries(EXAMPLES)) {
      if (name === 'landingPage' || name === 'opml') continue;
      expect(Object.values(PREFIXES).some((prefix) => key.startsWith(prefix))).toBe(true);
      if (!isPublicKey(key) && !key.endsWith('/'))
        expect(key.startsWith(PREFIXES.state) || key.startsWith(PREFIXES.raw)).toBe(true);
    }
  });

  it('makes public exactly the keys the README lists as public (public-paths.ts agrees with the layout)', () => {
    const PUBLIC: (keyof typeof keys)[] = [
      'landingPage',
      'opml',
      'articleMeta',
      'articleMarkdown',
      'feed',
      'topicFeed',
      'exportIndex',
      'exportArchivePage',
      'exportChanges',
      'exportArticle',
      'exportSchema',
    ];
    const publicNames = Object.entries(EXAMPLES)
      .filter(([, key]) => isPublicKey(key))
      .map(([name]) => name);
    expect(publicNames.sort()).toEqual([...PUBLIC].sort());
  });

  it('reads a story id back from its meta.json key only', () => {
    expect(idOfArticleMeta(keys.articleMeta(ID))).toBe(ID);
    expect(idOfArticleMeta(keys.articleMarkdown(ID, 'en'))).toBeUndefined();
    expect(idOfArticleMeta('articles/a/b/meta.json')).toBeUndefined();
    expect(idOfArticleMeta('articles//meta.json')).toBeUndefined();
    expect(idOfArticleMeta(keys.fullArticle(ID))).toBeUndefined();
  });

  it('makes an IAM pattern of a prefix', () => {
    expect(everyKeyUnder(PREFIXES.outbox)).toBe('state/outbox/*');
    expect(keys.articleMarkdown('*', 'en')).toBe('articles/*/en.md');
  });
});
