// A story as a static site wants it (docs/ARCHITECTURE.md, "Partner sites"), from its exported
// record: pure, so what `pull` writes is decided here and the command only moves bytes.
//   Hugo    content/news/<id>/index.en.md, index.zh-hans.md: a page bundle, one file per language;
//           Hugo links translations of one bundle itself. No `lang:` key (Hugo reads the file name).
//   Jekyll  _posts/YYYY-MM-DD-<id>.md (English, or the story's only language) and
//           zh/_posts/YYYY-MM-DD-<id>.md (Chinese); `lang` and `ref` let a layout find the twin.
import { frontMatterFields, yamlFrontMatter } from '../publish/front-matter.js';
import { LANGUAGE_TAG } from '../site/language-tags.js';
import { inertTemplateSyntax } from '../normalize/inert-markdown.js';
import { summaryOnlyBody } from '../publish/article-files.js';
import type { ExportedArticle } from '../record/export-article.js';
import { LANGUAGES, type LanguageKey } from '../site/ilo-urls.js';

export type SiteKind = 'hugo' | 'jekyll';

export interface SiteFile {
  /** Relative to the site folder, "/"-separated. */
  path: string;
  content: string;
}

/** Hugo language keys (lower case, as Hugo folds them) for the file names. */
const HUGO_LANGUAGE: Record<LanguageKey, string> = { en: 'en', zh: 'zh-hans' };

export function siteFiles(article: ExportedArticle, site: SiteKind): SiteFile[] {
  return article.languages
    .filter((lang) => LANGUAGES.includes(lang))
    .map((lang) => (site === 'hugo' ? hugoFile(article, lang) : jekyllFile(article, lang)));
}

function hugoFile(article: ExportedArticle, lang: LanguageKey): SiteFile {
  const fields = {
    ...frontMatterFields(article, lang),
    title: titleIn(article, lang),
    ...(article.image ? { images: [article.image.url] } : {}),
    // Word counts and summaries by character, as Chinese needs.
    ...(lang === 'zh' ? { isCJKLanguage: true } : {}),
  };
  return {
    path: `content/news/${article.id}/index.${HUGO_LANGUAGE[lang]}.md`,
    content: `${yamlFrontMatter(fields)}\n${bodyIn(article, lang)}\n`,
  };
}

function jekyllFile(article: ExportedArticle, lang: LanguageKey): SiteFile {
  const fields = {
    ...frontMatterFields(article, lang),
    title: titleIn(article, lang),
    lang: LANGUAGE_TAG[lang],
    // The same for every language of a story: `site.posts | where: "ref", page.ref` finds the twins.
    ref: article.id,
    // Belt and braces with inertTemplateSyntax: the story's text is never a Liquid template.
    render_with_liquid: false,
  };
  const folder = lang === 'en' || article.languages.length === 1 ? '_posts' : `${lang}/_posts`;
  return {
    path: `${folder}/${article.publishedAt.slice(0, 10)}-${article.id}.md`,
    content: `${yamlFrontMatter(fields)}\n${bodyIn(article, lang)}\n`,
  };
}

/** Every page needs a title: a language without one borrows the other's. */
function titleIn(article: ExportedArticle, lang: LanguageKey): string {
  return article.title[lang] ?? article.title.en ?? article.title.zh ?? article.id;
}

/**
 * The story's Markdown (lead and body; in summary mode the exports carry none: lead and link), with
 * Liquid, shortcode and kramdown openers broken: exports written before the core did so still have
 * them, and Hugo and Jekyll run them anywhere in a page (the core's own rule, idempotent).
 */
function bodyIn(article: ExportedArticle, lang: LanguageKey): string {
  return inertTemplateSyntax(article.markdown?.[lang] ?? summaryOnlyBody(article, lang));
}
