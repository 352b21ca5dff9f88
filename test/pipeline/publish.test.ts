// Publishing from queued versions: the export index and archive pages (newest first, no overlap),
// the changes list, topic feeds, the schema, summary mode, and notifications exactly once.
import { parseFeed } from '@rowanmanning/feed-parser';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { NotificationEnvelope, PipelinePorts } from '#pipeline/ports.js';
import { publishPending } from '#pipeline/publish/publish.js';
import { type ChangesList, appendChanges } from '#pipeline/publish/changes-list.js';
import { type ArticleSummary, summarize } from '#pipeline/record/export-article.js';
import { MemoryStore } from '#test/helpers/memory-store.js';
import { testTokens } from '#test/helpers/pipeline-harness.js';
import { PUBLIC_URL, dayOf, storeSyntheticStory } from '#test/helpers/synthetic-stories.js';
import { notificationEvent } from '#test/helpers/notification-event.js';

function harness(contentMode: 'full' | 'summary' = 'full', publicUrl = PUBLIC_URL) {
  const store = new MemoryStore();
  const sent: NotificationEnvelope[] = [];
  const ports: PipelinePorts = {
    store,
    notifier: { publish: async (message) => ({ messageId: `m-${sent.push(message)}` }) },
    fetcher: {
      fetch: async () => {
        throw new Error('publish fetches nothing');
      },
    },
    clock: { now: () => new Date('2026-11-25T12:00:00Z') },
    tokens: testTokens(),
    logger: { info() {}, warn() {}, error() {} },
  };
  const settings = { publicUrl, contentMode, generator: 'test' };
  const json = async <T>(key: string) => JSON.parse((await store.get(key))!.body) as T;
  return { store, sent, ports, publish: () => publishPending(ports, settings), json };
}

interface Page {
  articles: { id: string; version: number; publishedAt: string }[];
  next: string | null;
}

/** Every story a partner gets by following `next` from the index. */
async function walk(
  json: <T>(key: string) => Promise<T>,
): Promise<{ id: string; version: number; publishedAt: string }[]> {
  const seen: { id: string; version: number; publishedAt: string }[] = [];
  let key: string | null = 'exports/v1/index.json';
  while (key) {
    const page: Page = await json<Page>(key);
    seen.push(...page.articles);
    key = page.next ? page.next.replace(`${PUBLIC_URL}/`, '') : null;
  }
  return seen;
}

describe('exports: index, archive and changes', () => {
  it('pages newest first through the whole archive, each story once, also as it grows and changes', async () => {
    const { store, publish, json } = harness();
    for (let i = 0; i < 120; i++) await storeSyntheticStory(store, i, dayOf(i));
    await publish();
    const index = await json<Page>('exports/v1/index.json');
    expect(index.articles).toHaveLength(50);
    expect(index.next).toMatch(/^https:\/\/feeds\.example\.org\/exports\/v1\/archive\/\d{4}-\d{2}\.json$/);
    let all = await walk(json);
    expect(all.map((a) => a.id).sort()).toEqual(Array.from({ length: 120 }, (_, i) => `story-${i}`).sort());
    const dates = all.map((a) => a.publishedAt);
    expect([...dates].sort().reverse()).toEqual(dates); // newest first across pages

    // Five newer stories push five older ones from the index into their month's page.
    for (let i = 0; i < 5; i++) await storeSyntheticStory(store, 500 + i, '2026-02-01');
    await publish();
    all = await walk(json);
    expect(all).toHaveLength(125);
    expect(new Set(all.map((a) => a.id)).size).toBe(125);
    expect((await json<Page>('exports/v1/index.json')).articles.slice(0, 5).map((a) => a.publishedAt)).toEqual(
      Array(5).fill('2026-02-01T12:00:00Z'),
    );

    // An edit of an archived story updates it where it is, and heads the changes list.
    await storeSyntheticStory(store, 119, dayOf(119), { edit: ' (corrected)', now: new Date('2026-11-26T08:00:00Z') });
    await publish();
    all = await walk(json);
    expect(all).toHaveLength(125);
    expect(all.find((a) => a.id === 'story-119')?.version).toBe(2);
    const changes = await json<ChangesList>('exports/v1/changes.json');
    expect(changes.changes[0]).toEqual({
      seq: 126,
      id: 'story-119',
      version: 2,
      type: 'article.updated',
      updatedAt: '2026-11-26T08:00:00Z',
      href: `${PUBLIC_URL}/exports/v1/articles/story-119.json`,
    });
    expect(changes.changes).toHaveLength(126);
    expect(changes.changes.map((change) => change.seq)).toEqual(Array.from({ length: 126 }, (_, i) => 126 - i));
    expect(changes.complete).toBe(true);
  });

  it('gives every change a seq that only grows, so a story published later in the same second is not skipped', async () => {
    const { store, publish, json } = harness();
    const second = new Date('2026-11-26T08:00:00Z');
    await storeSyntheticStory(store, 1, '2025-05-05', { now: second });
    await publish();
    const first = await json<ChangesList>('exports/v1/changes.json');
    // What a partner keeps after its first pull: the newest updatedAt (the old recipe) and the highest seq.
    const since = first.changes[0]!.updatedAt;
    const cursor = Math.max(...first.changes.map((change) => change.seq));

    // A later run, same second (or a machine whose clock is behind): updatedAt does not grow.
    await storeSyntheticStory(store, 2, '2025-05-06', { now: second });
    await storeSyntheticStory(store, 3, '2025-05-07', { now: new Date('2026-11-26T07:59:59Z') });
    await publish();
    const later = await json<ChangesList>('exports/v1/changes.json');
    expect(later.changes.filter((change) => change.updatedAt > since)).toEqual([]); // the old recipe misses both
    expect(
      later.changes
        .filter((change) => change.seq > cursor)
        .map((change) => change.id)
        .sort(),
    ).toEqual(['story-2', 'story-3']);
    expect(later.changes.map((change) => change.seq)).toEqual([3, 2, 1]);
    expect(later.generatedAt).toBe('2026-11-26T08:00:00Z');

    // A republish of versions already listed adds nothing and reuses no seq.
    expect(
      appendChanges(
        later,
        [summarize(JSON.parse((await store.get('articles/story-2/meta.json'))!.body), PUBLIC_URL)],
        () => 'article.published',
      ),
    ).toBeUndefined();
  });

  it('numbers a list written before seq existed from its oldest entry, then continues', () => {
    const old = {
      schema: 'ilo-syndication/changes@1' as const,
      generatedAt: '2026-01-02T00:00:00Z',
      complete: true,
      changes: [
        {
          id: 'b',
          version: 1,
          type: 'article.published' as const,
          updatedAt: '2026-01-02T00:00:00Z',
          href: 'https://x.example/b.json',
        },
        {
          id: 'a',
          version: 1,
          type: 'article.published' as const,
          updatedAt: '2026-01-01T00:00:00Z',
          href: 'https://x.example/a.json',
        },
      ],
    } as unknown as ChangesList;
    const summary = {
      id: 'c',
      version: 1,
      updatedAt: '2026-01-01T12:00:00Z',
      links: { json: 'https://x.example/c.json', markdown: {} },
    } as ArticleSummary;
    const next = appendChanges(old, [summary], () => 'article.published')!;
    expect(next.changes.map((change) => [change.id, change.seq])).toEqual([
      ['c', 3],
      ['b', 2],
      ['a', 1],
    ]);
  });

  it('writes nothing when nothing is queued', async () => {
    const { store, publish } = harness();
    await storeSyntheticStory(store, 1, '2025-05-05');
    await publish();
    store.counts = MemoryStore.zero();
    const report = await publish();
    expect(report.filesWritten).toEqual([]);
    expect(store.counts.put).toBe(0);
  });
});

describe('schema', () => {
  it('validates every exported article, and rejects a broken one', async () => {
    const { store, publish, json } = harness();
    for (let i = 0; i < 12; i++) await storeSyntheticStory(store, i, dayOf(i));
    await publish();
    const schema = await json<Record<string, unknown>>('exports/v1/schema.json');
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe(`${PUBLIC_URL}/exports/v1/schema.json`);
    const ajv = new Ajv2020.default({ allErrors: true, strict: true });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    for await (const key of store.list('exports/v1/articles/')) {
      const article = await json<Record<string, unknown>>(key);
      expect(validate(article), `${key}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    const article = await json<Record<string, unknown>>('exports/v1/articles/story-1.json');
    expect(validate({ ...article, title: { en: '' } })).toBe(false); // no empty strings for a language
    expect(validate({ ...article, languages: ['fr'] })).toBe(false);
    expect(validate({ ...article, extra: 1 })).toBe(false);
  });

  it('describes every other export document under $defs: page, changes, record', async () => {
    const { store, publish, json } = harness();
    for (let i = 0; i < 60; i++) await storeSyntheticStory(store, i, dayOf(i)); // enough for archive pages
    await publish();
    const schema = await json<{ $id: string; $defs: Record<string, unknown> }>('exports/v1/schema.json');
    expect(Object.keys(schema.$defs)).toEqual(expect.arrayContaining(['page', 'changes', 'record']));
    const ajv = new Ajv2020.default({ allErrors: true, strict: true });
    addFormats.default(ajv);
    ajv.addSchema(schema);
    const against = (name: string) => ajv.getSchema(`${schema.$id}#/$defs/${name}`)!;
    const documents: [string, string][] = [
      ['exports/v1/index.json', 'page'],
      ['exports/v1/changes.json', 'changes'],
    ];
    for await (const key of store.list('exports/v1/archive/')) documents.push([key, 'page']);
    for await (const key of store.list('articles/')) if (key.endsWith('/meta.json')) documents.push([key, 'record']);
    expect(documents.filter(([, name]) => name === 'page').length).toBeGreaterThan(1);
    expect(documents.filter(([, name]) => name === 'record')).toHaveLength(60);
    for (const [key, name] of documents) {
      const validate = against(name);
      expect(validate(await json(key)), `${key}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    // Each definition is strict about its own document: a meta.json is not a page, a page is not a record.
    const index = await json<{ articles: Record<string, unknown>[] }>('exports/v1/index.json');
    expect(against('page')({ ...index, articles: [{ ...index.articles[0], extra: 1 }] })).toBe(false);
    expect(against('record')(await json('exports/v1/articles/story-1.json'))).toBe(false); // links and markdown are the export's
    const changes = await json<ChangesList>('exports/v1/changes.json');
    expect(against('changes')({ ...changes, changes: [{ ...changes.changes[0], seq: undefined }] })).toBe(false);
    expect(against('changes')({ ...changes, changes: [{ ...changes.changes[0], seq: 0 }] })).toBe(false);
  });
});

describe('feeds', () => {
  it("renders a feed per topic with only that topic's stories, in each language", async () => {
    const { store, publish } = harness();
    for (let i = 0; i < 10; i++) await storeSyntheticStory(store, i, dayOf(i));
    await publish();
    const feed = parseFeed((await store.get('feeds/en/topics/topic-2/rss.xml'))!.body);
    expect(feed.title).toBe('ILO News: Topic 2');
    expect(feed.items.map((item) => item.url).sort()).toEqual([
      'https://www.ilo.org/resource/news/story-2',
      'https://www.ilo.org/resource/news/story-7',
    ]);
    const zh = parseFeed((await store.get('feeds/zh/topics/topic-2/atom.xml'))!.body);
    expect(zh.title).toBe('国际劳工组织新闻: 主题2');
    expect(zh.items).toHaveLength(2); // story-2 and story-7 both have Chinese (n % 3 !== 0)
  });

  it('links each feed to the same feed in the other language only where there is one, and adds the link when it appears', async () => {
    const { store, publish } = harness();
    /** Every link of every Atom feed to our own files, with whether the file exists. */
    const ownLinks = async () => {
      const links: { feed: string; href: string; exists: boolean }[] = [];
      for await (const key of store.list('feeds/')) {
        if (!key.endsWith('atom.xml')) continue;
        for (const [, href] of (await store.get(key))!.body.matchAll(/<link [^>]*href="([^"]+)"/g)) {
          if (href!.startsWith(`${PUBLIC_URL}/`))
            links.push({
              feed: key,
              href: href!,
              exists: (await store.get(href!.slice(PUBLIC_URL.length + 1))) !== undefined,
            });
        }
      }
      return links;
    };
    const linksOf = async (feed: string) =>
      (await ownLinks()).filter((link) => link.feed === feed).map((link) => link.href);
    // topic-3: an English-only story (3 % 3 === 0); topic-1: a bilingual one.
    await storeSyntheticStory(store, 3, '2025-03-10');
    await storeSyntheticStory(store, 1, '2025-01-10');
    await publish();
    expect((await ownLinks()).filter((link) => !link.exists)).toEqual([]);
    expect(await linksOf('feeds/en/topics/topic-3/atom.xml')).toEqual([
      `${PUBLIC_URL}/feeds/en/topics/topic-3/atom.xml`,
    ]);
    expect(await linksOf('feeds/en/topics/topic-1/atom.xml')).toContain(
      `${PUBLIC_URL}/feeds/zh/topics/topic-1/atom.xml`,
    );

    // A Chinese-only story brings topic-3 to the Chinese feeds: both topic feeds now link each other,
    // the English one too, though no English story changed.
    await storeSyntheticStory(store, 8, '2025-08-10', { languages: ['zh'] });
    await publish();
    expect((await ownLinks()).filter((link) => !link.exists)).toEqual([]);
    expect(await linksOf('feeds/zh/topics/topic-3/atom.xml')).toContain(
      `${PUBLIC_URL}/feeds/en/topics/topic-3/atom.xml`,
    );
    expect(await linksOf('feeds/en/topics/topic-3/atom.xml')).toContain(
      `${PUBLIC_URL}/feeds/zh/topics/topic-3/atom.xml`,
    );
  });

  it('leaves bodies out of every feed and export in summary mode, keeping the lead and attribution', async () => {
    const { store, publish, json } = harness('summary');
    await storeSyntheticStory(store, 1, '2025-05-05');
    await publish();
    for await (const key of store.list('feeds/')) {
      const body = (await store.get(key))!.body;
      expect(body, key).not.toContain('Paragraph of story');
      expect(body, key).not.toContain('段落');
      expect(body, key).not.toContain('content:encoded');
    }
    const jsonFeed = await json<{ items: Record<string, string>[] }>('feeds/en/feed.json');
    expect(jsonFeed.items[0]!.content_html).toContain('<p>Lead of story 1.</p>');
    expect(jsonFeed.items[0]!.content_html).toContain('© International Labour Organization. Source: ');
    // RSS items carry their own attribution in summary mode too (there is no per-item rights element).
    const rssItem = parseFeed((await store.get('feeds/en/rss.xml'))!.body).items[0]!;
    expect(rssItem.description).toMatch(
      /Lead of story 1\.[\s\S]*© International Labour Organization\. Source: <a href="https:\/\/www\.ilo\.org\/resource\/news\/story-1"/,
    );
    expect((await json<Record<string, unknown>>('exports/v1/articles/story-1.json')).markdown).toBeUndefined();
    expect((await store.get('feeds/en/rss.xml'))!.body).toContain(
      '<copyright>© International Labour Organization</copyright>',
    );
  });

  it('ends every full-text item with the attribution and a link to the original', async () => {
    const { store, publish } = harness();
    await storeSyntheticStory(store, 1, '2025-05-05');
    await publish();
    const item = parseFeed((await store.get('feeds/en/rss.xml'))!.body).items[0]!;
    expect(item.content).toMatch(
      /© International Labour Organization\. Source: <a href="https:\/\/www\.ilo\.org\/resource\/news\/story-1"[^>]*>www\.ilo\.org<\/a>/,
    );
  });
});

describe('notifications', () => {
  it('sends one per story version, "published" first and "updated" after, never twice', async () => {
    const { store, sent, publish } = harness();
    await storeSyntheticStory(store, 1, '2025-05-05');
    await publish();
    await publish();
    await storeSyntheticStory(store, 1, '2025-05-05', { edit: ' (corrected)' });
    await publish();
    expect(sent.map((m) => [notificationEvent(m).type, notificationEvent(m).version])).toEqual([
      ['article.published', 1],
      ['article.updated', 2],
    ]);
  });

  it('covers an older queued version with the newer one, announced as published if it is the first', async () => {
    const { store, sent, publish } = harness();
    await storeSyntheticStory(store, 4, '2025-05-05');
    await storeSyntheticStory(store, 4, '2025-05-05', { edit: ' (v2)' });
    await publish();
    expect(sent.map((m) => [notificationEvent(m).type, notificationEvent(m).version])).toEqual([
      ['article.published', 2],
    ]);
    const left: string[] = [];
    for await (const key of store.list('state/outbox/')) left.push(key);
    expect(left).toEqual([]);
  });

  it('tells "published" from "updated" by the claims of earlier versions, without listing a story\'s claims', async () => {
    const { store, sent, publish } = harness();
    const listed: string[] = [];
    const list = store.list.bind(store);
    store.list = (prefix: string) => {
      listed.push(prefix);
      return list(prefix);
    };
    for (let i = 0; i < 5; i++) await storeSyntheticStory(store, i, dayOf(i));
    await publish();
    // Story 1 is edited twice before the next publish (its v2 is never announced), story 2 once.
    await storeSyntheticStory(store, 1, dayOf(1), { edit: ' (v2)' });
    await storeSyntheticStory(store, 1, dayOf(1), { edit: ' (v3)' });
    await storeSyntheticStory(store, 2, dayOf(2), { edit: ' (v2)' });
    // Story 7 is new, and edited before its first publish.
    await storeSyntheticStory(store, 7, dayOf(7));
    await storeSyntheticStory(store, 7, dayOf(7), { edit: ' (v2)' });
    await publish();
    expect(
      sent.slice(5).map((m) => [notificationEvent(m).id, notificationEvent(m).type, notificationEvent(m).version]),
    ).toEqual([
      ['story-1', 'article.updated', 3],
      ['story-2', 'article.updated', 2],
      ['story-7', 'article.published', 2],
    ]);
    expect(listed.filter((prefix) => prefix.startsWith('state/notified/'))).toEqual([]);
  });

  it('gives a version the same type in changes.json as in its notification, also a first version that is not v1', async () => {
    const { store, sent, publish, json } = harness();
    await storeSyntheticStory(store, 1, dayOf(1));
    await publish();
    // Story 1 is edited (an update); story 7 is new and edited before its first publish: its v1 is
    // never announced, so v2 introduces it to partners and subscribers alike.
    await storeSyntheticStory(store, 1, dayOf(1), { edit: ' (v2)' });
    await storeSyntheticStory(store, 7, dayOf(7));
    await storeSyntheticStory(store, 7, dayOf(7), { edit: ' (v2)' });
    await publish();
    const listed = (await json<ChangesList>('exports/v1/changes.json')).changes.map((change) => [
      change.id,
      change.version,
      change.type,
    ]);
    expect(listed).toEqual([
      ['story-7', 2, 'article.published'],
      ['story-1', 2, 'article.updated'],
      ['story-1', 1, 'article.published'],
    ]);
    const notified = sent.map((m) => notificationEvent(m)).map((event) => [event.id, event.version, event.type]);
    expect(notified.sort()).toEqual([...listed].sort());
  });

  it('sends each message once when two publishes overlap', async () => {
    const { store, sent, publish } = harness();
    for (let i = 0; i < 8; i++) await storeSyntheticStory(store, i, dayOf(i));
    await Promise.all([publish(), publish(), publish()]);
    expect(sent).toHaveLength(8);
    expect(new Set(sent.map((m) => notificationEvent(m).id)).size).toBe(8);
  });
});

describe('a change of publish settings', () => {
  it('renders every feed and window again: new public URL in links, bodies dropped in summary mode', async () => {
    const { store, ports, publish, json } = harness();
    for (let i = 0; i < 6; i++) await storeSyntheticStory(store, i, dayOf(i));
    await publish();
    expect((await store.get('feeds/en/rss.xml'))!.body).toContain('content:encoded');

    await publishPending(ports, { publicUrl: 'https://news.example.net', contentMode: 'summary', generator: 'test' });
    const rss = (await store.get('feeds/en/rss.xml'))!.body;
    expect(rss).toContain('<atom:link href="https://news.example.net/feeds/en/rss.xml" rel="self"');
    expect(rss).not.toContain('content:encoded');
    expect(rss).not.toContain('Paragraph of story');
    const index = await json<{ articles: { links: { json: string } }[] }>('exports/v1/index.json');
    expect(index.articles.every((a) => a.links.json.startsWith('https://news.example.net/exports/v1/articles/'))).toBe(
      true,
    );
    expect((await store.get('feeds/en/topics/topic-1/atom.xml'))!.body).toContain(
      'href="https://news.example.net/feeds/en/topics/topic-1/atom.xml"',
    );
  });
});
