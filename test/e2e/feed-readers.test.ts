// The feeds as real readers show them, served by `serve` after a run over the replica (in process): every
// entry of a language's feed opens that language in every reader (python feedparser, newsboat, npm
// feedparser, rss-parser, feed-extractor, feedsmith, @rowanmanning/feed-parser, gofeed), the lead image is
// at the top of the item with its alt text and credit, language tags are RSS's and BCP 47's, a
// date-only story has one instant everywhere, and summary-mode items carry their attribution.
import { execFile } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { FsStore } from '#adapters/fs-store.js';
import { type PublicServer, startPublicServer } from '#cli/public-server.js';
import { type ReplicaServer, startReplicaServer } from '#replica/replica-server.js';
import { runInProcess } from '#test/helpers/cli-in-process.js';
import { NPM_READERS } from '#test/helpers/feed-readers.js';
import { gofeed, hasGofeed } from '#test/helpers/gofeed.js';
import { articleScreen, cacheRows, subscribe } from '#test/helpers/newsboat.js';
import { DEBIAN_PYTHON, hasClient, hasPythonModules, requireClient } from '#test/helpers/real-clients.js';
import { tempDir } from '#test/helpers/temp-dir.js';

const run = promisify(execFile);
const python = requireClient('python3-feedparser', hasPythonModules('feedparser'));
const newsboat = requireClient('newsboat', hasClient('newsboat'));
const script = requireClient('script (util-linux)', hasClient('script', ['--version']));
const goParser = requireClient('gofeed (golang-go, golang-github-mmcdole-gofeed-dev)', hasGofeed());

const HOME = { en: 'https://www.ilo.org/resource/news', zh: 'https://www.ilo.org/zh-hans/resource/news' } as const;
/** An ILO URL in the language of a feed: Chinese pages live under /zh-hans/, English ones do not. */
const inLanguage = (url: string | undefined, lang: 'en' | 'zh') =>
  url?.startsWith('https://www.ilo.org/') === true && url.includes('/zh-hans/') === (lang === 'zh');

interface Story {
  id: string;
  languages: ('en' | 'zh')[];
  publishedAt: string;
  title: Record<string, string>;
  url: Record<string, string>;
  image?: { url: string; alt: Record<string, string>; credit?: string };
}

/** python feedparser's view of a feed, as JSON. */
async function feedparser(url: string): Promise<{
  bozo: number;
  feed: { link?: string; language?: string };
  entries: {
    link: string;
    links: { rel: string; href: string }[];
    published: string;
    enclosures: unknown[];
    content?: string;
    summary?: string;
  }[];
}> {
  const program = `
import feedparser, json, sys, calendar
f = feedparser.parse(sys.argv[1])
print(json.dumps({"bozo": int(f.bozo), "feed": {"link": f.feed.get("link"), "language": f.feed.get("language")},
  "entries": [{"link": e.get("link"), "links": [{"rel": l.get("rel"), "href": l.get("href")} for l in e.get("links", [])],
    "published": calendar.timegm(e.published_parsed), "enclosures": e.get("enclosures", []),
    "content": (e.get("content") or [{}])[0].get("value"), "summary": e.get("summary")} for e in f.entries]}))`;
  const { stdout } = await run(DEBIAN_PYTHON, ['-c', program, url]);
  return JSON.parse(stdout);
}

describe('feeds in real readers', () => {
  let replica: ReplicaServer;
  let full: { dir: string; cleanup: () => Promise<void> };
  let summary: { dir: string; cleanup: () => Promise<void> };
  let fullServer: PublicServer;
  let summaryServer: PublicServer;
  let stories: Story[];

  beforeAll(async () => {
    replica = await startReplicaServer();
    full = await tempDir();
    summary = await tempDir();
    fullServer = await startPublicServer(await FsStore.open(full.dir), 0);
    summaryServer = await startPublicServer(await FsStore.open(summary.dir), 0);
    const results = await Promise.all([
      runInProcess(['run', '--origin', replica.origin, '--data', full.dir, '--public-url', fullServer.url]),
      runInProcess([
        'run',
        '--origin',
        replica.origin,
        '--data',
        summary.dir,
        '--public-url',
        summaryServer.url,
        '--content',
        'summary',
      ]),
    ]);
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    const index = JSON.parse(await readFile(path.join(full.dir, 'exports/v1/index.json'), 'utf8')) as {
      articles: Story[];
    };
    stories = index.articles;
  }, 120_000);
  afterAll(async () => {
    await fullServer?.close();
    await summaryServer?.close();
    await replica?.close();
    await full?.cleanup();
    await summary?.cleanup();
  });

  const storiesIn = (lang: 'en' | 'zh') => stories.filter((story) => story.languages.includes(lang));

  it('has stories in both languages, some in both', () => {
    expect(storiesIn('en').length).toBeGreaterThan(2);
    expect(storiesIn('zh').length).toBeGreaterThan(2);
    expect(stories.filter((story) => story.languages.length === 2).length).toBeGreaterThan(1);
  });

  describe.each(['en', 'zh'] as const)('the %s feeds', (lang) => {
    it.each(['rss.xml', 'atom.xml', 'feed.json'])(
      '%s: every npm reader opens each entry, and the feed, in its language',
      async (file) => {
        const body = await (await fetch(`${fullServer.url}/feeds/${lang}/${file}`)).text();
        const readers = NPM_READERS[file.endsWith('.json') ? 'json' : 'xml'];
        for (const [name, read] of Object.entries(readers)) {
          const view = await read(body);
          expect(view.link, `${name}: feed link`).toBe(HOME[lang]);
          expect(view.items, name).toHaveLength(storiesIn(lang).length);
          for (const item of view.items)
            expect(inLanguage(item.link, lang), `${name}: ${item.title} -> ${item.link}`).toBe(true);
          expect(view.items.map((item) => item.link).sort(), name).toEqual(
            storiesIn(lang)
              .map((story) => story.url[lang])
              .sort(),
          );
        }
      },
    );

    it.runIf(python).each(['rss.xml', 'atom.xml'])(
      '%s in python feedparser: links in its language, its language tag, no enclosure',
      async (file) => {
        const feed = await feedparser(`${fullServer.url}/feeds/${lang}/${file}`);
        expect(feed.bozo).toBe(0);
        expect(feed.feed.link).toBe(HOME[lang]);
        // RSS keeps RSS's own language values (zh-cn); Atom, like JSON Feed and HTML, uses BCP 47 (zh-Hans).
        expect(feed.feed.language).toBe(lang === 'en' ? 'en' : file === 'rss.xml' ? 'zh-cn' : 'zh-Hans');
        expect(feed.entries).toHaveLength(storiesIn(lang).length);
        for (const entry of feed.entries) {
          expect(inLanguage(entry.link, lang), entry.link).toBe(true);
          expect(entry.enclosures).toEqual([]);
          // The translation is still linked, as a related page.
          const story = storiesIn(lang).find((s) => s.url[lang] === entry.link)!;
          const other = lang === 'en' ? 'zh' : 'en';
          if (file === 'atom.xml' && story.url[other])
            expect(entry.links).toContainEqual({ rel: 'related', href: story.url[other] });
        }
      },
    );
  });

  it.runIf(goParser)(
    'opens each entry, and each feed, in its language in gofeed (RSS, Atom, JSON Feed)',
    async () => {
      const urls = (['en', 'zh'] as const).flatMap((lang) =>
        ['rss.xml', 'atom.xml', 'feed.json'].map((file) => `${fullServer.url}/feeds/${lang}/${file}`),
      );
      const views = await gofeed(urls);
      expect(views).toHaveLength(6);
      for (const view of views) {
        const lang = view.url.includes('/feeds/zh/') ? 'zh' : 'en';
        expect(view.link, view.url).toBe(HOME[lang]);
        expect(view.language, view.url).toBe(lang === 'en' ? 'en' : view.url.endsWith('rss.xml') ? 'zh-cn' : 'zh-Hans');
        expect([...view.items].sort(), view.url).toEqual(
          storiesIn(lang)
            .map((story) => story.url[lang])
            .sort(),
        );
      }
    },
    120_000,
  );

  it.runIf(python)(
    'puts the lead image at the top of each item with its alt text and credit (python feedparser)',
    async () => {
      for (const lang of ['en', 'zh'] as const) {
        const feed = await feedparser(`${fullServer.url}/feeds/${lang}/atom.xml`);
        for (const entry of feed.entries) {
          const story = storiesIn(lang).find((s) => s.url[lang] === entry.link)!;
          if (!story.image) continue;
          const alt = story.image.alt[lang] ?? story.image.alt[lang === 'en' ? 'zh' : 'en']!;
          expect(entry.content!.startsWith('<figure><p><img'), entry.link).toBe(true);
          expect(entry.content).toContain(`alt="${alt}"`);
          if (story.image.credit) expect(entry.content).toContain(`<figcaption>${story.image.credit}</figcaption>`);
        }
      }
    },
  );

  it.runIf(newsboat && script)(
    'opens each entry in its language in newsboat, with the feed link, no enclosure, and shows the lead image with its alt text and credit',
    async () => {
      const home = await tempDir('newsboat-');
      try {
        const feeds = ['en/atom.xml', 'zh/atom.xml', 'en/rss.xml', 'zh/rss.xml'].map(
          (feed) => `${fullServer.url}/feeds/${feed}`,
        );
        const nb = await subscribe(home.dir, feeds);
        const feedRows = await cacheRows<[string, string]>(nb, 'select rssurl, url from rss_feed');
        for (const [rssurl, link] of feedRows)
          expect(link, rssurl).toBe(HOME[rssurl.includes('/feeds/zh/') ? 'zh' : 'en']);
        const items = await cacheRows<[string, string, string | null]>(
          nb,
          'select feedurl, url, enclosure_url from rss_item',
        );
        // RSS and Atom items share their guid (the canonical URL): newsboat keeps each story once.
        expect(items.length).toBe(storiesIn('en').length + storiesIn('zh').length);
        for (const [feedurl, url, enclosure] of items) {
          expect(inLanguage(url, feedurl.includes('/feeds/zh/') ? 'zh' : 'en'), `${feedurl}: ${url}`).toBe(true);
          expect(enclosure ?? '').toBe('');
        }

        // The newest story of each Atom feed, as newsboat shows it: a fresh newsboat per feed (each
        // opens at the newest article, and no item is filed under an RSS feed with the same guid).
        const readerOf = async (lang: 'en' | 'zh') => {
          await mkdir(path.join(home.dir, lang));
          return subscribe(path.join(home.dir, lang), [`${fullServer.url}/feeds/${lang}/atom.xml`]);
        };
        const newestEn = storiesIn('en').find((story) => story.image)!;
        expect(storiesIn('en')[0]).toBe(newestEn); // the newest has an image in the replica
        const screen = await articleScreen(await readerOf('en'), 0, 0);
        expect(screen).toContain(newestEn.title.en);
        expect(screen).toContain(`[image 1: ${newestEn.image!.alt.en}]`);
        expect(screen).toContain(newestEn.image!.credit!);
        expect(screen).toContain('© International Labour Organization. Source:');

        // The newest Chinese story, whose lead image has a Chinese alt.
        const newestZh = storiesIn('zh')[0]!;
        const zhScreen = await articleScreen(await readerOf('zh'), 0, 0);
        expect(zhScreen).toContain(newestZh.title.zh);
        expect(zhScreen).toContain(`[image 1: ${newestZh.image!.alt.zh}]`);
      } finally {
        await home.cleanup();
      }
    },
    90_000,
  );

  it.runIf(python)('gives a date-only story one instant in the feeds, the Markdown and the exports', async () => {
    const dateOnly = stories.find((story) => story.id === 'ilo-forum-calls-investment-care-economy-close-gender-gaps')!;
    const noon = Date.parse('2025-05-05T12:00:00Z');
    expect(Date.parse(dateOnly.publishedAt)).toBe(noon); // exports/v1/index.json
    const exported = JSON.parse(
      await readFile(path.join(full.dir, `exports/v1/articles/${dateOnly.id}.json`), 'utf8'),
    ) as Story;
    expect(Date.parse(exported.publishedAt)).toBe(noon);
    const meta = JSON.parse(await readFile(path.join(full.dir, `articles/${dateOnly.id}/meta.json`), 'utf8')) as Story;
    expect(Date.parse(meta.publishedAt)).toBe(noon);
    const markdown = await readFile(path.join(full.dir, `articles/${dateOnly.id}/en.md`), 'utf8');
    const front = parseYaml(/^---\n([\s\S]*?)\n---\n/.exec(markdown)![1]!) as { date: string };
    expect(Date.parse(front.date)).toBe(noon);
    for (const file of ['rss.xml', 'atom.xml']) {
      const feed = await feedparser(`${fullServer.url}/feeds/en/${file}`);
      const entry = feed.entries.find((e) => e.link === dateOnly.url.en)!;
      expect(Number(entry.published) * 1000, file).toBe(noon);
    }
    const json = (await (await fetch(`${fullServer.url}/feeds/en/feed.json`)).json()) as {
      items: { url: string; date_published: string }[];
    };
    expect(Date.parse(json.items.find((item) => item.url === dateOnly.url.en)!.date_published)).toBe(noon);
  });

  it('writes the Chinese alt as image_alt in zh.md where there is one, else the English one marked as English', async () => {
    const front = async (id: string, lang: string) =>
      parseYaml(
        /^---\n([\s\S]*?)\n---\n/.exec(await readFile(path.join(full.dir, `articles/${id}/${lang}.md`), 'utf8'))![1]!,
      ) as Record<string, string>;
    const chineseOnly = stories.find((story) => story.id.startsWith('zh-') && story.image)!;
    expect(await front(chineseOnly.id, 'zh')).toMatchObject({ image_alt: chineseOnly.image!.alt.zh });
    expect(chineseOnly.image!.alt.zh).toMatch(/\p{Script=Han}/u);
    // The replica's bilingual stories show the shared image's English alt on their Chinese pages.
    const bilingual = stories.find((story) => story.languages.length === 2 && story.image)!;
    expect(bilingual.image!.alt.zh).toBeUndefined();
    expect(await front(bilingual.id, 'zh')).toMatchObject({ image_alt: bilingual.image!.alt.en, image_alt_lang: 'en' });
    expect((await front(bilingual.id, 'en')).image_alt_lang).toBeUndefined();
  });

  it.runIf(python)(
    'carries the lead, a link and the attribution in each summary-mode RSS item, and no body',
    async () => {
      for (const lang of ['en', 'zh'] as const) {
        const feed = await feedparser(`${summaryServer.url}/feeds/${lang}/rss.xml`);
        expect(feed.bozo).toBe(0);
        expect(feed.entries.length).toBe(storiesIn(lang).length);
        for (const entry of feed.entries) {
          expect(entry.content ?? null, entry.link).toBeNull();
          expect(entry.summary).toContain('© International Labour Organization');
          expect(entry.summary).toContain(`href="${entry.link}"`);
        }
      }
    },
  );
});
