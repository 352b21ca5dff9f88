// A transient fault stays transient: the replica served through a real HTTP server that cuts bodies
// short on connections without Content-Length, labels pages with the wrong charset, or answers a
// garbage sitemap. Nothing damaged is stored; a page whose result is suspect stays pending, is
// counted in the run report and is fetched again; an existing story never changes its id. The CLI
// runs in process (main), over HTTP, with the real HttpFetcher.
import { readFile, readdir } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Output, main } from '#cli/main.js';
import { type RequestHook, fileFor, startReplicaServer } from '#replica/replica-server.js';
import type { RunReport } from '#pipeline/run-pipeline.js';
import { SiteCopy } from '#test/helpers/replica-site.js';
import { STORY, canonical } from '#test/helpers/replica.js';
import { tempDir } from '#test/helpers/temp-dir.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Site {
  origin: string;
  root: string;
  site: SiteCopy;
  /** Decoded request paths, in order. */
  requests: string[];
  /** What the server does now with a request (undefined: serve the file as usual). */
  fault?:
    | ((pathname: string, request: IncomingMessage, response: ServerResponse) => Promise<boolean> | boolean)
    | undefined;
}

async function replicaSite(): Promise<Site> {
  const site = await SiteCopy.create();
  cleanups.push(site.cleanup);
  const state: Site = { origin: '', root: site.root, site, requests: [] };
  const hook: RequestHook = async (request, response) => {
    const pathname =
      decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname) +
      new URL(request.url ?? '/', 'http://x').search;
    state.requests.push(pathname);
    return state.fault ? state.fault(pathname, request, response) : false;
  };
  const server = await startReplicaServer({ root: site.root, hook });
  cleanups.push(() => server.close());
  state.origin = server.origin;
  return state;
}

async function run(
  site: Site,
  data: string,
  flags: string[] = [],
): Promise<{ code: number; report: RunReport; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: Output = {
    out: (text) => {
      stdout += `${text}\n`;
    },
    err: (text) => {
      stderr += `${text}\n`;
    },
  };
  const code = await main(['run', '--origin', site.origin, '--data', data, '--json', '--retries', '0', ...flags], io);
  if (code !== 0) throw new Error(`run failed (${code}): ${stderr}`);
  return { code, report: JSON.parse(stdout) as RunReport, stderr };
}

async function dataDir(): Promise<string> {
  const dir = await tempDir('transient-faults-');
  cleanups.push(dir.cleanup);
  return dir.dir;
}

async function fileBytes(site: Site, pathname: string): Promise<Buffer> {
  return readFile(fileFor(site.root, pathname.split('/').map(encodeURIComponent).join('/'))!);
}

/** An answer with no Content-Length and no chunked encoding: the body ends where the connection does. */
function closeDelimited(response: ServerResponse, head: string, body: Buffer): void {
  const socket = response.socket!;
  socket.write(`HTTP/1.1 200 OK\r\n${head}Connection: close\r\n\r\n`);
  socket.end(body);
}

interface StoredRecord {
  id: string;
  version: number;
  languages: string[];
  title: { en?: string; zh?: string };
  wordCount: { en?: number; zh?: number };
}

async function records(data: string): Promise<StoredRecord[]> {
  const ids = await readdir(path.join(data, 'articles')).catch(() => [] as string[]);
  return Promise.all(
    ids
      .sort()
      .map(
        async (id) => JSON.parse(await readFile(path.join(data, 'articles', id, 'meta.json'), 'utf8')) as StoredRecord,
      ),
  );
}

/** Every public text file of a data folder, concatenated. */
async function publicText(data: string): Promise<string> {
  const files = await readdir(data, { recursive: true, withFileTypes: true });
  const texts = await Promise.all(
    files
      .filter(
        (f) => f.isFile() && /^(articles|feeds|exports)/.test(path.relative(data, path.join(f.parentPath, f.name))),
      )
      .map((f) => readFile(path.join(f.parentPath, f.name), 'utf8')),
  );
  return texts.join('\n');
}

const SEED_ID = 'ilo-partners-microsoft-strengthen-ai-skilling-china';

describe('a body cut short on a connection without Content-Length', () => {
  it('is not stored as a shorter story: the page fails as truncated, is counted, stays pending and is ingested whole next run', async () => {
    const site = await replicaSite();
    const clean = await dataDir();
    await run(site, clean);
    const whole = (await records(clean)).find((r) => r.id === SEED_ID)!;

    const data = await dataDir();
    site.fault = async (pathname, _request, response) => {
      if (pathname !== STORY.seedEn) return false;
      const body = await fileBytes(site, STORY.seedEn);
      // Cut inside the story's body, as a dropped connection would.
      closeDelimited(
        response,
        'Content-Type: text/html; charset=utf-8\r\n',
        body.subarray(0, body.indexOf('Microsoft Philanthropies') + 200),
      );
      return true;
    };
    const first = await run(site, data);
    // The English candidate, and the Chinese one whose twin it is (not stored without its English page).
    expect(first.report.failed.map((f) => f.url).sort()).toEqual(
      [canonical(STORY.seedEn), canonical(STORY.seedZh)].sort(),
    );
    for (const failure of first.report.failed)
      expect(failure.reason).toMatch(
        new RegExp(`^truncated: ${canonical(STORY.seedEn)}: body ended after \\d+ bytes without </html>$`),
      );
    expect(first.report.suspectPages).toBe(1);
    expect((await records(data)).map((r) => r.id)).not.toContain(SEED_ID);

    site.fault = undefined;
    const second = await run(site, data);
    expect(second.report.newStories).toContain(SEED_ID);
    expect((await records(data)).find((r) => r.id === SEED_ID)!.wordCount).toEqual(whole.wordCount);
  });
});

describe('a wrong charset label', () => {
  const relabel = (site: Site, pages: Record<string, string>) => {
    site.fault = async (pathname, _request, response) => {
      const label = pages[pathname];
      if (!label) return false;
      const body = await fileBytes(site, pathname);
      response
        .writeHead(200, { 'content-type': `text/html; charset=${label}`, 'content-length': String(body.length) })
        .end(body);
      return true;
    };
  };

  it.each(['iso-8859-1', 'gbk'])(
    '%s on a UTF-8 Chinese page: the Chinese version is read as it is, no mojibake, no U+FFFD',
    async (label) => {
      const site = await replicaSite();
      relabel(site, { [STORY.seedZh]: label, [STORY.tableZh]: label, [STORY.chineseOnly]: label });
      const data = await dataDir();

      const { report } = await run(site, data);

      expect(report.failed).toEqual([]);
      const seed = (await records(data)).find((r) => r.id === SEED_ID)!;
      expect(seed.languages).toEqual(['en', 'zh']);
      expect(seed.title.zh).toBe('国际劳工组织与微软合作加强中国人工智能技能培训');
      const text = await publicText(data);
      expect(text).not.toMatch(/\uFFFD|鍥介檯|å›½/);
    },
  );

  it('utf-16le on English pages: read as the UTF-8 they are, every story keeps the id of a clean run', async () => {
    const site = await replicaSite();
    const clean = await dataDir();
    await run(site, clean);
    const cleanIds = (await records(clean)).map((r) => `${r.id} ${r.languages.join('+')}`);

    relabel(site, {
      [STORY.seedEn]: 'utf-16le',
      [STORY.structuredEn]: 'utf-16le',
      [STORY.tableEn]: 'utf-16le',
      [STORY.olderEn]: 'utf-16le',
      [STORY.regionEn]: 'utf-16le',
    });
    const data = await dataDir();
    const { report } = await run(site, data);

    expect(report.failed).toEqual([]);
    expect((await records(data)).map((r) => `${r.id} ${r.languages.join('+')}`)).toEqual(cleanIds);
    expect(await publicText(data)).not.toMatch(/\uFFFD/);
  });

  it('English pages really in UTF-16BE, labelled utf-16le: read in the order the bytes show, no story takes a "zh-" id', async () => {
    const site = await replicaSite();
    const clean = await dataDir();
    await run(site, clean);
    const cleanIds = (await records(clean)).map((r) => `${r.id} ${r.languages.join('+')}`);

    const english = [STORY.seedEn, STORY.structuredEn, STORY.tableEn, STORY.olderEn, STORY.regionEn];
    site.fault = async (pathname, _request, response) => {
      if (!english.includes(pathname as (typeof english)[number])) return false;
      const body = Buffer.from((await fileBytes(site, pathname)).toString('utf8'), 'utf16le').swap16();
      response
        .writeHead(200, { 'content-type': 'text/html; charset=utf-16le', 'content-length': String(body.length) })
        .end(body);
      return true;
    };
    const data = await dataDir();
    const { report } = await run(site, data);

    expect(report.failed).toEqual([]);
    // Read as nonsense, the English pages had no title: their Chinese twins were stored alone as zh- stories, for good.
    expect((await records(data)).map((r) => `${r.id} ${r.languages.join('+')}`)).toEqual(cleanIds);
  });

  it('on a page that is broken in every charset: not stored with U+FFFD, counted, pending, and a known story keeps its id and text', async () => {
    const site = await replicaSite();
    const data = await dataDir();
    await run(site, data);
    const before = (await records(data)).find((r) => r.id === SEED_ID)!;

    // The story changes, and its Chinese page comes with bytes that are neither UTF-8 nor GB18030.
    await site.site.setLastmod(STORY.seedEn, '2026-01-05T10:00:00+01:00');
    await site.site.setLastmod(STORY.seedZh, '2026-01-05T10:00:00+01:00');
    site.fault = async (pathname, _request, response) => {
      if (pathname !== STORY.seedZh) return false;
      const body = Buffer.from(await fileBytes(site, pathname));
      for (let i = body.indexOf('<div class="ilo--richtext">'); i < body.length; i += 97)
        if (body[i]! >= 0xe0) body[i] = 0xff;
      response
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': String(body.length) })
        .end(body);
      return true;
    };
    const second = await run(site, data);
    expect(second.report.failed.map((f) => f.url).sort()).toEqual(
      [canonical(STORY.seedEn), canonical(STORY.seedZh)].sort(),
    );
    for (const failure of second.report.failed)
      expect(failure.reason).toMatch(
        new RegExp(`^bad-content: ${canonical(STORY.seedZh)}: bytes not valid in utf-8 nor in GB18030`),
      );
    expect(second.report.suspectPages).toBe(1);
    expect(await publicText(data)).not.toMatch(/\uFFFD/);
    expect((await records(data)).find((r) => r.id === SEED_ID)).toEqual(before);

    site.fault = undefined;
    const third = await run(site, data);
    expect(third.report.failed).toEqual([]);
    expect(third.report.candidates).toBeGreaterThan(0); // it was still pending
  });
});

describe('an error page answered with 200 in place of the stories (a CDN or a site in maintenance)', () => {
  it('is no story: nothing stored, the pages counted and pending, and the stories as they are once the site is back', async () => {
    const site = await replicaSite();
    const clean = await dataDir();
    await run(site, clean);

    const maintenance = Buffer.from(
      '<!DOCTYPE html><html><head><title>Maintenance</title></head><body><h1>Back soon</h1><p>The site is under maintenance.</p></body></html>',
    );
    // Every English path, also the one where Drupal shows the Chinese-only story untranslated.
    site.fault = (pathname, _request, response) => {
      if (!pathname.startsWith('/resource/news/') || pathname === '/resource/news/all-news-recent') return false;
      response
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': String(maintenance.length) })
        .end(maintenance);
      return true;
    };
    const data = await dataDir();
    const first = await run(site, data);
    // Stored, each was the story "Maintenance" (and the Chinese-only story gained it as its English version), for good.
    expect(first.report.newStories).toEqual([]);
    expect(first.report.failed.length).toBeGreaterThan(0);
    for (const failure of first.report.failed)
      expect(failure.reason).toMatch(/^bad-content: .*: the page holds no news story/);
    expect(first.report.suspectPages).toBeGreaterThan(0);
    expect(await publicText(data)).not.toContain('Maintenance');

    site.fault = undefined;
    await run(site, data);
    expect(await records(data)).toEqual(
      (await records(clean)).map((record) =>
        expect.objectContaining({ id: record.id, version: 1, languages: record.languages, title: record.title }),
      ),
    );
  });
});

describe('a garbage sitemap', () => {
  // 120 more news URLs, older than the replica's stories: with them the site has more than a first
  // run's window of 100 pages. They answer 404 (recorded as gone), which keeps the runs quick.
  async function manyOlderPages(site: Site): Promise<void> {
    for (let i = 0; i < 120; i++)
      await site.site.list(
        `/resource/news/older-story-${i}`,
        `2019-01-${String((i % 28) + 1).padStart(2, '0')}T09:00:00+01:00`,
      );
  }

  it.each([
    [
      'an HTML page where the index should be',
      '/sitemap.xml',
      (body: string) => `<!DOCTYPE html><html><body><h1>Maintenance</h1>${body.slice(0, 0)}</body></html>`,
    ],
    ['a sitemap page cut short', '/sitemap.xml?page=2', (body: string) => body.slice(0, Math.floor(body.length / 3))],
    [
      'a sitemap page with no entries',
      '/sitemap.xml?page=2',
      () =>
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>',
    ],
  ])(
    '%s: a warning, the page read again next run, and the next run still takes only the first-run window',
    async (_, target, garble) => {
      const site = await replicaSite();
      await manyOlderPages(site);
      site.fault = async (pathname, _request, response) => {
        if (pathname !== target) return false;
        const file = fileFor(site.root, target)!;
        response
          .writeHead(200, { 'content-type': 'application/xml; charset=utf-8' })
          .end(garble(await readFile(file, 'utf8')));
        return true;
      };
      const data = await dataDir();
      const first = await run(site, data);
      expect(first.stderr).toMatch(/sitemap/);
      expect(
        first.report.discovery.sitemapPagesUnread + (first.report.discovery.source === 'listing' ? 1 : 0),
      ).toBeGreaterThan(0);

      site.fault = undefined;
      const second = await run(site, data);
      // The garbage page is read again, unconditionally, and the first run's window still holds.
      expect(second.report.discovery.sitemapPagesUnread).toBe(0);
      expect(second.report.setAsidePages).toBeGreaterThan(0);
      expect(first.report.candidates + second.report.candidates).toBeLessThanOrEqual(2 * 100);
      expect(second.report.candidates).toBeLessThanOrEqual(100);
    },
  );
});
