// Publishing cost against the size of the archive: publish ten new stories into archives of 100 and
// 10,000 synthetic stories, and compare time and store operations. Publishing works on windows of
// the newest stories and the months touched, so neither may grow with the archive.
import type { PipelinePorts } from '../functions/pipeline/ports.js';
import { composeRecord, type ArticleRecord } from '../functions/pipeline/record/article-record.js';
import { exportArticle } from '../functions/pipeline/record/export-article.js';
import { publishPending } from '../functions/pipeline/publish/publish.js';
import { stringifyJson } from '../functions/pipeline/state/json-objects.js';
import { CONTENT_TYPES, keys } from '../functions/pipeline/state/store-keys.js';
import type { ExtractedArticle } from '../functions/pipeline/extract/extract-article.js';
import { MemoryStore, type StoreCounts } from './memory-store.js';

const settings = { publicUrl: 'https://feeds.example.org', contentMode: 'full' as const, generator: 'bench' };
const silent = { info() {}, warn() {}, error() {} };

function page(lang: 'en' | 'zh', n: number, date: string): ExtractedArticle {
  const en = lang === 'en';
  return {
    url: en ? `https://www.ilo.org/resource/news/story-${n}` : `https://www.ilo.org/zh-hans/resource/news/%E6%96%B0%E9%97%BB-${n}`,
    lang,
    contentLanguage: lang,
    title: en ? `Story number ${n} about decent work` : `关于体面劳动的第${n}条新闻`,
    summary: en ? `Lead of story ${n}.` : `第${n}条新闻的导语。`,
    publishedAt: date,
    body: [],
    markdown: (en ? `Paragraph of story ${n}, with [a link](https://www.ilo.org/x).\n\n` : `第${n}条新闻的段落。\n\n`).repeat(12),
    tags: [{ kind: 'topic', slug: `topic-${n % 20}`, label: en ? `Topic ${n % 20}` : `主题${n % 20}`, url: `https://www.ilo.org/topics-and-sectors/topic-${n % 20}` }],
    translations: [],
    layers: { title: 'site', body: 'site' },
  };
}

/** Writes a story as ingest would (record, export, outbox entry). */
async function ingest(store: MemoryStore, n: number, day: string, now: Date): Promise<ArticleRecord> {
  const pages = n % 3 === 0 ? { en: page('en', n, day) } : { en: page('en', n, day), zh: page('zh', n, day) };
  const { record } = composeRecord(`story-${n}`, pages, undefined, now);
  const bodies = Object.fromEntries(Object.entries(pages).map(([lang, p]) => [lang, p.markdown]));
  await store.put(keys.articleMeta(record.id), stringifyJson(record), { contentType: CONTENT_TYPES.json });
  await store.put(keys.exportArticle(record.id), stringifyJson(exportArticle(record, bodies, settings)), { contentType: CONTENT_TYPES.json });
  await store.put(keys.outbox(record.id, 1), stringifyJson({ id: record.id, version: 1 }), { contentType: CONTENT_TYPES.json });
  return record;
}

function ports(store: MemoryStore): PipelinePorts {
  let sent = 0;
  return {
    store,
    notifier: { publish: async () => void sent++ },
    fetcher: { fetch: async () => { throw new Error('no fetching in this benchmark'); } },
    clock: { now: () => new Date('2026-11-25T12:00:00Z') },
    logger: silent,
  };
}

export interface PublishBenchResult {
  archive: number;
  medianMs: number;
  counts: StoreCounts;
}

export async function benchPublish(archive: number, rounds = 7): Promise<PublishBenchResult> {
  const store = new MemoryStore();
  const now = new Date('2026-11-25T12:00:00Z');
  // Two stories a day before 2026: an archive of 10,000 spans about 14 years of monthly pages.
  const dayOf = (i: number) => new Date(Date.UTC(2026, 0, 1) - (Math.floor(i / 2) + 1) * 86_400_000).toISOString().slice(0, 10);
  // Build the archive the way it grows: stories published in batches, oldest first.
  for (let n = archive - 1; n >= 0; n -= 500) {
    for (let i = n; i > n - 500 && i >= 0; i--) await ingest(store, i, dayOf(i), now);
    await publishPending(ports(store), settings);
  }
  const times: number[] = [];
  let counts = MemoryStore.zero();
  for (let round = 0; round < rounds; round++) {
    // Ten new stories, newer than everything in the archive.
    for (let i = 0; i < 10; i++) await ingest(store, 1_000_000 + round * 10 + i, `2026-01-${String(1 + round).padStart(2, '0')}`, now);
    store.counts = MemoryStore.zero();
    const start = process.hrtime.bigint();
    await publishPending(ports(store), settings);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    counts = store.counts;
  }
  times.sort((a, b) => a - b);
  return { archive, medianMs: times[Math.floor(times.length / 2)]!, counts };
}
