// Where a page says its other-language version is, in order of trust. Each is only a candidate:
// ingest fetches it and checks that it really is in that language before pairing.
import { type LanguageKey, canonicalUrl, newsPage } from '../site/ilo-urls.js';
import { type Element, all, attr, textOf } from '../parse/html-dom.js';
import type { PageIndex } from './page-index.js';
import type { HeadMetadata } from './head-metadata.js';

export type TranslationSource = 'hreflang' | 'also-available' | 'language-menu';

export interface TranslationLink {
  lang: LanguageKey;
  url: string;
  source: TranslationSource;
}

const LANGUAGE_BY_TAG: Record<string, LanguageKey> = {
  en: 'en',
  'en-gb': 'en',
  'en-us': 'en',
  zh: 'zh',
  'zh-hans': 'zh',
  'zh-cn': 'zh',
  'zh-sg': 'zh',
};
const LANGUAGE_BY_LABEL: Record<string, LanguageKey> = {
  english: 'en',
  英文: 'en',
  英语: 'en',
  中文: 'zh',
  chinese: 'zh',
  简体中文: 'zh',
};

/**
 * Candidate links to this story in the other language, most trusted first, without duplicates.
 * `pageUrl` is the canonical URL of the page; `mirrorOrigin` maps mirror links back to www.ilo.org.
 */
export function findTranslationLinks(
  index: PageIndex,
  head: HeadMetadata,
  pageUrl: string,
  pageLang: LanguageKey,
  mirrorOrigin?: string,
): TranslationLink[] {
  const found: TranslationLink[] = [];
  const add = (href: string | undefined, declared: LanguageKey | undefined, source: TranslationSource) => {
    if (!href) return;
    const url = canonicalUrl(href, pageUrl, mirrorOrigin);
    const page = url ? newsPage(url) : undefined;
    if (!page || page.url === pageUrl) return;
    // The URL's own language prefix decides; a declared language that disagrees makes it suspect.
    if (declared && declared !== page.lang) return;
    if (page.lang === pageLang) return;
    if (!found.some((link) => link.url === page.url)) found.push({ lang: page.lang, url: page.url, source });
  };

  for (const alternate of head.alternates) add(alternate.href, LANGUAGE_BY_TAG[alternate.hreflang], 'hreflang');
  for (const link of alsoAvailableBlocks(index).flatMap((block) => all('a[href]', block)))
    add(attr(link, 'href'), languageOfLink(link), 'also-available');
  for (const link of languageMenuLinks(index)) add(attr(link, 'href'), languageOfLink(link), 'language-menu');
  return found;
}

/**
 * The "Content also available in" blocks: the smallest element around the label that also holds
 * its links (Drupal prints the label and the links as siblings or nested, depending on the page).
 */
export function alsoAvailableBlocks(index: PageIndex): Element[] {
  const blocks: Element[] = [];
  for (const label of index.alsoAvailableLabels) {
    let block: Element | null = label;
    for (let depth = 0; block && depth < 4 && all('a[href]', block).length === 0; depth++) {
      block = block.parent && 'name' in block.parent ? block.parent : null;
    }
    if (block && textOf(block).length < 300 && !blocks.includes(block)) blocks.push(block);
  }
  return blocks;
}

/**
 * The header language menu's links. The design system keeps them inside a <template> (cloned by
 * script on click); CSS selectors do not descend into templates, so they are searched explicitly.
 */
function languageMenuLinks(index: PageIndex): Element[] {
  const menus = [
    ...index.byClass('ilo--language-toggle'),
    ...index.byClass('language-switcher'),
    ...index.byClass('language-switcher-language-url'),
  ];
  return menus.flatMap((menu) => [
    ...all('a[href]', menu),
    ...all('template', menu).flatMap((template) => all('a[href]', template.children)),
  ]);
}

function languageOfLink(link: Element): LanguageKey | undefined {
  const tag = (attr(link, 'hreflang') ?? attr(link, 'lang'))?.toLowerCase();
  if (tag && LANGUAGE_BY_TAG[tag]) return LANGUAGE_BY_TAG[tag];
  return LANGUAGE_BY_LABEL[textOf(link).toLowerCase()];
}
