// Discovery's state as stored (discover/crawl-store.ts): a head and one part per sitemap page. A rerun
// with nothing changed reads the head alone and writes nothing; a change on one sitemap page reads and
// writes that page's part (and the head); the single state/crawl.json of earlier releases is read
// once, split and removed, with every page's state kept. Whole runs in process over the replica.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CRAWL_HEAD_SCHEMA,
  CRAWL_PART_SCHEMA,
  CrawlStore,
  readWholeCrawlState,
} from '#pipeline/discover/crawl-store.js';
import { isPending } from '#pipeline/discover/discovery-state.js';
import type { PutOptions, Store, StoredObject } from '#pipeline/ports.js';
import { stringifyJson } from '#pipeline/state/json-objects.js';
import { MemoryStore } from '#test/helpers/memory-store.js';
import { pipelineHarness } from '#test/helpers/pipeline-harness.js';
import { STORY, canonical } from '#test/helpers/replica.js';
import { SiteCopy } from '#test/helpers/replica-site.js';

/** The memory store, with every operation on discovery's state logged as `get key` / `put key` / `delete key`. */
class CrawlLog implements Store {
  readonly log: string[] = [];
  constructor(readonly inner = new MemoryStore()) {}
  private note(operation: string, key: string): void {
    if (key.startsWith('state/crawl')) this.log.push(`${operation} ${key}`);
  }
  async get(key: string): Promise<StoredObject | undefined> {
    this.note('get', key);
    return this.inner.get(key);
  }
  async put(key: string, body: string, options: PutOptions): Promise<{ etag: string }> {
    this.note('put', key);
    return this.inner.put(key, body, options);
  }
  list(prefix: string): AsyncIterable<string> {
    return this.inner.list(prefix);
  }
  async delete(key: string): Promise<void> {
    this.note('delete', key);
    return this.inner.delete(key);
  }
}

const HEAD = 'state/crawl/index.json';
const isPart = (entry: string) => /^(get|put) state\/crawl\/pages\/sitemap-xml-page-\d-[0-9a-f]{12}\.json$/.test(entry);

let site: SiteCopy | undefined;
afterEach(async () => {
  await site?.cleanup();
  site = undefined;
});

describe("discovery's state", () => {
  it('is one part per sitemap page; a rerun with nothing changed reads the head alone and writes nothing', async () => {
    const store = new CrawlLog();
    const { run, fetcher } = pipelineHarness({ store });
    const first = await run({ backfill: true });
    expect(first.pendingPages).toBe(0);
    // The replica's two sitemap pages: a part each, then the head.
    expect(store.log.filter((entry) => entry.startsWith('put'))).toEqual([
      expect.stringMatching(/^put state\/crawl\/pages\/sitemap-xml-page-1-/),
      expect.stringMatching(/^put state\/crawl\/pages\/sitemap-xml-page-2-/),
      `put ${HEAD}`,
    ]);
    const whole = await readWholeCrawlState(store);
    expect(Object.keys(whole!.urls)).toHaveLength(first.knownPages);

    store.log.length = 0;
    fetcher.requests.length = 0;
    const again = await run();
    expect(again).toMatchObject({ candidates: 0, knownPages: first.knownPages, pendingPages: 0, setAsidePages: 0 });
    expect(fetcher.requests.every((url) => url.includes('sitemap.xml'))).toBe(true);
    expect(store.log).toEqual([`get ${HEAD}`]);
    // So does a rerun of the backfill: no page is left to take.
    store.log.length = 0;
    expect(await run({ backfill: true })).toMatchObject({ candidates: 0, pendingPages: 0 });
    expect(store.log).toEqual([`get ${HEAD}`]);
  });

  it('reads and writes only the part of the sitemap page that changed', async () => {
    site = await SiteCopy.create();
    const store = new CrawlLog();
    const { run, fetcher } = pipelineHarness({ store, root: site.root });
    await run({ backfill: true });
    const before = await readWholeCrawlState(store);

    // A story on the second sitemap page changed.
    await site.editPage(STORY.tableEn, (html) =>
      html.replace('<div class="ilo--richtext">', '<div class="ilo--richtext"><p>Update: a new paragraph.</p>'),
    );
    await site.setLastmod(STORY.tableEn, '2026-11-20T10:00:00+01:00');
    store.log.length = 0;
    fetcher.requests.length = 0;
    const report = await run();
    expect(report.updatedStories).toEqual(['survey-shows-gains-apprentices-chinas-quality-apprenticeship-pilots']);
    expect(report).toMatchObject({ knownPages: Object.keys(before!.urls).length, pendingPages: 0 });
    const parts = store.log.filter(isPart);
    expect(parts).toEqual([
      expect.stringMatching(/^get state\/crawl\/pages\/sitemap-xml-page-2-/),
      expect.stringMatching(/^put state\/crawl\/pages\/sitemap-xml-page-2-/),
    ]);
    expect(store.log.filter((entry) => !isPart(entry))).toEqual([`get ${HEAD}`, `put ${HEAD}`]);
    const after = await readWholeCrawlState(store);
    expect(after!.urls[canonical(STORY.tableEn)]).toMatchObject({
      lastmod: '2026-11-20T10:00:00+01:00',
      handled: '2026-11-20T10:00:00+01:00',
    });
    // Every other page as it was.
    const others = (state: typeof after) =>
      Object.entries(state!.urls).filter(([url]) => url !== canonical(STORY.tableEn));
    expect(others(after)).toEqual(others(before));
  });

  it('keeps the state of pages whose sitemap page left the index, when another page lists them now', async () => {
    site = await SiteCopy.create();
    const store = new CrawlLog();
    const { run, fetcher } = pipelineHarness({ store, root: site.root });
    const first = await run({ since: '2025-06-01' });
    expect(first).toMatchObject({ pendingPages: 6, setAsidePages: 6 });
    // The site lists every URL on one page now: page 2's entries move to page 1, page 2 leaves the index.
    const page1 = path.join(site.root, 'sitemap.page-1.xml');
    const page2 = await readFile(path.join(site.root, 'sitemap.page-2.xml'), 'utf8');
    const moved = page2.split('\n').filter((line) => line.startsWith('<url>'));
    await writeFile(page1, (await readFile(page1, 'utf8')).replace('</urlset>', `${moved.join('\n')}\n</urlset>`));
    const index = path.join(site.root, 'sitemap.xml');
    await writeFile(index, (await readFile(index, 'utf8')).replace(/<sitemap><loc>[^<]*page=2<\/loc>.*\n/, ''));

    fetcher.requests.length = 0;
    const report = await run();
    // No story page fetched: each page kept its state (handled, or set aside) from the part of the page that left.
    expect(fetcher.requests.filter((url) => !url.includes('sitemap.xml'))).toEqual([]);
    expect(report).toMatchObject({ candidates: 0, knownPages: first.knownPages, pendingPages: 6, setAsidePages: 6 });
  });

  it('merges a URL found in two parts (runs that overlapped while it moved) and keeps it in one', async () => {
    const store = new MemoryStore();
    const url = 'https://www.ilo.org/resource/news/a';
    const json = { contentType: 'application/json' };
    const summary = (pending: number) => ({ urls: 1, pending, setAside: 0, queued: 0 });
    await store.put(
      HEAD,
      stringifyJson({ schema: CRAWL_HEAD_SCHEMA, sitemaps: {}, parts: { a: summary(1), b: summary(0) } }),
      json,
    );
    // Part a still has it pending; part b has it handled at its current lastmod.
    const part = (handled: string) => ({
      schema: CRAWL_PART_SCHEMA,
      page: 'p',
      urls: { [url]: { lang: 'en', lastmod: '2026-01-02', handled, outcome: 'ingested' } },
    });
    await store.put('state/crawl/pages/a.json', stringifyJson(part('2026-01-01')), json);
    await store.put('state/crawl/pages/b.json', stringifyJson(part('2026-01-02')), json);
    const crawl = await CrawlStore.open(store);
    await crawl.loadAll();
    expect(isPending(crawl.state.urls[url] ?? { lang: 'en', lastmod: null })).toBe(false);
    expect(await crawl.save()).toEqual({ pending: 0, setAside: 0 });
    const holders = [];
    for (const name of ['a', 'b']) {
      const stored = JSON.parse((await store.get(`state/crawl/pages/${name}.json`))?.body ?? '{}');
      if (stored.urls[url]) holders.push(name);
    }
    expect(holders).toEqual(['a']);
  });

  it('that is damaged is named in one line, a head or a part alike, and nothing is written', async () => {
    site = await SiteCopy.create();
    const store = new CrawlLog();
    const { run } = pipelineHarness({ store, root: site.root });
    await run({ backfill: true });
    const firstPart = store.log.find((entry) => isPart(entry))?.slice('put '.length) ?? '';
    // A part is read when its sitemap page changed (or it holds pages to take): the seed story's page changed.
    await site.setLastmod(STORY.seedEn, '2026-11-20T10:00:00+01:00');
    for (const [key, body] of [
      [HEAD, 'garbage{\n'],
      [HEAD, '{"sitemaps": {}, "parts": {"x": {"urls": "many"}}}\n'],
      [firstPart, '{"urls": {"https://www.ilo.org/resource/news/a": 5}}\n'],
    ] as const) {
      const healthy = (await store.inner.get(key))?.body ?? '';
      await store.inner.put(key, body, { contentType: 'application/json' });
      store.log.length = 0;
      await expect(run()).rejects.toThrow(
        new RegExp(
          `^stored object ${key.replaceAll('/', '\\/')} is not (valid JSON|the document it should be) \\(.*\\): restore it, or delete it to rebuild it$`,
        ),
      );
      expect(store.log.filter((entry) => !entry.startsWith('get'))).toEqual([]);
      await store.inner.put(key, healthy, { contentType: 'application/json' });
    }
  });

  it('of an earlier release (one state/crawl.json) is read once, split and removed, every page kept as it was', async () => {
    const store = new CrawlLog();
    const { run, fetcher } = pipelineHarness({ store });
    // Pages handled and pages set aside, as a folder of an earlier release holds them.
    const first = await run({ since: '2025-06-01' });
    expect(first).toMatchObject({ pendingPages: 6, setAsidePages: 6 });
    const earlier = (await readWholeCrawlState(store))!;
    for await (const key of store.inner.list('state/crawl/')) await store.inner.delete(key);
    await store.inner.put('state/crawl.json', stringifyJson(earlier), { contentType: 'application/json' });

    store.log.length = 0;
    fetcher.requests.length = 0;
    const migrated = await run();
    // Nothing fetched but the sitemaps (read again, without validators, to place each URL), nothing new.
    expect(fetcher.requests.every((url) => url.includes('sitemap.xml'))).toBe(true);
    expect(migrated).toMatchObject({
      candidates: 0,
      newStories: [],
      updatedStories: [],
      knownPages: first.knownPages,
      pendingPages: 6,
      setAsidePages: 6,
    });
    expect(store.log.filter((entry) => entry.includes('crawl.json'))).toEqual([
      'get state/crawl.json',
      'delete state/crawl.json',
    ]);
    expect(await store.inner.get('state/crawl.json')).toBeUndefined();
    const split = (await readWholeCrawlState(store))!;
    expect(split.urls).toEqual(earlier.urls);

    // From then on, the parts alone: an ordinary run still leaves the pages set aside, --backfill takes them.
    store.log.length = 0;
    const again = await run();
    expect(again).toMatchObject({ candidates: 0, pendingPages: 6, setAsidePages: 6 });
    expect(store.log).toEqual([`get ${HEAD}`]);
    const backfill = await run({ backfill: true });
    expect(backfill.newStories).toHaveLength(4);
    expect(backfill).toMatchObject({ pendingPages: 0, setAsidePages: 0 });
  });
});
