// What an ILO URL is: canonical form, which pages are news stories, in which language, and their ids.
import { createHash } from 'node:crypto';

export const ILO_ORIGIN = 'https://www.ilo.org';
const ILO_HOSTS = new Set(['www.ilo.org', 'ilo.org']);

export type LanguageKey = 'en' | 'zh';
export const LANGUAGES: readonly LanguageKey[] = ['en', 'zh'];

export function isLanguage(value: unknown): value is LanguageKey {
  return (LANGUAGES as readonly unknown[]).includes(value);
}

/** Path prefix of each language on the site. English has none. */
const LANGUAGE_PREFIX: Record<LanguageKey, string> = { en: '', zh: '/zh-hans' };

// Listing pages that live under /resource/news/ but are not stories.
const NOT_STORIES = new Set(['all-news-recent', 'all-news', 'news', 'search']);

/**
 * Resolves `raw` (absolute, or relative to `base`) to its canonical form on https://www.ilo.org.
 * A URL on the mirror origin is mapped back to www.ilo.org, so outputs never point at a mirror.
 * Returns undefined for anything that is not an http(s) URL.
 */
export function canonicalUrl(raw: string, base: string = ILO_ORIGIN, mirrorOrigin?: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw.trim(), base);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const onMirror = mirrorOrigin !== undefined && url.origin === new URL(mirrorOrigin).origin;
  if (onMirror || ILO_HOSTS.has(url.hostname)) {
    url.protocol = 'https:';
    url.host = 'www.ilo.org';
    url.port = '';
  }
  url.hash = '';
  url.pathname = normalizePath(url.pathname);
  return url.toString();
}

/** True for a URL on the ILO's own hosts (ilo.org and its subdomains). */
export function isIloUrl(url: string): boolean {
  try {
    const { hostname } = new URL(url);
    return hostname === 'ilo.org' || hostname.endsWith('.ilo.org');
  } catch {
    return false;
  }
}

export interface NewsPage {
  lang: LanguageKey;
  /** Decoded slug, e.g. "ilo-partners-microsoft-strengthen-ai-skilling-china" or a Chinese one. */
  slug: string;
  /** Canonical URL without query. */
  url: string;
}

/** The news story a canonical URL points to, or undefined when it is not a news story page. */
export function newsPage(url: string): NewsPage | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.origin !== ILO_ORIGIN) return undefined;
  const [, zhPrefix, encodedSlug] = /^(\/zh-hans)?\/resource\/news\/([^/]+)\/?$/.exec(parsed.pathname) ?? [];
  if (encodedSlug === undefined) return undefined;
  const slug = safeDecode(encodedSlug);
  if (NOT_STORIES.has(slug.toLowerCase())) return undefined;
  const lang: LanguageKey = zhPrefix ? 'zh' : 'en';
  return { lang, slug, url: newsUrl(lang, slug) };
}

/** The canonical URL of a news story in one language. */
export function newsUrl(lang: LanguageKey, slug: string): string {
  return `${ILO_ORIGIN}${LANGUAGE_PREFIX[lang]}/resource/news/${encodeSegment(slug)}`;
}

/**
 * The stable id of a story: its English slug when an English version exists, otherwise a stable
 * derivative of the Chinese URL ("zh-" and 12 hex digits of the slug's SHA-256).
 */
export function storyId(pages: Partial<Record<LanguageKey, NewsPage>>): string {
  if (pages.en) {
    const id = pages.en.slug
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 120);
    if (id.length > 0) return id;
  }
  const source = pages.zh ?? pages.en;
  if (!source) throw new Error('storyId needs at least one page');
  return `${source.lang}-${createHash('sha256').update(source.slug).digest('hex').slice(0, 12)}`;
}

/** What a story id is: safe as a path segment in the store and in URLs (and as a file name). */
export const STORY_ID_PATTERN = '^[a-z0-9][a-z0-9-]{0,127}$';
const STORY_ID = new RegExp(STORY_ID_PATTERN);

/** True when an id is safe as a path segment in the store and in URLs. */
export function isValidStoryId(id: string): boolean {
  return STORY_ID.test(id);
}

function normalizePath(pathname: string): string {
  // Plain ASCII paths (most links) are already in canonical form.
  if (/^[A-Za-z0-9/._~!$&'()*+,;=:@-]*$/.test(pathname)) return pathname;
  return pathname
    .split('/')
    .map((segment) => encodeSegment(safeDecode(segment)))
    .join('/');
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

// encodeURIComponent, but leaving the sub-delimiters RFC 3986 allows in a path segment as they are.
function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/%(21|24|26|27|28|29|2A|2B|2C|3A|3B|3D|40)/gi, (_, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  );
}
