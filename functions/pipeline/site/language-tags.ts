// How our two languages are named outside the code, once (docs/NOTES.md, "Feed readers and links").
import type { LanguageKey } from './ilo-urls.js';

/** BCP 47 tags: Atom's xml:lang and hreflang, JSON Feed's language, HTML's lang, front matter's translations. */
export const LANGUAGE_TAG: Record<LanguageKey, string> = { en: 'en', zh: 'zh-Hans' };

/** RSS's own language values (RFC 1766 style, as RSS readers expect): the feeds' and the OPML's <language>. */
export const RSS_LANGUAGE: Record<LanguageKey, string> = { en: 'en', zh: 'zh-cn' };
