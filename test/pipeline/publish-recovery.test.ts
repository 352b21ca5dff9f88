// Publish stopped at its worst moments, and a change of content mode: the next ordinary run leaves
// the public files exactly as an uninterrupted run would, and no full text stays public in summary mode.
import { describe, expect, it } from 'vitest';
import type { PipelinePorts, Store } from '#pipeline/ports.js';
import { type PublishSettings, publishPending } from '#pipeline/publish/publish.js';
import { CorruptDocument } from '#pipeline/state/json-objects.js';
import { FaultyStore, type FaultMode, type StoreOperation } from '#test/helpers/faulty-store.js';
import { MemoryStore } from '#test/helpers/memory-store.js';
import { RecordingNotifier, pipelineHarness, silentLogger, testTokens } from '#test/helpers/pipeline-harness.js';
import { publicFiles } from '#test/helpers/public-files.js';
import { PUBLIC_URL, dayOf, storeSyntheticStory } from '#test/helpers/synthetic-stories.js';
import { assertIsError } from '#pipeline/errors.js';

const FULL: PublishSettings = { publicUrl: PUBLIC_URL, contentMode: 'full', generator: 'test' };
const SUMMARY: PublishSettings = { ...FULL, contentMode: 'summary' };

function ports(store: Store, notifier = new RecordingNotifier()): PipelinePorts {
  return {
    store,
    notifier,
    fetcher: {
      fetch: async () => {
        throw new Error('publish fetches nothing');
      },
    },
    clock: { now: () => new Date('2026-11-25T12:00:00Z') },
    tokens: testTokens(),
    logger: silentLogger,
  };
}

/** Publishes through a store that fails once as `mode` says, where `match` first holds. */
async function publishWithFault(
  store: Store,
  settings: PublishSettings,
  mode: FaultMode,
  match: (op: StoreOperation) => boolean,
): Promise<FaultyStore> {
  const faulty = new FaultyStore(store, { trigger: { match }, mode });
  await expect(publishPending(ports(faulty), settings)).rejects.toThrow(/injected fault/);
  expect(faulty.hit, 'the fault was injected').toBeDefined();
  return faulty;
}

async function storiesInExports(store: Store): Promise<string[]> {
  const ids: string[] = [];
  let key: string | null = 'exports/v1/index.json';
  while (key) {
    const page = JSON.parse((await store.get(key))!.body) as { articles: { id: string }[]; next: string | null };
    ids.push(...page.articles.map((a) => a.id));
    key = page.next ? page.next.replace(`${PUBLIC_URL}/`, '') : null;
  }
  return ids.sort();
}

describe('a publish stopped half-way', () => {
  it.each([
    ['right after saving the English window', 'state/windows/en.json'],
    ['the moment exports/v1/index.json appears', 'exports/v1/index.json'],
  ])('leaves no feed missing when it stopped %s: the next run writes them', async (_when, key) => {
    const reference = new MemoryStore();
    const store = new MemoryStore();
    for (const s of [reference, store]) for (let i = 0; i < 6; i++) await storeSyntheticStory(s, i, dayOf(i));
    await publishPending(ports(reference), FULL);

    await publishWithFault(store, FULL, 'crash-after', (op) => op.kind === 'put' && op.key === key);
    await publishPending(ports(store), FULL);
    const files = await publicFiles(store);
    for (const lang of ['en', 'zh'])
      for (const file of ['rss.xml', 'atom.xml', 'feed.json']) expect(files).toHaveProperty([`feeds/${lang}/${file}`]);
    expect(files).toEqual(await publicFiles(reference));
  });

  it('loses no story from the exports when it stopped after the index pushed stories into the archive', async () => {
    const store = new MemoryStore();
    for (let i = 0; i < 50; i++) await storeSyntheticStory(store, i, dayOf(i));
    await publishPending(ports(store), FULL);
    for (let i = 0; i < 3; i++) await storeSyntheticStory(store, 100 + i, '2026-02-01');

    await publishWithFault(
      store,
      FULL,
      'crash-after',
      (op) => op.kind === 'put' && op.key === 'state/windows/all.json',
    );
    await publishPending(ports(store), FULL);
    expect(await storiesInExports(store)).toEqual(
      [...Array.from({ length: 50 }, (_, i) => `story-${i}`), 'story-100', 'story-101', 'story-102'].sort(),
    );
  });

  it('writes the archive month list only after the pages it lists', async () => {
    const store = new MemoryStore();
    for (let i = 0; i < 50; i++) await storeSyntheticStory(store, i, dayOf(i));
    await publishPending(ports(store), FULL);
    for (let i = 0; i < 3; i++) await storeSyntheticStory(store, 100 + i, '2026-02-01');
    const reference = new MemoryStore();
    for (let i = 0; i < 50; i++) await storeSyntheticStory(reference, i, dayOf(i));
    await publishPending(ports(reference), FULL);
    for (let i = 0; i < 3; i++) await storeSyntheticStory(reference, 100 + i, '2026-02-01');
    await publishPending(ports(reference), FULL);

    await publishWithFault(
      store,
      FULL,
      'crash-after',
      (op) => op.kind === 'put' && op.key === 'state/archive-months.json',
    );
    await publishPending(ports(store), FULL);
    expect(await publicFiles(store)).toEqual(await publicFiles(reference));
  });
});

const BODY = 'Srinivas Reddy, Chief of ILO’s Skills and Employability Branch';

describe('a change of content mode', () => {
  it('renders every public file again in summary mode, and back in full', async () => {
    const { run, store } = pipelineHarness();
    await run({ contentMode: 'full' });
    const full = await publicFiles(store);
    expect(full['articles/ilo-partners-microsoft-strengthen-ai-skilling-china/en.md']).toContain(BODY);

    const summary = await run({ contentMode: 'summary' });
    expect(summary.publish.rerendered).toBe(6);
    const files = await publicFiles(store);
    expect(Object.keys(files).filter((key) => key.startsWith('articles/')).length).toBeGreaterThan(10);
    for (const [key, text] of Object.entries(files)) {
      expect(text, key).not.toContain(BODY);
      expect(text, key).not.toContain('content:encoded');
      if (key.startsWith('exports/v1/articles/')) expect(JSON.parse(text).markdown, key).toBeUndefined();
    }
    expect(files['articles/ilo-partners-microsoft-strengthen-ai-skilling-china/en.md']).toContain(
      '[Read the full story on ilo.org](https://www.ilo.org/resource/news/ilo-partners-microsoft-strengthen-ai-skilling-china)',
    );
    // The full text is kept privately, so switching back needs no new fetch.
    const back = await run({ contentMode: 'full' });
    expect(back.candidates).toBe(0);
    expect(await publicFiles(store)).toEqual(full);
  });

  it('renders each story once on a first publish: there were no earlier settings, so nothing is rendered again', async () => {
    const store = new MemoryStore();
    const articlePuts = new Map<string, number>();
    const counting: Store = {
      get: (key) => store.get(key),
      list: (prefix) => store.list(prefix),
      delete: (key) => store.delete(key),
      put: (key, body, options) => {
        if (key.startsWith('state/articles/') || key.startsWith('articles/') || key.startsWith('exports/v1/articles/'))
          articlePuts.set(key, (articlePuts.get(key) ?? 0) + 1);
        return store.put(key, body, options);
      },
    };
    const first = await pipelineHarness({ store: counting }).run({ contentMode: 'full' });
    expect(first.publish.versions).toBe(6);
    expect(first.publish.rerendered).toBe(0);
    expect(articlePuts.size).toBeGreaterThan(20);
    for (const [key, puts] of articlePuts) expect(puts, key).toBe(1);
  });

  it('resumes a re-render stopped half-way, and leaves no full text once it is done', async () => {
    const store = new MemoryStore();
    for (let i = 0; i < 120; i++) await storeSyntheticStory(store, i, dayOf(i));
    await publishPending(ports(store), FULL);
    const reference = new MemoryStore();
    for (let i = 0; i < 120; i++) await storeSyntheticStory(reference, i, dayOf(i));
    await publishPending(ports(reference), SUMMARY);

    // Stopped at the 130th Markdown file: past two checkpoints of the re-render.
    let seen = 0;
    await publishWithFault(
      store,
      SUMMARY,
      'crash-before',
      (op) => op.kind === 'put' && op.key.endsWith('.md') && ++seen === 130,
    );
    const resumed = await publishPending(ports(store), SUMMARY);
    expect(resumed.rerendered).toBeLessThan(120); // not from the start
    expect(resumed.rerendered).toBeGreaterThan(0);
    expect(await publicFiles(store)).toEqual(await publicFiles(reference));
    for (const [key, text] of Object.entries(await publicFiles(store)))
      expect(text, key).not.toContain('Paragraph of story');
    expect((await publishPending(ports(store), SUMMARY)).filesWritten).toEqual([]);
  });

  it('renders every public file again after an upgrade from a release that rendered them differently', async () => {
    const { run, store } = pipelineHarness();
    await run();
    const current = await publicFiles(store);
    // What the previous release left: its settings without a format, a changes list without seq,
    // Markdown with a lang: key, older feeds and schema, no landing page, no full copies.
    const settings = JSON.parse((await store.get('state/publish-settings.json'))!.body) as { applied: object };
    await store.put('state/publish-settings.json', JSON.stringify(settings.applied), {
      contentType: 'application/json',
    });
    const changes = JSON.parse((await store.get('exports/v1/changes.json'))!.body) as { changes: { seq?: number }[] };
    for (const change of changes.changes) delete change.seq;
    await store.put('exports/v1/changes.json', JSON.stringify(changes), { contentType: 'application/json' });
    for await (const key of store.list('articles/')) {
      if (key.endsWith('.md'))
        await store.put(key, (await store.get(key))!.body.replace('---\n', '---\nlang: en\n'), {
          contentType: 'text/markdown',
        });
    }
    await store.put('feeds/en/atom.xml', '<feed>older</feed>', { contentType: 'application/atom+xml' });
    await store.put('feeds/zh/topics/artificial-intelligence/rss.xml', '<rss>older</rss>', {
      contentType: 'application/rss+xml',
    });
    await store.put('exports/v1/schema.json', '{}', { contentType: 'application/json' });
    await store.delete('index.html');
    for await (const key of store.list('state/articles/')) await store.delete(key);

    const upgraded = await run();
    expect(upgraded.candidates).toBe(0); // nothing changed on the site, nothing fetched
    expect(upgraded.publish.rerendered).toBe(6);
    const files = await publicFiles(store);
    expect(files).toEqual(current);
    expect(
      (JSON.parse((await store.get('exports/v1/changes.json'))!.body) as { changes: { seq: number }[] }).changes.map(
        (change) => change.seq,
      ),
    ).toEqual([6, 5, 4, 3, 2, 1]);
    expect((await run()).publish.filesWritten).toEqual([]); // once
  });

  it('renders the feeds again after an upgrade from format 2, whose topic feeds linked a twin that was not there', async () => {
    const { run, store } = pipelineHarness();
    await run();
    const current = await publicFiles(store);
    // Format 2 linked every topic feed to the same topic in the other language, existing or not.
    const settings = JSON.parse((await store.get('state/publish-settings.json'))!.body) as { format: number };
    await store.put('state/publish-settings.json', JSON.stringify({ ...settings, format: 2 }), {
      contentType: 'application/json',
    });
    const englishOnly = 'feeds/en/topics/care-economy/atom.xml';
    expect(await store.get('feeds/zh/topics/care-economy/atom.xml')).toBeUndefined();
    const broken = (await store.get(englishOnly))!.body.replace(
      '<rights>',
      '<link rel="alternate" type="application/atom+xml" hreflang="zh-Hans" href="http://127.0.0.1:8080/feeds/zh/topics/care-economy/atom.xml"/>\n    <rights>',
    );
    await store.put(englishOnly, broken, { contentType: 'application/atom+xml' });

    await run();
    expect(await publicFiles(store)).toEqual(current);
  });

  it('takes off the landing page, the OPML and its twin a topic feed left empty under format 3', async () => {
    const { run, store } = pipelineHarness();
    await run();
    // Format 3 kept listing a topic feed whose last story had left it: its window empty, the feed
    // directory still naming it.
    const settings = JSON.parse((await store.get('state/publish-settings.json'))!.body) as { format: number };
    await store.put('state/publish-settings.json', JSON.stringify({ ...settings, format: 3 }), {
      contentType: 'application/json',
    });
    const window = JSON.parse((await store.get('state/windows/zh/topics/artificial-intelligence.json'))!.body) as {
      entries: unknown[];
    };
    await store.put(
      'state/windows/zh/topics/artificial-intelligence.json',
      JSON.stringify({ ...window, entries: [] }),
      { contentType: 'application/json' },
    );
    const twin = 'feeds/en/topics/artificial-intelligence/atom.xml';
    expect((await store.get(twin))!.body).toContain('feeds/zh/topics/artificial-intelligence/');
    expect((await store.get('index.html'))!.body).toContain('feeds/zh/topics/artificial-intelligence/');

    await run();
    for (const key of ['index.html', 'feeds.opml', twin])
      expect((await store.get(key))!.body, key).not.toContain('feeds/zh/topics/artificial-intelligence/');
    expect((await store.get('feeds/zh/topics/artificial-intelligence/rss.xml'))!.body).not.toContain('<item>');
    expect((await run()).publish.filesWritten).toEqual([]); // once
  });

  it('puts every link on a new public URL, the archive pages and the changes list included', async () => {
    const store = new MemoryStore();
    for (let i = 0; i < 60; i++) await storeSyntheticStory(store, i, dayOf(i));
    await publishPending(ports(store), FULL);
    await publishPending(ports(store), { ...FULL, publicUrl: 'https://news.example.net' });
    for (const [key, text] of Object.entries(await publicFiles(store))) expect(text, key).not.toContain(PUBLIC_URL);
  });
});

describe('a state file that is not what it should be', () => {
  it.each([
    ['state/windows/all.json', '[]\n', 'an object where an array belongs'],
    [
      'state/windows/en.json',
      '{"schema": "ilo-syndication/window@1", "name": "en", "size": 50, "entries": "none"}\n',
      'entries not a list',
    ],
    ['state/windows/zh.json', '{', 'not JSON'],
    [
      'state/windows/en/topics/topic-1.json',
      '{"name": "en/topics/topic-1", "size": 50, "entries": [{"id": "story-1"}]}\n',
      'entries missing fields',
    ],
  ])(
    "%s (%s): the window is rebuilt from the stories' full copies, the feeds and exports as a clean run makes them, with a warning",
    async (key, damage) => {
      const reference = new MemoryStore();
      const store = new MemoryStore();
      for (const s of [reference, store]) for (let i = 0; i < 60; i++) await storeSyntheticStory(s, i, dayOf(i));
      await publishPending(ports(reference), FULL);
      await publishPending(ports(store), FULL);
      await store.put(key, damage, { contentType: 'application/json' });
      // A new story and a new version of one in the windows: each pushes an older one out.
      for (const s of [reference, store]) {
        await storeSyntheticStory(s, 60, '2026-01-02');
        await storeSyntheticStory(s, 11, dayOf(11), { edit: ' (updated)' });
      }

      const expected = await publishPending(ports(reference), FULL);
      const repaired = await publishPending(ports(store), FULL);

      expect(repaired.warnings).toEqual([
        expect.stringMatching(
          new RegExp(`^damaged state: ${key} was not a window \\(.+\\); rebuilt from the stories' full copies$`),
        ),
      ]);
      expect(await publicFiles(store)).toEqual(await publicFiles(reference));
      expect(await storiesInExports(store)).toHaveLength(61);
      expect((await store.get(key))!.body).toBe((await reference.get(key))!.body);
      expect(repaired.filesWritten.filter((file) => !expected.filesWritten.includes(file))).toEqual([]);
    },
  );

  it("a story's full copy that is not one: the publish that needs it stops with one line naming it, and writes nothing from it", async () => {
    const store = new MemoryStore();
    for (let i = 0; i < 6; i++) await storeSyntheticStory(store, i, dayOf(i));
    await publishPending(ports(store), FULL);
    const before = await publicFiles(store);
    await store.put('state/articles/story-2.json', '{"id": "story-2", "version": 1, "title": "x"}\n', {
      contentType: 'application/json',
    });

    // A change of content mode renders every story's files again from its full copy.
    const error = await publishPending(ports(store), SUMMARY).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CorruptDocument);
    assertIsError(error);
    expect(error.message).toBe(
      "stored object state/articles/story-2.json is not the document it should be (fields missing or of the wrong type): restore it, or delete it: the story's exported record stands in until its page changes",
    );
    const after = await publicFiles(store);
    expect(after['articles/story-2/en.md']).toBe(before['articles/story-2/en.md']);
    expect(after['exports/v1/articles/story-2.json']).toBe(before['exports/v1/articles/story-2.json']);

    // Deleted, as the line says: the exported record stands in, and the switch completes.
    await store.delete('state/articles/story-2.json');
    await publishPending(ports(store), SUMMARY);
    for (const [key, text] of Object.entries(await publicFiles(store)))
      expect(text, key).not.toContain('Paragraph of story');
  });
});
