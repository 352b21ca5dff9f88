// A story's own public files: `articles/<id>/<lang>.md` and `exports/v1/articles/<id>.json`, rendered
// from its private full copy in the content mode and on the public URL of the publish. The one place
// that decides what of a story's text is public (docs/ARCHITECTURE.md, "Content mode").
import type { ContentMode } from '../config.js';
import { renderMarkdownFile } from './front-matter.js';
import { escapeMarkdownText } from '../normalize/markdown.js';
import type { Store } from '../ports.js';
import type { ArticleRecord } from '../record/article-record.js';
import { type ExportedArticle, exportArticle } from '../record/export-article.js';
import { FULL_COPY_REMEDY, type FullArticle, isFullArticle, recordOf } from '../record/full-article.js';
import { LANGUAGES, type LanguageKey } from '../site/ilo-urls.js';
import { CorruptDocument, type Versioned, readJson, stringifyJson, writeIfNotNewer } from '../state/json-objects.js';
import { CACHE_CONTROL, CONTENT_TYPES, keys } from '../state/store-keys.js';

export interface ArticleFileSettings {
  contentMode: ContentMode;
  publicUrl: string;
}

/**
 * The story's full copy. Folders written before the copy existed have none: then the exported
 * record stands in (it carries the Markdown unless it was written in summary mode). A copy that is
 * not one (edited by hand, or written by something else) is a CorruptDocument naming it: publishing
 * from it would put its garbage, or nothing, in every public file of the story.
 */
export async function loadFullArticle(store: Store, id: string): Promise<FullArticle | undefined> {
  let full: Versioned<FullArticle> | undefined;
  try {
    full = await readJson<FullArticle>(store, keys.fullArticle(id), isFullArticle);
  } catch (error) {
    if (!(error instanceof CorruptDocument)) throw error;
    throw new CorruptDocument(error.key, error.detail, error.kind, FULL_COPY_REMEDY);
  }
  if (full) return full.value;
  const exported = (await readJson<ExportedArticle>(store, keys.exportArticle(id)))?.value;
  if (!exported) return undefined;
  const { links: _links, markdown, ...record } = exported;
  return { ...record, markdown: markdown ?? {} };
}

/**
 * Writes the story's Markdown files and exported record, and removes the Markdown of a language it
 * no longer has. A file already holding a newer version (an overlapping publish got there first) is
 * left alone. Returns the keys written.
 */
export async function writeArticleFiles(
  store: Store,
  article: FullArticle,
  settings: ArticleFileSettings,
): Promise<string[]> {
  const written: string[] = [];
  const bodies: Partial<Record<LanguageKey, string>> = {};
  for (const lang of LANGUAGES) {
    const key = keys.articleMarkdown(article.id, lang);
    if (!article.languages.includes(lang)) {
      if (await store.get(key)) await store.delete(key);
      continue;
    }
    const full = article.markdown[lang];
    if (full !== undefined) bodies[lang] = full;
    const body = settings.contentMode === 'full' && full !== undefined ? full : summaryOnlyBody(article, lang);
    if (
      await writeIfNotNewer(
        store,
        key,
        renderMarkdownFile(article, lang, body),
        article.version,
        markdownVersion,
        CONTENT_TYPES.markdown,
        CACHE_CONTROL.article,
      )
    ) {
      written.push(key);
    }
  }
  const exported = stringifyJson(exportArticle(recordOf(article), bodies, settings));
  if (
    await writeIfNotNewer(
      store,
      keys.exportArticle(article.id),
      exported,
      article.version,
      jsonVersion,
      CONTENT_TYPES.json,
      CACHE_CONTROL.article,
    )
  ) {
    written.push(keys.exportArticle(article.id));
  }
  return written;
}

const READ_MORE: Record<LanguageKey, string> = {
  en: 'Read the full story on ilo.org',
  zh: '在国际劳工组织网站阅读全文',
};

/** Summary mode's body: the lead and a link to the story on ilo.org. */
export function summaryOnlyBody(record: ArticleRecord, lang: LanguageKey): string {
  const lead = escapeMarkdownText(record.summary[lang] ?? '');
  return `${lead}\n\n[${READ_MORE[lang]}](${record.url[lang]})`.trim();
}

function markdownVersion(body: string): number {
  return Number(/^version: (\d+)$/m.exec(body)?.[1] ?? 0);
}

function jsonVersion(body: string): number {
  try {
    return Number((JSON.parse(body) as { version?: number }).version ?? 0);
  } catch {
    return 0;
  }
}
