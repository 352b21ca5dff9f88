// Topics and places from a story's tag list.
import { canonicalUrl } from '../site/ilo-urls.js';
import { cleanLine } from '../text/clean-text.js';
import { all, attr, textOf } from '../parse/html-dom.js';
import type { PageIndex } from './page-index.js';

export interface PageTag {
  kind: 'topic' | 'place';
  /** URL-safe, language-independent where the site allows (the tag's path segment). */
  slug: string;
  label: string;
  url: string;
}

export function readTags(index: PageIndex, pageUrl: string, mirrorOrigin?: string): PageTag[] {
  const tags: PageTag[] = [];
  const lists = [...index.byClass('ilo--tags'), ...index.byClass('ilo--tag-set')];
  for (const link of lists.flatMap((list) => all('a[href]', list))) {
    const href = attr(link, 'href');
    const url = href === undefined ? undefined : canonicalUrl(href, pageUrl, mirrorOrigin);
    const label = cleanLine(textOf(link));
    if (!url || label === '') continue;
    const path = new URL(url).pathname.replace(/^\/zh-hans(?=\/)/, '');
    const kind = /^\/(regions-and-countries|countries|regions)\//.test(path) ? 'place' : 'topic';
    const segment = decodeURIComponent(path.split('/').filter(Boolean).pop() ?? '');
    const slug = tagSlug(segment !== '' ? segment : label);
    if (!tags.some((tag) => tag.slug === slug && tag.kind === kind)) tags.push({ kind, slug, label, url });
  }
  return tags;
}

/** A slug safe for paths: ASCII words kept; anything else (a Chinese alias) hashed stably. */
function tagSlug(text: string): string {
  const ascii = text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (ascii.length >= 2 && !/[^\p{ASCII}]/u.test(text)) return ascii.slice(0, 80);
  let hash = 0x811c9dc5; // FNV-1a: short, stable, no crypto needed for a path segment
  for (const char of text) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `t-${hash.toString(16).padStart(8, '0')}`;
}
