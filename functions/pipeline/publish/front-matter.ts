// The Markdown files (articles/<id>/<lang>.md): YAML front matter, then the story's Markdown. No
// `lang:` key: Hugo takes a page's language from its file name (`lang` in front matter is deprecated
// since Hugo 0.144 and an error later); `syndicate pull` writes site-ready trees from the same
// fields (docs/ARCHITECTURE.md).
import { stringify } from 'yaml';
import type { ArticleRecord } from '../record/article-record.js';
import { LANGUAGES, type LanguageKey } from '../site/ilo-urls.js';
import { LANGUAGE_TAG } from '../site/language-tags.js';
import { escapeMarkdownText } from '../normalize/markdown.js';

export function renderMarkdownFile(record: ArticleRecord, lang: LanguageKey, body: string): string {
  return `${yamlFrontMatter(frontMatterFields(record, lang))}\n${body}\n`;
}

/** The front matter of a story in one language, as plain data (in the order it is written). */
export function frontMatterFields(record: ArticleRecord, lang: LanguageKey): Record<string, unknown> {
  const translations: Record<string, string> = {};
  for (const other of LANGUAGES) {
    const url = record.url[other];
    if (other !== lang && url) translations[LANGUAGE_TAG[other]] = url;
  }
  const label = (term: { label: Partial<Record<LanguageKey, string>> }) =>
    term.label[lang] ?? term.label.en ?? term.label.zh;
  const lead = record.summary[lang];
  return {
    title: record.title[lang],
    date: record.publishedAt,
    lastmod: record.updatedAt,
    id: record.id,
    version: record.version,
    canonical: record.url[lang],
    // Hugo renders `summary` as Markdown (.Summary): written as Markdown that stays text, so it runs
    // nothing with raw HTML on. `description` is the same lead as plain text, for meta tags.
    ...(lead ? { summary: escapeMarkdownText(lead), description: lead } : {}),
    ...(Object.keys(translations).length > 0 ? { translations } : {}),
    topics: record.topics.map(label),
    places: record.places.map(label),
    ...(record.image
      ? {
          image: record.image.url,
          ...imageAlt(record.image.alt, lang),
          ...(record.image.credit ? { image_credit: record.image.credit } : {}),
        }
      : {}),
    rights: record.rights,
    source: 'International Labour Organization (ILO)',
  };
}

/** `---`, the fields as YAML, `---`. */
export function yamlFrontMatter(fields: Record<string, unknown>): string {
  // Strings always quoted: a title like "No: 2025" or "yes" must stay a string in every YAML reader.
  const yaml = stringify(fields, { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', lineWidth: 0 });
  return `---\n${yaml}---\n`;
}

/**
 * `image_alt`: the alt text in the file's language; where the image has none in it, the other
 * language's, with `image_alt_lang` naming that language (for `<img alt=... lang=...>`).
 */
function imageAlt(alt: Partial<Record<LanguageKey, string>>, lang: LanguageKey): Record<string, string> {
  const own = alt[lang];
  if (own) return { image_alt: own };
  for (const other of LANGUAGES) {
    const text = alt[other];
    if (other !== lang && text) return { image_alt: text, image_alt_lang: LANGUAGE_TAG[other] };
  }
  return {};
}
