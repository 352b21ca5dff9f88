// `pull` in process: the exports of a memory store published by the real publish step, read through
// an ETag-aware fake source, written into a folder kept in memory. Cursor, revalidation, removals,
// the walk when the changes list cannot be trusted, and bad answers that leave the site untouched.
import { describe, expect, it } from 'vitest';
import { BadExport, assertIsError } from '#pipeline/errors.js';
import type { ExportResponse, ExportSource, PipelinePorts, SiteFolder } from '#pipeline/ports.js';
import { publishPending } from '#pipeline/publish/publish.js';
import { PULL_STATE_FILE, type PullState, pullExports } from '#pipeline/pull/pull-exports.js';
import type { SiteKind } from '#pipeline/pull/site-files.js';
import { type ArticleRecord, composeRecord } from '#pipeline/record/article-record.js';
import { fullArticle } from '#pipeline/record/full-article.js';
import { stringifyJson } from '#pipeline/state/json-objects.js';
import { CONTENT_TYPES, keys } from '#pipeline/state/store-keys.js';
import { MemoryStore } from '#test/helpers/memory-store.js';
import { testTokens } from '#test/helpers/pipeline-harness.js';
import { PUBLIC_URL, dayOf, storeSyntheticStory, syntheticPage } from '#test/helpers/synthetic-stories.js';

/** The public files of a store over "HTTP": ETag and 304, 404 for what is not there. */
class StoreSource implements ExportSource {
  readonly requests: string[] = [];
  /** A URL answered with this instead (a broken source). */
  readonly override = new Map<string, ExportResponse | Error>();

  constructor(
    private readonly store: MemoryStore,
    private readonly root = PUBLIC_URL,
  ) {}

  async get(url: string, etag?: string): Promise<ExportResponse> {
    this.requests.push(url);
    const forced = this.override.get(url);
    if (forced instanceof Error) throw forced;
    if (forced) return forced;
    if (!url.startsWith(`${this.root}/`)) throw new Error(`the fake source was asked for ${url}`);
    const object = await this.store.get(url.slice(this.root.length + 1));
    if (!object) return { status: 'gone' };
    if (etag === object.etag) return { status: 'not-modified' };
    return { status: 'ok', body: object.body, etag: object.etag };
  }
}

class MemoryFolder implements SiteFolder {
  readonly files = new Map<string, string>();
  writes: string[] = [];
  removes: string[] = [];

  async read(path: string): Promise<string | undefined> {
    return this.files.get(path);
  }

  async write(path: string, content: string): Promise<void> {
    this.writes.push(path);
    this.files.set(path, content);
  }

  async remove(path: string): Promise<void> {
    this.removes.push(path);
    this.files.delete(path);
  }

  snapshot(): Record<string, string> {
    return Object.fromEntries([...this.files].sort());
  }

  state(): PullState {
    return JSON.parse(this.files.get(PULL_STATE_FILE)!) as PullState;
  }
}

function harness(site: SiteKind = 'hugo') {
  const store = new MemoryStore();
  const ports: PipelinePorts = {
    store,
    notifier: { publish: async () => ({ messageId: 'm-1' }) },
    fetcher: {
      fetch: async () => {
        throw new Error('publish fetches nothing');
      },
    },
    clock: { now: () => new Date('2026-11-25T12:00:00Z') },
    logger: { info() {}, warn() {}, error() {} },
    tokens: testTokens(),
  };
  const source = new StoreSource(store);
  const folder = new MemoryFolder();
  return {
    store,
    source,
    folder,
    publish: () => publishPending(ports, { publicUrl: PUBLIC_URL, contentMode: 'full', generator: 'test' }),
    pull: () => pullExports(source, folder, { from: PUBLIC_URL, site }),
  };
}

/** Writes a story with exactly these languages, as ingest would. */
async function storeStory(
  store: MemoryStore,
  n: number,
  languages: ('en' | 'zh')[],
  day = '2025-05-05',
  now = new Date('2026-11-26T09:00:00Z'),
): Promise<ArticleRecord> {
  const pages = Object.fromEntries(languages.map((lang) => [lang, syntheticPage(lang, n, day)]));
  const previous = await store.get(keys.articleMeta(`story-${n}`));
  const { record } = composeRecord(
    `story-${n}`,
    pages,
    previous ? (JSON.parse(previous.body) as ArticleRecord) : undefined,
    now,
  );
  const bodies = Object.fromEntries(Object.entries(pages).map(([lang, page]) => [lang, page.markdown]));
  await store.put(keys.articleMeta(record.id), stringifyJson(record), { contentType: CONTENT_TYPES.json });
  await store.put(keys.fullArticle(record.id), stringifyJson(fullArticle(record, bodies)), {
    contentType: CONTENT_TYPES.json,
  });
  await store.put(keys.outbox(record.id, record.version), stringifyJson({ id: record.id, version: record.version }), {
    contentType: CONTENT_TYPES.json,
  });
  return record;
}

describe('pullExports', () => {
  it('walks every page on its first pull and writes one file per story and language', async () => {
    const { store, folder, publish, pull } = harness();
    for (let i = 0; i < 60; i++) await storeSyntheticStory(store, i, dayOf(i)); // 50 in the index, 10 in archive pages
    await publish();
    const report = await pull();
    expect(report).toMatchObject({ walked: true, upToDate: false, storiesRead: 60, removed: [], seq: 60 });
    const files = Object.keys(folder.snapshot()).filter((path) => path !== PULL_STATE_FILE);
    expect(files).toHaveLength(60 + 40); // Chinese for two stories in three
    expect(files).toContain('content/news/story-1/index.en.md');
    expect(files).toContain('content/news/story-1/index.zh-hans.md');
    expect(files).not.toContain('content/news/story-0/index.zh-hans.md');
    expect(folder.state()).toMatchObject({ from: PUBLIC_URL, site: 'hugo', seq: 60 });
    expect(Object.keys(folder.state().stories)).toHaveLength(60);
  });

  it('revalidates changes.json with its ETag: nothing new, nothing read beyond it and nothing written', async () => {
    const { store, source, folder, publish, pull } = harness();
    for (let i = 0; i < 5; i++) await storeSyntheticStory(store, i, dayOf(i));
    await publish();
    await pull();
    const before = folder.snapshot();
    folder.writes = [];
    source.requests.length = 0;
    const again = await pull();
    expect(again.upToDate).toBe(true);
    expect(source.requests).toEqual([`${PUBLIC_URL}/exports/v1/changes.json`]);
    expect(folder.writes).toEqual([]);
    expect(folder.snapshot()).toEqual(before);
  });

  it('follows the cursor: reads only the stories changed after it, rewrites only files that changed', async () => {
    const { store, source, folder, publish, pull } = harness();
    for (let i = 0; i < 5; i++) await storeSyntheticStory(store, i, dayOf(i));
    await publish();
    await pull();
    // A new story and an edit, published by a later run in the same second as each other.
    await storeSyntheticStory(store, 7, '2026-01-05', { now: new Date('2026-11-26T08:00:00Z') });
    await storeSyntheticStory(store, 1, dayOf(1), { edit: ' (corrected)', now: new Date('2026-11-26T08:00:00Z') });
    await publish();
    folder.writes = [];
    source.requests.length = 0;
    const report = await pull();
    expect(report).toMatchObject({ walked: false, storiesRead: 2, seq: 7 });
    expect(source.requests.sort()).toEqual([
      `${PUBLIC_URL}/exports/v1/articles/story-1.json`,
      `${PUBLIC_URL}/exports/v1/articles/story-7.json`,
      `${PUBLIC_URL}/exports/v1/changes.json`,
    ]);
    expect(folder.writes.sort()).toEqual([
      PULL_STATE_FILE,
      'content/news/story-1/index.en.md',
      'content/news/story-1/index.zh-hans.md',
      'content/news/story-7/index.en.md',
      'content/news/story-7/index.zh-hans.md',
    ]);
    expect(folder.files.get('content/news/story-1/index.en.md')).toContain(
      'title: "Story number 1 about decent work (corrected)"',
    );
    expect(folder.state().stories['story-1']!.version).toBe(2);
  });

  it('removes the file of a language the source no longer has, and moves a Jekyll post whose date changed', async () => {
    const { store, folder, publish, pull } = harness('jekyll');
    await storeStory(store, 1, ['en', 'zh'], '2025-05-05');
    await publish();
    await pull();
    expect(Object.keys(folder.snapshot())).toEqual([
      PULL_STATE_FILE,
      '_posts/2025-05-05-story-1.md',
      'zh/_posts/2025-05-05-story-1.md',
    ]);
    await storeStory(store, 1, ['en'], '2025-05-06', new Date('2026-11-27T09:00:00Z'));
    await publish();
    const report = await pull();
    expect(report.removed.sort()).toEqual(['_posts/2025-05-05-story-1.md', 'zh/_posts/2025-05-05-story-1.md']);
    expect(report.written).toEqual(['_posts/2025-05-06-story-1.md']);
    expect(Object.keys(folder.snapshot())).toEqual([PULL_STATE_FILE, '_posts/2025-05-06-story-1.md']);
  });

  it('removes a story whose record the source took away', async () => {
    const { store, folder, publish, pull } = harness();
    for (let i = 1; i <= 2; i++) await storeSyntheticStory(store, i, dayOf(i));
    await publish();
    await pull();
    await storeSyntheticStory(store, 2, dayOf(2), { edit: ' (v2)', now: new Date('2026-11-26T08:00:00Z') });
    await publish();
    await store.delete(keys.exportArticle('story-2'));
    const report = await pull();
    expect(report.storiesRemoved).toEqual(['story-2']);
    expect(report.removed.sort()).toEqual([
      'content/news/story-2/index.en.md',
      'content/news/story-2/index.zh-hans.md',
    ]);
    expect(folder.state().stories['story-2']).toBeUndefined();
  });

  it('walks again when the changes after its cursor scrolled out, or the list started afresh, and drops stories no page lists', async () => {
    const { store, source, folder, publish, pull } = harness();
    for (let i = 1; i <= 3; i++) await storeSyntheticStory(store, i, dayOf(i));
    await publish();
    await pull();
    const changesUrl = `${PUBLIC_URL}/exports/v1/changes.json`;
    const scrolled = {
      schema: 'ilo-syndication/changes@1',
      generatedAt: '2026-11-26T00:00:00Z',
      complete: false,
      changes: [
        {
          seq: 900,
          id: 'story-1',
          version: 1,
          type: 'article.published',
          updatedAt: '2026-11-26T00:00:00Z',
          href: `${PUBLIC_URL}/exports/v1/articles/story-1.json`,
        },
      ],
    };
    source.override.set(changesUrl, { status: 'ok', body: JSON.stringify(scrolled), etag: '"scrolled"' });
    // Meanwhile story-3 left the index (as if the source dropped it).
    const index = JSON.parse((await store.get(keys.exportIndex()))!.body) as { articles: { id: string }[] };
    await store.put(
      keys.exportIndex(),
      JSON.stringify({ ...index, articles: index.articles.filter((a) => a.id !== 'story-3') }),
      { contentType: CONTENT_TYPES.json },
    );
    const report = await pull();
    expect(report.walked).toBe(true);
    expect(report.storiesRead).toBe(0); // versions unchanged
    expect(report.storiesRemoved).toEqual(['story-3']);
    expect(report.seq).toBe(900);

    source.override.set(changesUrl, {
      status: 'ok',
      body: JSON.stringify({ ...scrolled, complete: true, changes: [{ ...scrolled.changes[0], seq: 2 }] }),
      etag: '"restarted"',
    });
    expect((await pull()).walked).toBe(true); // 2 < 900: the list restarted
    expect(folder.state().seq).toBe(2);
  });

  it('leaves the site as it was when an answer is bad, with one line naming it', async () => {
    const cases: [string, (source: StoreSource) => void, RegExp][] = [
      [
        'a record answering 500',
        (s) =>
          s.override.set(
            `${PUBLIC_URL}/exports/v1/articles/story-2.json`,
            new BadExport(`${PUBLIC_URL}/exports/v1/articles/story-2.json answered 500 Internal Server Error`),
          ),
        /story-2\.json answered 500/,
      ],
      [
        'a record that is not JSON',
        (s) => s.override.set(`${PUBLIC_URL}/exports/v1/articles/story-2.json`, { status: 'ok', body: '<html>oops' }),
        /story-2\.json is not JSON/,
      ],
      [
        'a record of another story',
        (s) =>
          s.override.set(`${PUBLIC_URL}/exports/v1/articles/story-2.json`, {
            status: 'ok',
            body: JSON.stringify({ schema: 'ilo-syndication/article@1', id: 'story-1' }),
          }),
        /is story 'story-1', not 'story-2'/,
      ],
      [
        'an id that would leave the folder',
        (s) =>
          s.override.set(`${PUBLIC_URL}/exports/v1/changes.json`, {
            status: 'ok',
            body: JSON.stringify({
              schema: 'ilo-syndication/changes@1',
              complete: true,
              changes: [{ seq: 9, id: '../../etc', version: 1, href: `${PUBLIC_URL}/x.json` }],
            }),
          }),
        /is not a story id: "\.\.\/\.\.\/etc"/,
      ],
      [
        'a link to another host',
        (s) =>
          s.override.set(`${PUBLIC_URL}/exports/v1/changes.json`, {
            status: 'ok',
            body: JSON.stringify({
              schema: 'ilo-syndication/changes@1',
              complete: true,
              changes: [{ seq: 9, id: 'story-2', version: 3, href: 'https://elsewhere.example/x.json' }],
            }),
          }),
        /links to https:\/\/elsewhere\.example\/x\.json, outside https:\/\/feeds\.example\.org/,
      ],
      [
        'a changes list from before seq',
        (s) =>
          s.override.set(`${PUBLIC_URL}/exports/v1/changes.json`, {
            status: 'ok',
            body: JSON.stringify({
              schema: 'ilo-syndication/changes@1',
              complete: true,
              changes: [{ id: 'story-2', version: 3, href: `${PUBLIC_URL}/x.json` }],
            }),
          }),
        /changes\[0\] has no seq/,
      ],
      [
        'a page of another schema',
        (s) =>
          s.override.set(`${PUBLIC_URL}/exports/v1/index.json`, {
            status: 'ok',
            body: JSON.stringify({ schema: 'something/else@2' }),
          }),
        /index\.json is not ilo-syndication\/index@1/,
      ],
    ];
    for (const [name, breakIt, message] of cases) {
      const { store, source, folder, publish, pull } = harness();
      for (let i = 1; i <= 2; i++) await storeSyntheticStory(store, i, dayOf(i));
      await publish();
      await pull();
      await storeSyntheticStory(store, 1, dayOf(1), { edit: ' (v2)', now: new Date('2026-11-26T08:00:00Z') });
      await storeSyntheticStory(store, 2, dayOf(2), { edit: ' (v2)', now: new Date('2026-11-26T08:00:00Z') });
      await publish();
      if (name === 'a page of another schema') folder.files.delete(PULL_STATE_FILE); // a first pull walks the index
      const before = folder.snapshot();
      folder.writes = [];
      breakIt(source);
      const error = await pull().then(
        () => undefined,
        (e: unknown) => {
          assertIsError(e);
          return e;
        },
      );
      expect(error, name).toBeInstanceOf(BadExport);
      expect(error!.message, name).toMatch(message);
      expect(error!.message, name).not.toContain('\n');
      expect(folder.writes, name).toEqual([]);
      expect(folder.snapshot(), name).toEqual(before);
    }
  });

  it('follows a source that moved to another address: every page walked, only what changed rewritten, then the cursor again', async () => {
    const { store, folder, publish, pull } = harness();
    for (let i = 0; i < 5; i++) await storeSyntheticStory(store, i, dayOf(i));
    await publish();
    await pull();
    const before = folder.snapshot();
    // The deployment moves to a new domain (every public file rendered again on it), and one story is new.
    const moved = 'https://news.example.net';
    await storeSyntheticStory(store, 5, dayOf(5));
    await publishPending(
      {
        store,
        notifier: { publish: async () => ({ messageId: 'm' }) },
        fetcher: {
          fetch: async () => {
            throw new Error('no fetch');
          },
        },
        clock: { now: () => new Date('2026-11-26T12:00:00Z') },
        logger: { info() {}, warn() {}, error() {} },
        tokens: testTokens(),
      },
      { publicUrl: moved, contentMode: 'full', generator: 'test' },
    );
    folder.writes = [];
    const source = new StoreSource(store, moved);
    const report = await pullExports(source, folder, { from: moved, site: 'hugo' });
    expect(report).toMatchObject({ movedFrom: PUBLIC_URL, walked: true, storiesRead: 1, removed: [], seq: 6 });
    expect(folder.writes.sort()).toEqual(
      [PULL_STATE_FILE, 'content/news/story-5/index.en.md', 'content/news/story-5/index.zh-hans.md'].sort(),
    );
    for (const [path, content] of Object.entries(before))
      if (path !== PULL_STATE_FILE) expect(folder.files.get(path), path).toBe(content);
    expect(folder.state()).toMatchObject({ from: moved, seq: 6 });
    source.requests.length = 0;
    expect(await pullExports(source, folder, { from: moved, site: 'hugo' })).toMatchObject({ upToDate: true });
    expect(source.requests).toEqual([`${moved}/exports/v1/changes.json`]);
  });

  it('refuses a folder that holds another kind of pull', async () => {
    const { store, folder, publish, pull } = harness('hugo');
    await storeSyntheticStory(store, 1, dayOf(1));
    await publish();
    await pull();
    await expect(pullExports(new StoreSource(store), folder, { from: PUBLIC_URL, site: 'jekyll' })).rejects.toThrow(
      `this folder holds a hugo pull from ${PUBLIC_URL}: pull jekyll from ${PUBLIC_URL} into another folder`,
    );
  });
});
