// The site as a person and a feed reader meet it: after a run over the replica (in process), `serve` gives the
// bilingual landing page at "/", opened in headless Chromium (Debian's) at phone and desktop width,
// and the OPML of every feed, imported into newsboat. The screenshots are kept (their paths are
// printed) for a person to look at.
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsStore } from '#adapters/fs-store.js';
import { type PublicServer, startPublicServer } from '#cli/public-server.js';
import { type ReplicaServer, startReplicaServer } from '#replica/replica-server.js';
import { runInProcess } from '#test/helpers/cli-in-process.js';
import { cacheRows } from '#test/helpers/newsboat.js';
import { hasClient, requireClient } from '#test/helpers/real-clients.js';
import { tempDir } from '#test/helpers/temp-dir.js';

const run = promisify(execFile);
const CHROMIUM = '/usr/bin/chromium';
const browser = requireClient('chromium', hasClient(CHROMIUM, ['--version']));
const chineseFonts = requireClient('fonts-wqy-zenhei (fc-list :lang=zh)', hasClient('fc-list', [':lang=zh', 'family']));
const newsboat = requireClient('newsboat', hasClient('newsboat'));

/** One folder, written over by each run: the screenshots stay for a person to look at. */
const SCREENSHOTS = path.join(tmpdir(), 'ilo-syndication-screenshots');
const VIEWPORTS = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } } as const;

/**
 * How many Chinese characters an element's text has, and how many glyphs of it Chromium drew with a
 * font that covers Chinese (fontconfig's list for :lang=zh). A character no font has is drawn by a
 * last-resort font as a box ("tofu"), which this counts as not drawn in Chinese.
 */
async function chineseGlyphs(
  context: BrowserContext,
  page: Page,
  selector: string,
): Promise<{ han: number; drawnInChinese: number; fonts: { familyName: string; glyphCount: number }[] }> {
  const { stdout } = await run('fc-list', [':lang=zh', 'family']);
  const chinese = new Set(
    stdout
      .split('\n')
      .flatMap((line) => line.split(','))
      .map((name) => name.trim())
      .filter(Boolean),
  );
  const cdp = await context.newCDPSession(page);
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const { root } = await cdp.send('DOM.getDocument');
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
  if (!nodeId) throw new Error(`no element ${selector}`);
  const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
  const han = ((await page.locator(selector).first().textContent()) ?? '').match(/\p{Script=Han}/gu)?.length ?? 0;
  const drawnInChinese = fonts
    .filter((font) => chinese.has(font.familyName))
    .reduce((sum, font) => sum + font.glyphCount, 0);
  await cdp.detach();
  return { han, drawnInChinese, fonts };
}

describe.runIf(browser && chineseFonts)('the landing page in Chromium', () => {
  let replica: ReplicaServer;
  let data: { dir: string; cleanup: () => Promise<void> };
  let server: PublicServer;
  let context: BrowserContext;
  let profile: { dir: string; cleanup: () => Promise<void> };
  const requests: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    replica = await startReplicaServer();
    data = await tempDir();
    await mkdir(SCREENSHOTS, { recursive: true });
    server = await startPublicServer(await FsStore.open(data.dir), 0);
    const result = await runInProcess([
      'run',
      '--origin',
      replica.origin,
      '--data',
      data.dir,
      '--public-url',
      server.url,
    ]);
    expect(result.code, result.stderr).toBe(0);
    profile = await tempDir('chromium-profile-');
    context = await chromium.launchPersistentContext(profile.dir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    context.on('request', (request) => requests.push(request.url()));
    context.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
  }, 120_000);
  afterAll(async () => {
    await context?.close();
    await server?.close();
    await replica?.close();
    await data?.cleanup();
    await profile?.cleanup();
  });

  async function open(viewport: keyof typeof VIEWPORTS, url = `${server.url}/`): Promise<Page> {
    const page = await context.newPage();
    await page.setViewportSize(VIEWPORTS[viewport]);
    await page.goto(url, { waitUntil: 'load' });
    return page;
  }

  it.each(Object.keys(VIEWPORTS) as (keyof typeof VIEWPORTS)[])(
    'is readable at %s width: no sideways scrolling, text large enough, screenshot taken',
    async (viewport) => {
      const page = await open(viewport);
      const file = path.join(SCREENSHOTS, `landing-${viewport}.png`);
      await page.screenshot({ path: file, fullPage: true });
      console.log(`screenshot: ${file}`);
      const layout = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
        smallestText: Math.min(
          ...[...document.querySelectorAll('p, li, td, th, a, time')].map((e) =>
            Number.parseFloat(getComputedStyle(e).fontSize),
          ),
        ),
        widest: Math.max(...[...document.querySelectorAll('body *')].map((e) => e.getBoundingClientRect().right)),
      }));
      expect(layout.scrollWidth).toBeLessThanOrEqual(layout.innerWidth);
      expect(layout.widest).toBeLessThanOrEqual(layout.innerWidth);
      expect(layout.smallestText).toBeGreaterThanOrEqual(14);
      await page.close();
    },
  );

  it('answers 200 for every link on our host, and every #fragment names an element', async () => {
    const page = await open('desktop');
    const links = await page.evaluate(() =>
      [...document.querySelectorAll('a[href], link[href]')].map((e) => (e as HTMLAnchorElement).href),
    );
    const ours = links.filter((href) => new URL(href).origin === server.url);
    expect(ours.length).toBeGreaterThan(30);
    for (const href of new Set(ours)) {
      const url = new URL(href);
      const answer = await fetch(url.href.replace(/#.*$/, ''));
      expect(answer.status, href).toBe(200);
      await answer.arrayBuffer();
      if (url.hash) expect(await page.locator(url.hash).count(), href).toBe(1);
    }
    // Links leave only for the ILO site.
    for (const href of links.filter((h) => new URL(h).origin !== server.url))
      expect(new URL(href).origin, href).toBe('https://www.ilo.org');
    await page.close();
  });

  it('lists every feed, topic feeds included, in both languages, with autodiscovery links', async () => {
    const page = await open('desktop');
    for (const lang of ['en', 'zh']) {
      const topics = await readdir(path.join(data.dir, 'feeds', lang, 'topics'));
      const listed = await page
        .locator(`#${lang} table a[href$="rss.xml"]`)
        .evaluateAll((anchors) => anchors.map((a) => a.getAttribute('href')));
      expect(listed.sort()).toEqual(
        [`feeds/${lang}/rss.xml`, ...topics.map((slug) => `feeds/${lang}/topics/${slug}/rss.xml`)].sort(),
      );
      for (const format of ['rss.xml', 'atom.xml', 'feed.json']) {
        expect(await page.locator(`#${lang} table a[href$="${format}"]`).count()).toBe(topics.length + 1);
      }
    }
    const discovery = await page
      .locator('head link[rel="alternate"]')
      .evaluateAll((links) =>
        links.map((l) => [l.getAttribute('type'), l.getAttribute('hreflang'), l.getAttribute('href')]),
      );
    for (const [lang, tag] of [
      ['en', 'en'],
      ['zh', 'zh-Hans'],
    ]) {
      expect(discovery).toContainEqual(['application/rss+xml', tag, `feeds/${lang}/rss.xml`]);
      expect(discovery).toContainEqual(['application/atom+xml', tag, `feeds/${lang}/atom.xml`]);
      expect(discovery).toContainEqual(['application/feed+json', tag, `feeds/${lang}/feed.json`]);
    }
    expect(discovery).toContainEqual(['text/x-opml', null, 'feeds.opml']);
    await page.close();
  });

  it('shows the latest stories of each language with their dates, the exports and how to subscribe by email', async () => {
    const page = await open('desktop');
    const index = JSON.parse(await readFile(path.join(data.dir, 'exports/v1/index.json'), 'utf8')) as {
      articles: { languages: string[]; title: Record<string, string>; url: Record<string, string> }[];
    };
    for (const lang of ['en', 'zh'] as const) {
      const stories = index.articles.filter((a) => a.languages.includes(lang));
      const shown = await page
        .locator(`#${lang} ul.stories li`)
        .evaluateAll((items) =>
          items.map((li) => [
            li.querySelector('a')!.textContent,
            li.querySelector('a')!.getAttribute('href'),
            li.querySelector('time')!.textContent,
            li.querySelector('time')!.getAttribute('datetime'),
          ]),
        );
      expect(shown.map(([title, href]) => [title, href])).toEqual(
        stories.slice(0, 10).map((story) => [story.title[lang], story.url[lang]]),
      );
    }
    expect(
      await page.locator('#en ul.stories li', { hasText: 'Youth employment rebounds' }).locator('time').textContent(),
    ).toBe('31 July 2025');
    expect(await page.locator('#zh ul.stories li', { hasText: '青年就业回升' }).locator('time').textContent()).toBe(
      '2025年7月31日',
    );
    for (const lang of ['en', 'zh']) {
      for (const file of ['index.json', 'changes.json', 'schema.json'])
        expect(await page.locator(`#${lang} a[href="exports/v1/${file}"]`).count()).toBe(1);
    }
    expect(await page.locator('#email').textContent()).toBe('By email');
    expect(await page.locator('#email-zh').textContent()).toBe('电子邮件订阅');
    expect(await page.locator('#en').textContent()).toContain('unsubscribe');
    await page.close();
  });

  it('renders the Chinese text in a Chinese font (no missing-glyph boxes)', async () => {
    const page = await open('phone');
    for (const selector of [
      '#zh-heading',
      '#zh ul.stories a',
      '#zh table th[scope="row"]',
      'h1 span[lang="zh-Hans"]',
    ]) {
      const { han, drawnInChinese, fonts } = await chineseGlyphs(context, page, selector);
      expect(han, selector).toBeGreaterThan(0);
      expect(drawnInChinese, `${selector}: ${JSON.stringify(fonts)}`).toBeGreaterThanOrEqual(han);
    }
    expect(await page.locator('#zh').getAttribute('lang')).toBe('zh-Hans');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.close();
  });

  it('notices missing glyphs: with no Chinese font, the same check finds the Chinese drawn by another font', async () => {
    const dejavu = '/usr/share/fonts/truetype/dejavu';
    const scratch = await tempDir('no-chinese-fonts-');
    const config = path.join(scratch.dir, 'fonts.conf');
    await writeFile(
      config,
      `<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig><dir>${dejavu}</dir><cachedir>${scratch.dir}/cache</cachedir></fontconfig>`,
    );
    const bare = await chromium.launchPersistentContext(path.join(scratch.dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      env: { ...process.env, FONTCONFIG_FILE: config },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await bare.newPage();
      await page.goto(`${server.url}/`);
      const { han, drawnInChinese } = await chineseGlyphs(bare, page, '#zh-heading');
      expect(han).toBeGreaterThan(0);
      expect(drawnInChinese).toBe(0);
    } finally {
      await bare.close();
      await scratch.cleanup();
    }
  });

  it('loads nothing but itself: no script, no other request, no Content-Security-Policy violation', async () => {
    requests.length = 0;
    consoleErrors.length = 0;
    const page = await open('desktop');
    expect(await page.evaluate(() => document.scripts.length)).toBe(0);
    expect(requests).toEqual([`${server.url}/`]);
    expect(consoleErrors).toEqual([]);
    expect(await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')).toMatch(
      /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'/,
    );
    // The style is applied (its hash matches), so the policy lets it through.
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('main')!).maxWidth)).toBe('768px');
    await page.close();
  });

  it('sends its Content-Security-Policy as a header too (its <meta> policy and no framing): the style still applies, no violation, and another site cannot frame it', async () => {
    consoleErrors.length = 0;
    const page = await context.newPage();
    const response = (await page.goto(`${server.url}/`, { waitUntil: 'load' }))!;
    const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(response.headers()['content-security-policy']).toBe(`${meta}; frame-ancestors 'none'`);
    expect(response.headers()['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('main')!).maxWidth)).toBe('768px');
    expect(consoleErrors).toEqual([]);
    await page.close();

    // A page of another origin framing the landing page: the browser refuses to show it there.
    const framer = createServer((_request, answer) =>
      answer
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(`<!doctype html><title>framer</title><iframe src="${server.url}/"></iframe>`),
    );
    await new Promise<void>((resolve) => framer.listen(0, '127.0.0.1', resolve));
    const outer = await context.newPage();
    try {
      await outer.goto(`http://127.0.0.1:${(framer.address() as AddressInfo).port}/`, { waitUntil: 'load' });
      const frame = outer.frames().find((f) => f !== outer.mainFrame())!;
      // A blocked frame holds Chromium's error page ("127.0.0.1 is blocked"), never the landing page.
      expect(
        await frame
          .evaluate(() => document.querySelector('main') === null && document.querySelector('#feeds') === null)
          .catch(() => true),
      ).toBe(true);
      expect(consoleErrors).toContainEqual(
        expect.stringContaining(
          `Framing '${server.url}/' violates the following Content Security Policy directive: "frame-ancestors 'none'"`,
        ),
      );
    } finally {
      await outer.close();
      framer.closeAllConnections();
      await new Promise((resolve) => framer.close(resolve));
    }
  });

  it('is announced well: headings in order, every link named, language switch', async () => {
    const page = await open('desktop');
    const headings = await page.locator('h1, h2, h3').evaluateAll((hs) => hs.map((h) => Number(h.tagName[1])));
    expect(headings[0]).toBe(1);
    for (let i = 1; i < headings.length; i++) expect(headings[i]! - headings[i - 1]!).toBeLessThanOrEqual(1);
    const unnamed = await page
      .locator('a')
      .evaluateAll(
        (anchors) => anchors.filter((a) => !(a.getAttribute('aria-label') ?? a.textContent ?? '').trim()).length,
      );
    expect(unnamed).toBe(0);
    await page.locator('nav a[href="#zh"]').click();
    expect(page.url()).toBe(`${server.url}/#zh`);
    await page.close();
  });

  it('lets a partner site read every kind of public file from its own origin, and revalidate it (CORS)', async () => {
    // The partner's page, on another origin (another port of 127.0.0.1).
    const partner = createServer((_request, response) =>
      response
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end('<!doctype html><title>partner</title>'),
    );
    await new Promise<void>((resolve) => partner.listen(0, '127.0.0.1', resolve));
    const page = await context.newPage();
    try {
      await page.goto(`http://127.0.0.1:${(partner.address() as AddressInfo).port}/`);
      const index = JSON.parse(await readFile(path.join(data.dir, 'exports/v1/index.json'), 'utf8')) as {
        articles: { id: string; languages: string[] }[];
      };
      const story = index.articles.find((a) => a.languages.length === 2)!;
      const topic = (await readdir(path.join(data.dir, 'feeds/zh/topics')))[0]!;
      const paths = [
        '/',
        'feeds.opml',
        'feeds/en/rss.xml',
        'feeds/zh/atom.xml',
        'feeds/en/feed.json',
        `feeds/zh/topics/${topic}/rss.xml`,
        'exports/v1/index.json',
        'exports/v1/changes.json',
        'exports/v1/schema.json',
        `exports/v1/articles/${story.id}.json`,
        `articles/${story.id}/en.md`,
        `articles/${story.id}/zh.md`,
        `articles/${story.id}/meta.json`,
      ].map((p) => `${server.url}/${p.replace(/^\//, '')}`);
      const answers = await page.evaluate(async (urls) => {
        const results: {
          url: string;
          status: number | string;
          etag?: string | null;
          byEtag?: number;
          bySince?: number;
        }[] = [];
        for (const url of urls) {
          try {
            const first = await fetch(url, { cache: 'no-store' });
            const etag = first.headers.get('etag');
            const since = first.headers.get('last-modified');
            await first.text();
            const byEtag = (await fetch(url, { cache: 'no-store', headers: { 'If-None-Match': etag ?? '' } })).status;
            const bySince = (await fetch(url, { cache: 'no-store', headers: { 'If-Modified-Since': since ?? '' } }))
              .status;
            results.push({ url, status: first.status, etag, byEtag, bySince });
          } catch (error) {
            results.push({ url, status: String(error) });
          }
        }
        return results;
      }, paths);
      for (const answer of answers)
        expect(answer, answer.url).toMatchObject({
          status: 200,
          etag: expect.stringMatching(/^(W\/)?"[0-9a-f]+"$/),
          byEtag: 304,
          bySince: 304,
        });
    } finally {
      await page.close();
      partner.closeAllConnections();
      await new Promise((resolve) => partner.close(resolve));
    }
  });

  it('leads /feeds/ to the list of feeds on the landing page', async () => {
    const page = await open('phone', `${server.url}/feeds/`);
    expect(page.url()).toBe(`${server.url}/#feeds`);
    expect(await page.locator('#feeds').textContent()).toBe('Feeds');
    await page.close();
  });

  it.runIf(newsboat)(
    'gives newsboat every feed from feeds.opml, each of which it reads',
    async () => {
      const home = await tempDir('newsboat-opml-');
      try {
        const opml = path.join(home.dir, 'feeds.opml');
        await writeFile(opml, await (await fetch(`${server.url}/feeds.opml`)).text());
        const urls = path.join(home.dir, 'urls');
        await writeFile(urls, '');
        const env = { ...process.env, HOME: home.dir };
        await run('newsboat', ['-u', urls, '-c', path.join(home.dir, 'cache.db'), '-C', '/dev/null', '-i', opml], {
          env,
        });
        const imported = (await readFile(urls, 'utf8'))
          .split('\n')
          .map((line) => line.split(/\s+/)[0])
          .filter((url) => url?.startsWith('http'));
        const expected: string[] = [];
        for (const lang of ['en', 'zh']) {
          expected.push(`${server.url}/feeds/${lang}/rss.xml`);
          for (const slug of await readdir(path.join(data.dir, 'feeds', lang, 'topics')))
            expected.push(`${server.url}/feeds/${lang}/topics/${slug}/rss.xml`);
        }
        expect([...imported].sort()).toEqual(expected.sort());
        const nb = { urls, cache: path.join(home.dir, 'cache.db'), env };
        await mkdir(path.join(home.dir, '.newsboat'), { recursive: true });
        await run('newsboat', ['-u', urls, '-c', nb.cache, '-C', '/dev/null', '-x', 'reload'], { env });
        const feeds = await cacheRows<[string, string]>(nb, 'select rssurl, title from rss_feed');
        expect(feeds.map(([url]) => url).sort()).toEqual(expected.sort());
        expect(feeds.every(([, title]) => title.startsWith('ILO News') || title.startsWith('国际劳工组织新闻'))).toBe(
          true,
        );
      } finally {
        await home.cleanup();
      }
    },
    60_000,
  );
});
