// Text hygiene shared by every output: nothing that breaks XML, JSON consumers or terminals gets through.

// C0 controls except TAB/LF/CR, DEL, C1 controls, lone surrogates and the noncharacters XML forbids.
const FORBIDDEN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what is removed
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFDD0-\uFDEF\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

// Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): invisible, they
// make text display other than it reads ("\u202Etxt.exe" shows as "exe.txt"). Neither English nor
// Chinese text needs them.
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;
// U+2028/U+2029 end a line in JavaScript source and some JSON-in-script pages; as text they are a
// line break, so they become one.
const LINE_SEPARATORS = /[\u2028\u2029]/g;

// Anything cleanText may have to change; most text has none of it, and is returned as is.
const SUSPECT =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what is looked for
  /[\u0000-\u0008\u000B-\u000D\u000E-\u001F\u007F-\u009F\uD800-\uDFFF\uFDD0-\uFDEF\uFFFE\uFFFF\u202A-\u202E\u2066-\u2069\u2028\u2029]/;

/** Removes characters no output may carry and normalizes line breaks. Keeps every other character as is. */
export function cleanText(text: string): string {
  if (!SUSPECT.test(text)) return text;
  return text.replace(/\r\n?/g, '\n').replace(LINE_SEPARATORS, '\n').replace(BIDI_CONTROLS, '').replace(FORBIDDEN, '');
}

/** One line of plain text: cleaned, every run of whitespace (NBSP and line breaks included) one space. */
export function cleanLine(text: string): string {
  return cleanText(text)
    .replace(/[\s\u00A0\u2000-\u200B\u3000]+/g, ' ')
    .trim();
}

/** Without the characters XML 1.0 cannot carry in any form (markup-escape.ts escapes the rest). */
export function withoutForbidden(text: string): string {
  return SUSPECT.test(text) ? text.replace(FORBIDDEN, '') : text;
}

/** Shortens to at most `max` characters on a word boundary where possible, with an ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  // Never half of a surrogate pair: a lone one is not a character XML or JSON readers accept.
  const end = /[\uD800-\uDBFF]/.test(text[max - 2] ?? '') ? max - 2 : max - 1;
  const cut = text.slice(0, end);
  const space = cut.lastIndexOf(' ');
  return `${(space >= max * 0.5 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

const HAN = /\p{Script=Han}/gu;

/** Which language text is written in (one or more pieces), judged by its letters, not by any markup claim. */
export function detectLanguage(...texts: string[]): 'en' | 'zh' | 'unknown' {
  // Counted in one pass over the code units, piece by piece: this runs on every page, over the whole body.
  let han = 0;
  let latin = 0;
  for (const text of texts) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7))
        latin++;
      else if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff)) han++;
    }
  }
  if (han + latin < 20) return 'unknown';
  // A Chinese story is full of Latin acronyms and names (ILO, TVET, Microsoft); an English one has no Han.
  // Latin words are ~5 letters, so weigh Han characters up before comparing.
  return han * 3 >= latin ? 'zh' : han === 0 || latin > han * 20 ? 'en' : 'unknown';
}

/** Words for Latin text; characters for Chinese (the usual measure of Chinese text length). */
export function countWords(text: string, lang: 'en' | 'zh'): number {
  if (lang === 'zh') return text.match(HAN)?.length ?? 0;
  return text.match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu)?.length ?? 0;
}
