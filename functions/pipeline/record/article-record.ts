// The bilingual article record (meta.json, exports/v1/articles/<id>.json): the public contract of
// docs/ARCHITECTURE.md. One place decides what a story's record is and whether it is a new version.
import { createHash } from 'node:crypto';
import { type IsoDate, publicationInstant } from '../parse/dates.js';
import type { ExtractedArticle } from '../extract/extract-article.js';
import type { PageTag } from '../extract/tags.js';
import { LANGUAGES, type LanguageKey } from '../site/ilo-urls.js';
import { countWords, truncate } from '../text/clean-text.js';
import { escapeMarkdownText } from '../normalize/markdown.js';
import { ARTICLE_SCHEMA, type ArticleRecord, type Term } from './record-schema.js';

export { ARTICLE_SCHEMA, type ArticleRecord, type Term };
export const RIGHTS = '© International Labour Organization';

/** A value per language; a language the story lacks has no key (never an empty string). */
export type Localized<T> = Partial<Record<LanguageKey, T>>;

/** The extracted pages of one story, by language (only languages verified to be real versions). */
export type StoryPages = Partial<Record<LanguageKey, ExtractedArticle>>;

export type RecordChange = 'new' | 'updated' | 'unchanged';

/** The Markdown body of one language: the lead, then the body. The title lives in front matter. */
export function markdownBody(article: ExtractedArticle): string {
  const lead = summaryOf(article);
  return [lead ? escapeMarkdownText(lead) : '', article.markdown].filter((part) => part !== '').join('\n\n');
}

/** sha256 over the normalized Markdown of a language, title included: what "the content" is. */
export function contentHash(article: ExtractedArticle): string {
  const text = `# ${escapeMarkdownText(article.title)}\n\n${markdownBody(article)}\n`;
  return `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
}

function summaryOf(article: ExtractedArticle): string | undefined {
  if (article.summary) return article.summary;
  const text = article.markdown
    .replace(/[#>*_`![\]()|-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text === '' ? undefined : truncate(text.replace(/\(https?:[^)]*\)/g, ''), 280);
}

/**
 * The record for a story's pages, compared with the stored one: a new version when the content of a
 * language changed or a language appeared or went. Anything else (chrome, tags moving around) keeps
 * the stored record as it is, so a rerun changes nothing.
 */
export function composeRecord(
  id: string,
  pages: StoryPages,
  previous: ArticleRecord | undefined,
  now: Date,
  fallbackPublishedAt?: IsoDate,
): { record: ArticleRecord; change: RecordChange } {
  const languages = LANGUAGES.filter((lang) => pages[lang] !== undefined);
  if (languages.length === 0) throw new Error(`story ${id} has no page`);
  const hashes = localize(pages, (page) => contentHash(page));

  if (previous && sameContent(previous, languages, hashes)) return { record: previous, change: 'unchanged' };

  const record: ArticleRecord = {
    schema: ARTICLE_SCHEMA,
    id,
    version: (previous?.version ?? 0) + 1,
    kind: 'news',
    // A page that gives only a date gets the instant feeds give it, so the record, the Markdown, the
    // exports and the feeds all say the same instant (Hugo, Jekyll and JSON readers would each
    // read a bare date at their own midnight).
    publishedAt: publicationInstant(
      pages.en?.publishedAt ??
        pages.zh?.publishedAt ??
        previous?.publishedAt ??
        fallbackPublishedAt ??
        now.toISOString().slice(0, 10),
    ),
    updatedAt: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    languages,
    title: localize(pages, (page) => page.title),
    summary: localize(pages, (page) => summaryOf(page)),
    url: localize(pages, (page) => page.url),
    topics: mergeTerms(pages, 'topic'),
    places: mergeTerms(pages, 'place'),
    contentHash: hashes,
    wordCount: localize(pages, (page, lang) => countWords(`${page.summary ?? ''} ${page.markdown}`, lang)),
    rights: RIGHTS,
  };
  const image = pages.en?.image ?? pages.zh?.image;
  if (image) {
    record.image = {
      url: image.url,
      alt: localize(pages, (page, lang) => altIn(lang, page.image?.alt)),
      ...(image.credit ? { credit: image.credit } : {}),
    };
  }
  return { record, change: previous ? 'updated' : 'new' };
}

/**
 * A page's alt text as the alt of its language: Chinese pages often carry the English alt of a
 * shared image, which is no Chinese alt (zh.md and the Chinese feeds then fall back to the English
 * one, marked as English, instead of presenting it as Chinese).
 */
function altIn(lang: LanguageKey, alt: string | undefined): string | undefined {
  if (alt === undefined || lang !== 'zh') return alt;
  return /\p{Script=Han}/u.test(alt) ? alt : undefined;
}

function sameContent(previous: ArticleRecord, languages: LanguageKey[], hashes: Localized<string>): boolean {
  return (
    previous.languages.length === languages.length &&
    languages.every((lang) => previous.contentHash[lang] === hashes[lang])
  );
}

/** A value for each language the story has a page in (left out when undefined or empty). */
function localize<T>(
  pages: StoryPages,
  value: (page: ExtractedArticle, lang: LanguageKey) => T | undefined,
): Localized<T> {
  const out: Localized<T> = {};
  for (const lang of LANGUAGES) {
    const page = pages[lang];
    if (page === undefined) continue;
    const v = value(page, lang);
    if (v !== undefined && v !== '') out[lang] = v;
  }
  return out;
}

/**
 * Tags of both pages as bilingual terms. Same slug: one term. Otherwise, when both pages list the
 * same number of tags of a kind, Drupal lists translations in the same order, so pair by position.
 */
function mergeTerms(pages: StoryPages, kind: PageTag['kind']): Term[] {
  const en = pages.en?.tags.filter((tag) => tag.kind === kind) ?? [];
  const zh = pages.zh?.tags.filter((tag) => tag.kind === kind) ?? [];
  const terms: Term[] = en.map((tag) => ({ slug: tag.slug, label: { en: tag.label } }));
  const pairByPosition = en.length === zh.length && zh.some((tag) => !en.some((e) => e.slug === tag.slug));
  zh.forEach((tag, index) => {
    const match = terms.find((term) => term.slug === tag.slug) ?? (pairByPosition ? terms[index] : undefined);
    if (match) match.label.zh = tag.label;
    else terms.push({ slug: tag.slug, label: { zh: tag.label } });
  });
  return terms;
}
