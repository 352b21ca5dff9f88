// The HTML of one feed item in one language, in either content mode: the lead image at the top (with
// its alt text and credit: readers show item HTML, and newsboat never shows an enclosure), then the
// body (full mode) or the lead and a link to the story (summary mode), then the attribution, the
// link to the original and the story in its other language. The body is sanitized HTML; the parts
// around it are built here from escaped text and checked http(s) URLs only, which is also what keeps
// them cheap: summary-mode items are built at every publish.
import type { ArticleSummary } from '../../record/export-article.js';
import type { LanguageKey } from '../../site/ilo-urls.js';
import { cleanLine, cleanText } from '../../text/clean-text.js';
import { escapeXml, escapeXmlAttribute } from '../../text/markup-escape.js';
import { LANGUAGE_TAG } from '../../site/language-tags.js';

const TEXT: Record<LanguageKey, { source: string; readMore: string; otherLanguage: string }> = {
  en: { source: 'Source', readMore: 'Read the full story on www.ilo.org', otherLanguage: 'Also in Chinese' },
  zh: { source: '来源', readMore: '在 www.ilo.org 阅读全文', otherLanguage: '英文版' },
};

/** Full mode: the item around the body's sanitized HTML (rendered once, as the version enters its windows). */
export function fullItemHtml(summary: ArticleSummary, lang: LanguageKey, bodyHtml: string): string {
  return itemHtml(summary, lang, bodyHtml);
}

/** Summary mode: title, lead, link and attribution only (and the lead image, as in full mode). */
export function summaryItemHtml(summary: ArticleSummary, lang: LanguageKey): string {
  const lead = summary.summary[lang];
  const url = summary.url[lang];
  const main = `${lead ? `<p>${escapeXml(cleanText(lead))}</p>\n` : ''}${link(url) ? `<p>${link(url, TEXT[lang].readMore)}</p>` : ''}`;
  return itemHtml(summary, lang, main);
}

function itemHtml(summary: ArticleSummary, lang: LanguageKey, mainHtml: string): string {
  const image = leadImageHtml(summary, lang, mainHtml);
  return [image, mainHtml, footerHtml(summary, lang)].filter((part) => part !== '').join('\n');
}

/**
 * The lead image as a figure: alt text in the item's language (else the other language's, marked
 * with its language), the credit as caption. Left out when the body already shows the same image.
 */
function leadImageHtml(summary: ArticleSummary, lang: LanguageKey, mainHtml: string): string {
  const image = summary.image;
  if (
    !image ||
    !isWebUrl(image.url) ||
    mainHtml.includes(escapeXmlAttribute(image.url)) ||
    mainHtml.includes(image.url)
  )
    return '';
  const other: LanguageKey = lang === 'en' ? 'zh' : 'en';
  const alt = image.alt[lang] ?? image.alt[other];
  const altLang = image.alt[lang] === undefined && alt !== undefined ? ` lang="${LANGUAGE_TAG[other]}"` : '';
  const caption = image.credit ? `<figcaption>${escapeXml(cleanLine(image.credit))}</figcaption>` : '';
  // The image in a paragraph of its own, so text readers put the credit on a line of its own; the alt
  // text is the title too (text readers show the title, markdown-html.ts does the same for the body).
  const text = escapeXmlAttribute(cleanLine(alt ?? ''));
  return `<figure><p><img src="${escapeXmlAttribute(image.url)}" alt="${text}"${text ? ` title="${text}"` : ''}${altLang} /></p>${caption}</figure>`;
}

function footerHtml(summary: ArticleSummary, lang: LanguageKey): string {
  const text = TEXT[lang];
  const url = summary.url[lang];
  const other: LanguageKey = lang === 'en' ? 'zh' : 'en';
  const otherUrl = summary.url[other];
  const otherTitle = summary.title[other];
  const translation =
    otherUrl && otherTitle && isWebUrl(otherUrl)
      ? `<br />${text.otherLanguage}: <a href="${escapeXmlAttribute(otherUrl)}" hreflang="${LANGUAGE_TAG[other]}" lang="${LANGUAGE_TAG[other]}" rel="noopener noreferrer">${escapeXml(cleanLine(otherTitle))}</a>`
      : '';
  return `<p><small>${escapeXml(cleanLine(summary.rights))}. ${text.source}: ${link(url, 'www.ilo.org') ?? 'www.ilo.org'}${translation}</small></p>`;
}

/** A link as the body's links are (markdown-html.ts): the original site, no referrer, no opener. */
function link(url: string | undefined, label?: string): string | undefined {
  if (url === undefined || !isWebUrl(url)) return undefined;
  return `<a href="${escapeXmlAttribute(url)}" rel="noopener noreferrer">${escapeXml(label ?? url)}</a>`;
}

function isWebUrl(url: string): boolean {
  return /^https?:\/\/[^\s"<>]+$/i.test(url);
}
