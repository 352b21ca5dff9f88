// Synthetic stories written the way ingest writes them (record, full copy, outbox entry), for publish
// tests and the publishing benchmark, which need archives far bigger than the replica.
import type { ExtractedArticle } from '#pipeline/extract/extract-article.js';
import type { Store } from '#pipeline/ports.js';
import { type ArticleRecord, composeRecord } from '#pipeline/record/article-record.js';
import { fullArticle } from '#pipeline/record/full-article.js';
import { stringifyJson } from '#pipeline/state/json-objects.js';
import { CONTENT_TYPES, keys } from '#pipeline/state/store-keys.js';

export const PUBLIC_URL = 'https://feeds.example.org';

export function syntheticPage(lang: 'en' | 'zh', n: number, day: string, edit = ''): ExtractedArticle {
  const en = lang === 'en';
  return {
    url: en
      ? `https://www.ilo.org/resource/news/story-${n}`
      : `https://www.ilo.org/zh-hans/resource/news/%E6%96%B0%E9%97%BB-${n}`,
    lang,
    contentLanguage: lang,
    title: en ? `Story number ${n} about decent work${edit}` : `关于体面劳动的第${n}条新闻${edit}`,
    summary: en ? `Lead of story ${n}.` : `第${n}条新闻的导语。`,
    publishedAt: day,
    body: [],
    markdown: (en ? `Paragraph of story ${n}, with [a link](https://www.ilo.org/x).\n\n` : `第${n}条新闻的段落。\n\n`)
      .repeat(12)
      .trim(),
    tags: [
      {
        kind: 'topic',
        slug: `topic-${n % 5}`,
        label: en ? `Topic ${n % 5}` : `主题${n % 5}`,
        url: `https://www.ilo.org/topics-and-sectors/topic-${n % 5}`,
      },
    ],
    translations: [],
    layers: { title: 'site', body: 'site' },
  };
}

/** Writes story `n` (English, and Chinese for two in three, or `languages`) as ingest would. `edit` changes its title. */
export async function storeSyntheticStory(
  store: Store,
  n: number,
  day: string,
  options: { now?: Date; edit?: string; languages?: ('en' | 'zh')[] } = {},
): Promise<ArticleRecord> {
  const now = options.now ?? new Date('2026-11-25T12:00:00Z');
  const languages = options.languages ?? (n % 3 === 0 ? ['en'] : ['en', 'zh']);
  const pages = Object.fromEntries(languages.map((lang) => [lang, syntheticPage(lang, n, day, options.edit)]));
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

/** Two stories a day going back from the day before `until`. */
export function dayOf(i: number, until = Date.UTC(2026, 0, 1)): string {
  return new Date(until - (Math.floor(i / 2) + 1) * 86_400_000).toISOString().slice(0, 10);
}
