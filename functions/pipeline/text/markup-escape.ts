// Escaping for every piece of XML and HTML we write: feeds, item HTML, the landing page, the OPML,
// and the HTML turndown keeps in Markdown. One rule per context, each producing well-formed XML
// whatever the text holds: characters XML 1.0 cannot carry in any form (C0 controls but TAB, LF
// and CR, lone surrogates, U+FFFE/U+FFFF; see clean-text.ts) are dropped, since not even a
// character reference may stand for them.
import { withoutForbidden } from './clean-text.js';

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};
const entity = (c: string) => ENTITIES[c] ?? c;

/** Text for element content or a quoted attribute value ("..." or '...'), in XML and in HTML. */
export function escapeXml(text: string): string {
  return withoutForbidden(text).replace(/[&<>"']/g, entity);
}

/**
 * An attribute value: as escapeXml, and TAB, LF and CR as character references, which an XML parser
 * keeps (written as they are, it turns each into a space when it normalizes the value).
 */
export function escapeXmlAttribute(text: string): string {
  return withoutForbidden(text).replace(/[&<>"'\t\n\r]/g, entity);
}

/** HTML for a CDATA section: "]]>" would end it early; "]]&gt;" reads the same in HTML. */
export function cdataSafe(html: string): string {
  return withoutForbidden(html).replaceAll(']]>', ']]&gt;');
}

/**
 * Text for xml-js (`_text`, which the `feed` package also uses for channel fields and categories).
 * xml-js turns every "&amp;" back into "&" before it escapes "&", "<" and ">", so a title that says
 * "&amp;" would reach readers as "&"; with every "&" written "&amp;" first, its output is the text.
 */
export function xmlJsText(text: string): string {
  return withoutForbidden(text).replaceAll('&', '&amp;');
}

/**
 * An attribute value for xml-js, which always quotes with '"' and escapes only that (none is left to
 * escape here). "'" stays as it is, as our Atom files have always had it.
 */
export function xmlJsAttribute(text: string): string {
  return withoutForbidden(text).replace(/[&<>"\t\n\r]/g, entity);
}

/**
 * HTML source that turndown keeps in Markdown (a table it cannot write as GFM): "&", "<", ">" and
 * '"' escaped, and nothing more. The Markdown is hashed into the record's contentHash, so these
 * bytes must not change: another escape would make a new version of every story holding such a table.
 */
export function escapeKeptHtml(text: string): string {
  return text.replace(/[&<>"]/g, entity);
}
