// The "ILO source" robustness cases, end to end: the CLI in process (main, as bin/syndicate.ts calls
// it; real child processes where the time zone of the process is the point), the replica over real
// HTTP, a real data folder. Cases that need the site in another state (a page edited, a twin
// appearing later, a gone entry, a broken sitemap) run on a temporary copy of the replica site, or
// through the replica server's request hook. Numbers in the test names are the case numbers.
// What the extractor makes of each variation page (cases 8, 12, 13 and 15, and the details of the
// others) is asserted in process in test/pipeline/extract-variations.test.ts; here, what a run does.
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReplicaServer, type RequestHook, startReplicaServer } from '#replica/replica-server.js';
import { newsPage, storyId } from '#pipeline/site/ilo-urls.js';
import { type CliResult, runCli } from '#test/helpers/cli.js';
import { runInProcess } from '#test/helpers/cli-in-process.js';
import type { RunReport } from '#pipeline/run-pipeline.js';
import { STORY, VARIANT_STORY, VARIATION, canonical } from '#test/helpers/replica.js';
import { SiteCopy } from '#test/helpers/replica-site.js';
import { tempDir } from '#test/helpers/temp-dir.js';
import { VirtualClock } from '#test/helpers/virtual-clock.js';
import { notificationEvent } from '#test/helpers/notification-event.js';

// ---------------------------------------------------------------------------------------------
// Helpers: temporary site states, a replica that logs requests, and reading a data folder.

type TempDir = Awaited<ReturnType<typeof tempDir>>;
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(cleanups.map((cleanup) => cleanup()));
});

async function dataDir(): Promise<string> {
  const dir: TempDir = await tempDir('ilo-source-data-');
  cleanups.push(dir.cleanup);
  return dir.dir;
}

const NEWS_PATH = /^\/(zh-hans\/)?resource\/news\//;

/** A temporary copy of the replica site (removed after the file), optionally with a variant state. */
async function siteCopy(options: { state?: string; keep?: readonly string[] } = {}): Promise<SiteCopy> {
  const site = await SiteCopy.create();
  cleanups.push(site.cleanup);
  if (options.state) await site.addState(options.state);
  if (options.keep) await site.keepListed(options.keep);
  return site;
}

interface Replica extends ReplicaServer {
  /** Every request path the replica received (decoded), in order, with the time it came (on `clock`). */
  requests: { path: string; at: number }[];
  /** News page requests (articles and the listing) from index `from` up to `to`. */
  newsRequests(from?: number, to?: number): string[];
}

async function replica(
  options: { root?: string; hook?: RequestHook; clock?: { now(): number } } = {},
): Promise<Replica> {
  const requests: Replica['requests'] = [];
  const clock = options.clock ?? Date;
  const server = await startReplicaServer({
    ...(options.root ? { root: options.root } : {}),
    hook: (request, response) => {
      requests.push({ path: decodeURIComponent(request.url ?? ''), at: clock.now() });
      return options.hook ? options.hook(request, response) : false;
    },
  });
  cleanups.push(() => server.close());
  return Object.assign(server, {
    requests,
    newsRequests: (from = 0, to = requests.length) =>
      requests
        .slice(from, to)
        .map((r) => r.path)
        .filter((p) => NEWS_PATH.test(p)),
  });
}

/** A run's outcome: what it printed, and its --json report (undefined when it did not complete). */
type RunResult = CliResult & { report: RunReport };

/**
 * `syndicate run --json` in process; `clock` is the fetcher's (its waits between tries). The tests
 * assert on the --json report; the human summary is asserted in cli-run and cli-aws.
 */
async function run(origin: string, data: string, flags: string[] = [], clock?: VirtualClock): Promise<RunResult> {
  const result = await runInProcess(
    ['run', '--origin', origin, '--data', data, '--json', ...flags],
    clock ? { clock } : {},
  );
  return { ...result, report: result.code === 0 ? (JSON.parse(result.stdout) as RunReport) : (undefined as never) };
}

/** `syndicate run` as a process of its own, in the time zone `tz`. */
function runInZone(origin: string, data: string, tz: string): Promise<CliResult> {
  return runCli(['run', '--origin', origin, '--data', data], { env: { TZ: tz } });
}

function expectCompleted(result: CliResult): void {
  expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
}

/** The counts of the run's --json report: pages to check, stories new, updated, unchanged, failed. */
function counts({ report }: RunResult): {
  candidates: number;
  new: number;
  updated: number;
  unchanged: number;
  failed: number;
} {
  expect(report).toBeDefined();
  return {
    candidates: report.candidates,
    new: report.newStories.length,
    updated: report.updatedStories.length,
    unchanged: report.unchanged,
    failed: report.failed.length,
  };
}

/** The failure reasons of the run's --json report. */
function failureReasons({ report }: RunResult): string[] {
  return report.failed.map((failure) => failure.reason);
}

interface ArticleRecord {
  id: string;
  version: number;
  publishedAt: string;
  languages: string[];
  title: Record<string, string>;
  summary: Record<string, string>;
  url: Record<string, string>;
  topics: { slug: string; label: Record<string, string> }[];
  places: { slug: string; label: Record<string, string> }[];
  image?: { url: string; alt: Record<string, string>; credit?: string };
  contentHash: Record<string, string>;
}

async function records(data: string): Promise<ArticleRecord[]> {
  const ids = await readdir(path.join(data, 'articles')).catch(() => [] as string[]);
  return Promise.all(
    ids.map(
      async (id) => JSON.parse(await readFile(path.join(data, 'articles', id, 'meta.json'), 'utf8')) as ArticleRecord,
    ),
  );
}

/** The one record holding the page; fails when none or several do. */
async function recordOf(data: string, pathname: string): Promise<ArticleRecord> {
  const url = canonical(pathname);
  const holding = (await records(data)).filter((record) => Object.values(record.url).includes(url));
  expect(
    holding.map((r) => r.id),
    `records holding ${pathname}`,
  ).toHaveLength(1);
  return holding[0]!;
}

async function markdown(data: string, id: string, lang: 'en' | 'zh'): Promise<string> {
  return readFile(path.join(data, 'articles', id, `${lang}.md`), 'utf8');
}

interface Sent {
  type: string;
  id: string;
  version: number;
}

async function notifications(data: string): Promise<Sent[]> {
  const text = await readFile(path.join(data, 'notifications.jsonl'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => notificationEvent(JSON.parse(line)) as Sent);
}

/** sha256 of every file under the given top-level entries of a data folder. */
async function fingerprint(data: string, entries: string[]): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const entry of entries) {
    const full = path.join(data, entry);
    const files = await readdir(full, { recursive: true, withFileTypes: true }).catch(() => undefined);
    const list = files ? files.filter((f) => f.isFile()).map((f) => path.join(f.parentPath, f.name)) : [full];
    for (const file of list) {
      result[path.relative(data, file)] = createHash('sha256')
        .update(await readFile(file))
        .digest('hex');
    }
  }
  return result;
}

const zhOnlyId = (pathname: string) => storyId({ zh: newsPage(canonical(pathname))! });
const slugId = (pathname: string) => pathname.split('/').pop()!;

// ---------------------------------------------------------------------------------------------

/** Stories dated by one form each, and the calendar day each must get. */
const DATED: [string, string][] = [
  [VARIATION.unixTimeDate, '2025-03-20'], // <time datetime="1742428800">, printed by script
  [VARIATION.jsonLdDate, '2025-06-30'], // JSON-LD datePublished only (related cards carry other dates)
  [STORY.structuredEn, '2025-05-05'], // "05 May 2025"
  [VARIATION.chineseYmdDate, '2025-01-06'], // "2025年1月6日"
  [VARIATION.chineseMonthNameDate, '2024-11-21'], // "21 十一月 2024"
];

describe.concurrent('the replica with the variation stories, run from scratch and rerun', { timeout: 90_000 }, () => {
  let site: Replica;
  let data: string;
  let first: RunResult;
  /** The same first run in the two time zones furthest from UTC, each into its own data folder. */
  const zones: Record<string, { data: string; result: CliResult }> = {};

  beforeAll(async () => {
    site = await replica({ root: (await siteCopy({ state: 'variations' })).root });
    data = await dataDir();
    // The time-zone runs need only the dated stories: a copy of the site that lists just those.
    const dated = await replica({
      root: (await siteCopy({ state: 'variations', keep: DATED.map(([pathname]) => pathname) })).root,
    });
    const zoneNames = ['Pacific/Kiritimati', 'Pacific/Pago_Pago'];
    const zoneData = await Promise.all(zoneNames.map(() => dataDir()));
    const [result, ...zoneResults] = await Promise.all([
      run(site.origin, data),
      ...zoneNames.map((zone, i) => runInZone(dated.origin, zoneData[i]!, zone)),
    ]);
    first = result!;
    for (const [i, zone] of zoneNames.entries()) zones[zone] = { data: zoneData[i]!, result: zoneResults[i]! };
  }, 120_000);

  it.sequential('ingests every story of the replica in one run', () => {
    expectCompleted(first);
    expect(counts(first)).toMatchObject({ new: 18, updated: 0, failed: 0 });
  });

  it.sequential('3. downloads no article page on a rerun with nothing changed (sitemaps answer 304)', async () => {
    const from = site.requests.length;
    const again = await run(site.origin, data);
    expectCompleted(again);
    expect(counts(again)).toMatchObject({ candidates: 0, new: 0, updated: 0 });
    expect(site.newsRequests(from)).toEqual([]);
    // Only robots.txt and the sitemaps were asked for, and those conditionally.
    expect(
      site.requests
        .slice(from)
        .map((r) => r.path)
        .sort(),
    ).toEqual(['/robots.txt', '/sitemap.xml', '/sitemap.xml?page=1', '/sitemap.xml?page=2', '/sitemap.xml?page=3']);
    expect(again.report.discovery).toMatchObject({ sitemapPagesFetched: 0, sitemapPagesNotModified: 3 });
  });

  it.sequential('6. pairs twins linked only by hreflang, only by "Content also available in", or only by the language menu', async () => {
    for (const [en, zh] of [
      [VARIATION.hreflangOnlyEn, VARIATION.hreflangOnlyZh],
      [VARIATION.alsoAvailableOnlyEn, VARIATION.alsoAvailableOnlyZh],
      [VARIATION.menuOnlyEn, VARIATION.menuOnlyZh],
    ] as const) {
      const record = await recordOf(data, en);
      expect(record, en).toMatchObject({
        id: slugId(en),
        version: 1,
        languages: ['en', 'zh'],
        url: { en: canonical(en), zh: canonical(zh) },
      });
      expect(record.title.zh, zh).toBe(slugId(zh)); // these Chinese aliases are the titles
      expect(await markdown(data, record.id, 'zh')).toContain('国际劳工组织');
    }
  });

  it.sequential('7. never takes an untranslated page under /zh-hans/ as the Chinese version, and a menu of missing languages is no error', async () => {
    const englishOnly = await recordOf(data, VARIATION.englishOnly);
    expect(englishOnly.languages).toEqual(['en']);
    expect(englishOnly.url).toEqual({ en: canonical(VARIATION.englishOnly) });
    const all = JSON.stringify(await records(data)) + (await readFile(path.join(data, 'feeds/zh/feed.json'), 'utf8'));
    expect(all).not.toContain(canonical(VARIATION.englishUnderChinesePath));
    // The care economy story's menu lists 中文, Français and Español, which answer 404.
    expect((await recordOf(data, STORY.structuredEn)).languages).toEqual(['en']);
    expect((await recordOf(data, VARIATION.noHead)).languages).toEqual(['en']);
    expect(first.report.failed).toEqual([]);
    expect(first.report.rejected).toEqual([]);
  });

  it.sequential('11. dates each story on its own calendar day, in any time zone (UTC+14 and UTC-11 too)', async () => {
    for (const [label, folder] of [
      ['TZ of the test run', data],
      ...Object.entries(zones).map(([zone, z]) => [zone, z.data]),
    ] as const) {
      if (label !== 'TZ of the test run') expectCompleted(zones[label]!.result);
      for (const [pathname, day] of DATED) {
        const record = await recordOf(folder, pathname);
        expect(record.publishedAt.slice(0, 10), `${label}: ${pathname}`).toBe(day);
        const lang = record.languages[0] as 'en' | 'zh';
        expect(await markdown(folder, record.id, lang), `${label}: front matter of ${pathname}`).toMatch(
          new RegExp(`^date: "${day}`, 'm'),
        );
      }
    }
    expect((await recordOf(data, VARIATION.jsonLdDate)).publishedAt).toBe('2025-06-30T16:20:00+02:00');
  });
});

describe.concurrent('discovery', { timeout: 90_000 }, () => {
  it('1. reads the news listing when the sitemap answers 500 (no retries) or 404, and says so', async () => {
    const failing = async (status: number) =>
      replica({
        hook: (request: IncomingMessage, response: ServerResponse) => {
          if (!request.url?.startsWith('/sitemap.xml')) return false;
          response.writeHead(status, { 'content-type': 'text/plain' }).end('sitemap unavailable');
          return true;
        },
      });
    const [site500, site404] = await Promise.all([failing(500), failing(404)]);
    const [data500, data404] = await Promise.all([dataDir(), dataDir()]);
    const results = await Promise.all([
      run(site500.origin, data500, ['--retries', '0']),
      run(site404.origin, data404, ['--retries', '0']),
    ]);
    for (const [result, data, site] of [
      [results[0]!, data500, site500],
      [results[1]!, data404, site404],
    ] as const) {
      expectCompleted(result);
      expect(result.report.discovery.source).toBe('listing');
      expect(result.stderr).toContain('sitemap unavailable, reading the news listing instead');
      expect(site.requests.map((r) => r.path)).toContain('/resource/news/all-news-recent');
      // The listing's five cards: F, B, C, A, E (three of them bring their Chinese twin).
      expect(counts(result)).toMatchObject({ new: 5, failed: 0 });
      expect((await recordOf(data, STORY.seedEn)).languages).toEqual(['en', 'zh']);
      for (const pathname of [STORY.regionEn, STORY.structuredEn, STORY.tableEn, STORY.olderEn])
        await recordOf(data, pathname);
      expect((await recordOf(data, STORY.olderEn)).publishedAt).toBe('2021-06-03T12:00:00Z');
    }
  });

  describe('4. --max and --since', () => {
    // The bundled replica: six stories, nine pages, lastmods from 2024-01-22 to 2025-09-03.
    const originalSite = () => replica();

    it('--max N ingests N pages this run and the rest on the next run', async () => {
      const site = await originalSite();
      const data = await dataDir();
      const first = await run(site.origin, data, ['--max', '3']);
      expectCompleted(first);
      // Newest first: D (zh, 2025-09-03), F (zh, 2025-08-06, brings its English twin), F (en, 2025-08-04)
      expect(counts(first)).toMatchObject({ candidates: 3, new: 2 });
      expect((await records(data)).map((r) => r.id).sort()).toEqual([
        slugId(STORY.regionEn),
        zhOnlyId(STORY.chineseOnly),
      ]);
      const second = await run(site.origin, data);
      expectCompleted(second);
      expect(counts(second)).toMatchObject({ candidates: 6, new: 4 });
      expect(await records(data)).toHaveLength(6);
      const sent = await notifications(data);
      expect(sent).toHaveLength(6);
      expect(new Set(sent.map((n) => n.id)).size).toBe(6);
      expect(sent.every((n) => n.type === 'article.published' && n.version === 1)).toBe(true);
    });

    it('--since DATE ingests the pages changed since DATE and sets the older ones aside', async () => {
      const site = await originalSite();
      const data = await dataDir();
      const from = site.requests.length;
      const first = await run(site.origin, data, ['--since', '2025-05-01']);
      expectCompleted(first);
      // Changed on or after 2025-05-01: D (zh), F (zh and en), B.
      expect(counts(first)).toMatchObject({ candidates: 4, new: 3 });
      const ids = (await records(data)).map((r) => r.id).sort();
      expect(ids).toEqual([slugId(STORY.structuredEn), slugId(STORY.regionEn), zhOnlyId(STORY.chineseOnly)].sort());
      // Older pages were set aside: a run without --since does not pick them up either.
      const second = await run(site.origin, data);
      expectCompleted(second);
      expect(counts(second)).toMatchObject({ candidates: 0, new: 0 });
      for (const older of [STORY.seedEn, STORY.seedZh, STORY.tableEn, STORY.olderEn])
        expect(site.newsRequests(from)).not.toContain(older);
    });
  });
});

describe.concurrent('a site with gone, mistaken and broken pages', { timeout: 90_000 }, () => {
  const gone404 = '/resource/news/ilo-mission-assesses-flood-damage-workplaces-pakistan';
  const gone410 = '/resource/news/ilo-study-wage-gaps-apparel-supply-chains';
  let site: SiteCopy;
  let server: Replica;
  let data: string;
  let first: RunResult;
  let second: RunResult;
  let secondFrom: number;
  /** The run report (--json) of a third run, after the gone entries and the drifted page changed lastmod. */
  let third: {
    gone: string[];
    warnings: string[];
    failed: { url: string }[];
    newStories: string[];
    updatedStories: string[];
    unchanged: number;
    markupDrift: number;
  };
  let thirdFrom: number;

  beforeAll(async () => {
    site = await siteCopy({
      state: 'variations',
      keep: [STORY.seedEn, STORY.seedZh, STORY.structuredEn, VARIATION.englishOnly],
    });
    for (const variant of [VARIANT_STORY.markupDrift, VARIANT_STORY.noTitle, VARIANT_STORY.noBody]) {
      await site.addPage(variant);
      await site.list(variant.path, '2025-09-16T12:00:00+02:00');
    }
    await site.list(gone404, '2025-09-20T10:00:00+02:00'); // no such page: 404
    await site.list(gone410, '2025-09-21T10:00:00+02:00'); // unpublished: 410
    await site.list(VARIATION.englishUnderChinesePath, '2025-06-12T09:00:00+02:00'); // English text under /zh-hans/
    server = await replica({
      root: site.root,
      hook: (request, response) => {
        if (decodeURIComponent(request.url ?? '') !== gone410) return false;
        response.writeHead(410, { 'content-type': 'text/html; charset=utf-8' }).end('<h1>Gone</h1>');
        return true;
      },
    });
    data = await dataDir();
    first = await run(server.origin, data);
    secondFrom = server.requests.length;
    second = await run(server.origin, data);
    for (const pathname of [gone404, gone410, VARIANT_STORY.markupDrift.path])
      await site.setLastmod(pathname, '2025-09-22T10:00:00+02:00');
    thirdFrom = server.requests.length;
    const result = await run(server.origin, data);
    expectCompleted(result);
    third = result.report;
  }, 120_000);

  it.sequential('7. skips a /zh-hans/ page that shows English text when the sitemap lists it, without storing it', async () => {
    expect(first.report.rejected).toEqual([
      { url: canonical(VARIATION.englishUnderChinesePath), reason: 'content is in en, not zh' },
    ]);
    expect((await recordOf(data, VARIATION.englishOnly)).languages).toEqual(['en']);
    expect(JSON.stringify(await records(data))).not.toContain(canonical(VARIATION.englishUnderChinesePath));
    expect(server.newsRequests(secondFrom, thirdFrom)).not.toContain(VARIATION.englishUnderChinesePath);
  });

  it.sequential('9. extracts a page whose rich-text class drifted through the fallback, without chrome, and warns naming it', async () => {
    const drift = canonical(VARIANT_STORY.markupDrift.path);
    expect(first.report.warnings).toEqual([`markup drift: body of ${drift} found by the fallback layer`]);
    expect(first.report.markupDrift).toBe(1);
    expect(first.stderr).toContain(`markup drift: body of ${drift}`);
    const record = await recordOf(data, VARIANT_STORY.markupDrift.path);
    const md = await markdown(data, record.id, 'en');
    expect(md).toContain('HO CHI MINH CITY (ILO News) – Forty labour inspectors');
    expect(md).toContain('The Ministry of Labour plans to include the course');
    const body = md.slice(md.indexOf('\n---\n') + 5);
    for (const chrome of [
      'Global Coalition',
      'Facebook',
      'Related news',
      'Previously posted',
      'Forced labour, human trafficking',
      'cookies',
      'Morillons',
      '16 September 2025',
      `# ${record.title.en}`,
    ]) {
      expect(body, chrome).not.toContain(chrome);
    }
    expect(second.report.warnings).toEqual([]); // not fetched again: nothing changed
    // The run report counts it (one warning per drifted layer) when the page is read again.
    expect(third.warnings).toEqual([`markup drift: body of ${drift} found by the fallback layer`]);
    expect(third.markupDrift).toBe(1);
    expect(third.unchanged).toBe(1);
  });

  it.sequential('10. never publishes a page without title or body, fails it naming the page, and retries it next run', async () => {
    const noTitle = canonical(VARIANT_STORY.noTitle.path);
    const noBody = canonical(VARIANT_STORY.noBody.path);
    for (const result of [first, second]) {
      expectCompleted(result);
      expect(counts(result).failed).toBe(2);
      const reasons = failureReasons(result);
      expect(reasons).toEqual(
        expect.arrayContaining([
          `empty-story: ${noTitle}: no title found`,
          `empty-story: ${noBody}: no body text found`,
        ]),
      );
    }
    // Retried: fetched again by the second run.
    expect(server.newsRequests(secondFrom, thirdFrom)).toEqual(
      expect.arrayContaining([VARIANT_STORY.noTitle.path, VARIANT_STORY.noBody.path]),
    );
    expect(third.failed.map((f) => f.url).sort()).toEqual([noTitle, noBody].sort()); // and by the third
    const ids = (await records(data)).map((r) => r.id);
    expect(ids).not.toContain(slugId(VARIANT_STORY.noTitle.path));
    expect(ids).not.toContain(slugId(VARIANT_STORY.noBody.path));
    const published =
      JSON.stringify(await notifications(data)) + (await readFile(path.join(data, 'feeds/en/rss.xml'), 'utf8'));
    expect(published).not.toContain('minimum-wage-consultations');
    expect(published).not.toContain('palau-ratifies');
  });

  it.sequential('2. records sitemap entries answering 404 and 410 as gone, fetches them again only when their lastmod changes', async () => {
    expectCompleted(first);
    expect([...first.report.gone].sort()).toEqual([canonical(gone404), canonical(gone410)].sort());
    expect(counts(first).new).toBe(4); // A, B, the English-only story and the drifted page
    expectCompleted(second);
    expect(server.newsRequests(secondFrom, thirdFrom)).not.toContain(gone404);
    expect(server.newsRequests(secondFrom, thirdFrom)).not.toContain(gone410);
    expect(second.report.gone).toEqual([]);
    // Their lastmod changed: fetched again (and still gone).
    expect(server.newsRequests(thirdFrom)).toEqual(expect.arrayContaining([gone404, gone410]));
    expect(third.gone.sort()).toEqual([canonical(gone404), canonical(gone410)].sort());
    expect(third.newStories).toEqual([]);
    expect(third.updatedStories).toEqual([]);
  });
});

describe.concurrent('5. one story, one record, however its pages turn up', { timeout: 90_000 }, () => {
  it('keeps the id of a Chinese story found first when its English twin appears later: version 2, article.updated', async () => {
    const { chineseFirstZh: zh, chineseFirstEn: en } = VARIANT_STORY;
    const site = await siteCopy({ keep: [STORY.seedEn, STORY.seedZh] });
    await site.addPage(zh);
    await site.list(zh.path, '2025-09-18T10:00:00+02:00');
    const server = await replica({ root: site.root });
    const data = await dataDir();
    const first = await run(server.origin, data);
    expectCompleted(first);
    const id = zhOnlyId(zh.path);
    expect(await recordOf(data, zh.path)).toMatchObject({ id, version: 1, languages: ['zh'] });

    await site.addPage(en); // the English page links the Chinese one by hreflang
    await site.list(en.path, '2025-09-25T09:00:00+02:00');
    const second = await run(server.origin, data);
    expectCompleted(second);
    expect(counts(second)).toMatchObject({ new: 0, updated: 1 });
    const record = await recordOf(data, en.path);
    expect(record).toMatchObject({
      id,
      version: 2,
      languages: ['en', 'zh'],
      url: { en: canonical(en.path), zh: canonical(zh.path) },
    });
    expect(await readdir(path.join(data, 'articles'))).not.toContain(slugId(en.path));
    const index = JSON.parse(await readFile(path.join(data, 'exports/v1/index.json'), 'utf8'));
    expect(
      index.articles.filter((a: { url: Record<string, string> }) => Object.values(a.url).includes(canonical(zh.path))),
    ).toHaveLength(1);
    expect((await notifications(data)).filter((n) => n.id === id)).toEqual([
      expect.objectContaining({ type: 'article.published', version: 1 }),
      expect.objectContaining({ type: 'article.updated', version: 2 }),
    ]);

    // Later Drupal touches the Chinese page (same text): the story keeps both languages, no new version.
    await site.setLastmod(zh.path, '2025-09-30T09:00:00+02:00');
    const third = await run(server.origin, data);
    expectCompleted(third);
    expect(counts(third)).toMatchObject({ new: 0, updated: 0, unchanged: 1 });
    expect(await recordOf(data, zh.path)).toMatchObject({ id, version: 2, languages: ['en', 'zh'] });
    expect(await notifications(data)).toHaveLength(3); // A, and the two messages of this story
  });

  it('makes one record of twins found in the same run, the Chinese one listed first and newer', async () => {
    const { chineseFirstZh: zh, chineseFirstEn: en } = VARIANT_STORY;
    // The "also available" story's English page is left out of the sitemap: only the Chinese
    // page's own "内容还有以下语言版本：" line leads to it.
    const site = await siteCopy({ state: 'variations', keep: [VARIATION.alsoAvailableOnlyZh] });
    await site.addPage(zh);
    await site.addPage(en);
    await site.list(zh.path, '2025-09-26T09:00:00+02:00');
    await site.list(en.path, '2025-09-25T09:00:00+02:00');
    const server = await replica({ root: site.root });
    const data = await dataDir();
    const result = await run(server.origin, data);
    expectCompleted(result);
    expect(counts(result)).toMatchObject({ new: 2, updated: 0 });
    expect(await recordOf(data, zh.path)).toMatchObject({ id: slugId(en.path), version: 1, languages: ['en', 'zh'] });
    expect(await recordOf(data, VARIATION.alsoAvailableOnlyZh)).toMatchObject({
      id: slugId(VARIATION.alsoAvailableOnlyEn),
      languages: ['en', 'zh'],
      url: { en: canonical(VARIATION.alsoAvailableOnlyEn), zh: canonical(VARIATION.alsoAvailableOnlyZh) },
    });
    expect(await records(data)).toHaveLength(2);
    expect(await notifications(data)).toHaveLength(2);
  });
});

describe.concurrent('14. updates', { timeout: 90_000 }, () => {
  it('makes version 2 of an edited story with one article.updated and the same feed guid, and nothing of a chrome-only change', async () => {
    const site = await siteCopy({ keep: [STORY.seedEn, STORY.seedZh, STORY.structuredEn, STORY.olderEn] });
    const server = await replica({ root: site.root });
    const data = await dataDir();
    const seedId = slugId(STORY.seedEn);
    expectCompleted(await run(server.origin, data));
    const before = await recordOf(data, STORY.seedEn);
    const rssItems = async () =>
      (await readFile(path.join(data, 'feeds/en/rss.xml'), 'utf8')).match(/<item>[\s\S]*?<\/item>/g) ?? [];
    const itemsBefore = await rssItems();
    const guidOf = (items: string[]) =>
      items.map((item) => /<guid[^>]*>([^<]*)<\/guid>/.exec(item)?.[1]).find((guid) => guid?.includes(seedId));

    // The story text is edited (Drupal bumps the sitemap lastmod).
    await site.editPage(STORY.seedEn, (html) =>
      html.replace('Almost 300 participants, including', 'More than 300 participants, including'),
    );
    await site.setLastmod(STORY.seedEn, '2024-11-20T09:00:00+01:00');
    const edited = await run(server.origin, data);
    expectCompleted(edited);
    expect(counts(edited)).toMatchObject({ new: 0, updated: 1 });
    const after = await recordOf(data, STORY.seedEn);
    expect(after).toMatchObject({ id: seedId, version: 2, languages: ['en', 'zh'] });
    expect(after.contentHash.en).not.toBe(before.contentHash.en);
    expect(after.contentHash.zh).toBe(before.contentHash.zh);
    expect(await markdown(data, seedId, 'en')).toContain('More than 300 participants');
    const sent = (await notifications(data)).filter((n) => n.id === seedId);
    expect(sent).toEqual([
      expect.objectContaining({ type: 'article.published', version: 1 }),
      expect.objectContaining({ type: 'article.updated', version: 2 }),
    ]);
    const itemsAfter = await rssItems();
    expect(itemsAfter).toHaveLength(itemsBefore.length);
    expect(guidOf(itemsAfter)).toBe(guidOf(itemsBefore));
    expect(guidOf(itemsAfter)).toBe(canonical(STORY.seedEn));
    expect(itemsAfter.find((item) => item.includes(seedId))).toContain('More than 300 participants');

    // Only chrome changes: related cards, the cookie banner, a dated notification banner.
    const publicFiles = ['articles', 'feeds', 'exports', 'notifications.jsonl'];
    const published = await fingerprint(data, publicFiles);
    await site.editPage(STORY.seedEn, (html) =>
      html
        .replace(
          /Survey shows gains for apprentices in China’s quality apprenticeship pilots/g,
          'ILO and Mongolia sign new Decent Work Country Programme',
        )
        .replace('datetime="1740700800">28 February 2025', 'datetime="1737936000">27 January 2025')
        .replace(
          'We use cookies to improve your experience and to collect anonymous statistics.',
          'This site uses cookies. You can change your choice at any time.',
        )
        .replace(
          'Partners around the world are joining forces to advance social justice.',
          'Updated 3 December 2025: partners around the world are joining forces to advance social justice.',
        ),
    );
    await site.setLastmod(STORY.seedEn, '2024-12-03T09:00:00+01:00');
    const from = server.requests.length;
    const chrome = await run(server.origin, data);
    expectCompleted(chrome);
    expect(server.newsRequests(from)).toContain(STORY.seedEn); // it was fetched again...
    expect(counts(chrome)).toMatchObject({ new: 0, updated: 0, unchanged: 1 }); // ...and found unchanged
    expect(chrome.report.publish.notificationsSent).toBe(0);
    expect(await fingerprint(data, publicFiles)).toEqual(published);
  });
});

describe.concurrent('16. politeness and safety', { timeout: 90_000 }, () => {
  it('retries 429 (Retry-After) and 500 within the run, refuses an off-site redirect, and retries a truncated page next run', async () => {
    const offSite = VARIATION.jsonLdDate;
    const truncated = STORY.olderEn;
    const site = await siteCopy({
      state: 'variations',
      keep: [STORY.seedEn, STORY.seedZh, STORY.structuredEn, STORY.regionEn, STORY.regionZh, offSite],
    });
    const answered = new Map<string, number>();
    let truncate = false;
    // The fetcher waits (Retry-After, backoff) on this clock, and the replica notes the time on it.
    const clock = new VirtualClock();
    const server = await replica({
      root: site.root,
      clock,
      hook: async (request, response) => {
        const pathname = decodeURIComponent(request.url ?? '');
        const count = (answered.get(pathname) ?? 0) + 1;
        answered.set(pathname, count);
        if (pathname === STORY.structuredEn && count === 1) {
          response.writeHead(429, { 'retry-after': '1', 'content-type': 'text/plain' }).end('Too many requests');
          return true;
        }
        if (pathname === STORY.regionEn && count === 1) {
          response.writeHead(500, { 'content-type': 'text/plain' }).end('Internal server error');
          return true;
        }
        if (pathname === offSite) {
          response.writeHead(301, { location: `https://ilo-news.example.net${request.url}` }).end();
          return true;
        }
        if (pathname === truncated && truncate) {
          const body = await readFile(site.file(truncated));
          response.writeHead(200, {
            'content-type': 'text/html; charset=utf-8',
            'content-length': String(body.length),
          });
          response.write(body.subarray(0, 4096), () => response.socket?.destroy());
          return true;
        }
        return false;
      },
    });
    const data = await dataDir();

    // Default retries.
    const first = await run(server.origin, data, [], clock);
    expectCompleted(first);
    expect(counts(first)).toMatchObject({ new: 3, failed: 1 });
    const times = (p: string) => server.requests.filter((r) => r.path === p).map((r) => r.at);
    const [tooMany, retried] = times(STORY.structuredEn);
    expect(retried! - tooMany!).toBeGreaterThanOrEqual(1000); // Retry-After: 1 honoured
    expect(clock.waits).toContain(1000);
    expect(times(STORY.regionEn)).toHaveLength(2);
    expect((await recordOf(data, STORY.regionEn)).languages).toEqual(['en', 'zh']);
    await recordOf(data, STORY.structuredEn);
    const reason = failureReasons(first).find((line) => line.startsWith(`host-not-allowed: ${canonical(offSite)}`));
    expect(reason).toMatch(/redirected to ilo-news\.example\.net, which is not allowed/);
    expect(server.requests.filter((r) => r.path === offSite)).toHaveLength(1); // not retried in the run
    expect((await records(data)).map((r) => r.id)).not.toContain(slugId(offSite));

    // A page whose body is cut off: failed, and ingested by the next run.
    await site.list(truncated, '2024-01-22T16:05:33+01:00');
    truncate = true;
    const second = await run(server.origin, data, ['--retries', '0'], clock);
    expectCompleted(second);
    expect(counts(second)).toMatchObject({ new: 0, failed: 2 });
    expect(failureReasons(second).join('\n')).toMatch(
      new RegExp(`truncated: ${canonical(truncated)}: body ended (early after \\d+ bytes|after \\d+ of \\d+ bytes)`),
    );
    expect((await records(data)).map((r) => r.id)).not.toContain(slugId(truncated));
    truncate = false;
    const third = await run(server.origin, data, ['--retries', '0'], clock);
    expectCompleted(third);
    expect(counts(third)).toMatchObject({ new: 1, failed: 1 }); // the off-site redirect is still refused
    expect((await recordOf(data, truncated)).title.en).toBe(
      'ILO and partners launch COVID-19 workplace safety training for small businesses',
    );
    expect(times(offSite)).toHaveLength(3); // a failed story is tried again on every run
  });
});
