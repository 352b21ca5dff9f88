// Ingest never extracts a page that is cut short, whoever fetched it: a cut page fails as truncated
// (the story stays pending), and a cut snapshot stored by an earlier version is fetched again rather
// than reused on a 304 (which made a shorter version of the story). In process, over the replica.
import { afterEach, describe, expect, it } from 'vitest';
import { snapshotHash } from '#pipeline/ingest/story-source.js';
import { pipelineHarness } from '#test/helpers/pipeline-harness.js';
import { SiteCopy } from '#test/helpers/replica-site.js';
import { STORY, canonical } from '#test/helpers/replica.js';

const SEED_ID = 'ilo-partners-microsoft-strengthen-ai-skilling-china';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function site(): Promise<SiteCopy> {
  const copy = await SiteCopy.create();
  cleanups.push(copy.cleanup);
  return copy;
}

describe('ingest and pages cut short', () => {
  it('fails a cut page as truncated, whatever fetcher served it, and stores nothing of it', async () => {
    const copy = await site();
    await copy.editPage(STORY.seedEn, (html) => html.slice(0, html.indexOf('Microsoft Philanthropies') + 100));
    const harness = pipelineHarness({ root: copy.root });

    const report = await harness.run();

    expect(report.failed.map((f) => f.reason)).toContain(
      `truncated: ${canonical(STORY.seedEn)}: the page ends without </html>`,
    );
    expect(report.suspectPages).toBe(1);
    expect(await harness.store.get(`articles/${SEED_ID}/meta.json`)).toBeUndefined();
  });

  it('fetches a page again when its stored snapshot is cut short, instead of reusing it on a 304', async () => {
    const copy = await site();
    const harness = pipelineHarness({ root: copy.root });
    await harness.run();
    const before = JSON.parse((await harness.store.get(`articles/${SEED_ID}/meta.json`))!.body);

    // What an earlier version could leave: a cut snapshot, vouched for by the source's hash.
    const raw = (await harness.store.get(`raw/${SEED_ID}/en.html`))!.body;
    const cut = raw.slice(0, raw.indexOf('Microsoft Philanthropies') + 100);
    await harness.store.put(`raw/${SEED_ID}/en.html`, cut, { contentType: 'text/html; charset=utf-8' });
    const sourceKey = (await collect(harness.store.list('state/'))).find(
      (key) => key.includes('sources') && key.includes(SEED_ID),
    )!;
    const source = JSON.parse((await harness.store.get(sourceKey))!.body);
    source.pages.en.snapshot = snapshotHash(cut);
    await harness.store.put(sourceKey, JSON.stringify(source), { contentType: 'application/json' });
    // The sitemap says the page changed; the site answers 304 (it did not).
    await copy.setLastmod(STORY.seedEn, '2026-02-01T09:00:00+01:00');

    const report = await harness.run();

    expect(report.failed).toEqual([]);
    expect(JSON.parse((await harness.store.get(`articles/${SEED_ID}/meta.json`))!.body)).toEqual(before);
    expect((await harness.store.get(`raw/${SEED_ID}/en.html`))!.body).toBe(raw);
  });
});

async function collect(keys: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const key of keys) out.push(key);
  return out;
}
