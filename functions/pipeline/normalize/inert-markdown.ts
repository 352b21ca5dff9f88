// Markdown that stays text in every renderer partners put it through (docs/ARCHITECTURE.md, "Inert
// Markdown"). Text a page escaped ("&lt;script&gt;") is text to us; written into Markdown as is, it
// becomes raw HTML, which kramdown (Jekyll) and any renderer with HTML on pass to the browser. And a
// Markdown file is a template before it is Markdown: Jekyll runs Liquid ({{ }}, {% %}) over the body,
// Hugo runs shortcodes ({{< >}}, {{% %}}), kramdown reads its extensions ({::nomarkdown}) and
// attribute lists ({: onclick=...}). All of these are made inert here, in a way that every CommonMark
// renderer and kramdown display as the original characters.

// "&" that starts something a renderer would read as an entity ("&lt;", "&#60;"): the page's text
// said those characters literally, so the "&" is written as "&amp;".
const ENTITY_START = /&(?=#?[a-z0-9]+;)/gi;
// "{" opening a Liquid tag or output, a Hugo shortcode, or a kramdown extension or attribute list.
const TEMPLATE_OPEN = /\{(?=[{%:])/g;

/**
 * Escapes that plain text needs on top of Markdown's own (turndown's): no "<" that could open an HTML
 * tag or comment, no "&" that could start an entity, no "$$" (kramdown math), and no "{" that a
 * renderer could read: "{{" and "{%" open with the entity "&#123;" (Liquid and Hugo run before
 * Markdown, so a backslash would not stop them), every other "{" gets a backslash. Without it,
 * "## Title {#id .class}" in a story's text gave its heading an id and class in Hugo (goldmark's
 * heading attributes, on by default) and kramdown, and lost the text; "{.class}" on a line of its own
 * did the same to a paragraph where block attributes are on.
 */
export function inertMarkdownText(text: string): string {
  if (!/[<&${]/.test(text)) return text;
  const escaped = text
    .replace(ENTITY_START, '&amp;')
    .replace(/</g, '\\<')
    .replace(/\$(?=\$)/g, '\\$');
  return escaped.replace(/\{/g, (_brace, offset: number) =>
    escaped[offset + 1] === '{' || escaped[offset + 1] === '%' ? '&#123;' : '\\{',
  );
}

/**
 * A Markdown document with Liquid, Hugo shortcode and kramdown extension
 * delimiters broken: "{{" and "{%" open with the entity "&#123;" (every Markdown renderer prints "{",
 * neither Liquid nor Hugo sees a tag), "{:" with a backslash (kramdown prints "{"). Idempotent. Inside
 * code spans the entity shows as typed: a code span cannot escape anything, and a live template in
 * it would be worse. Exported for `syndicate pull`, which writes partners' site trees.
 */
export function inertTemplateSyntax(markdown: string): string {
  if (!markdown.includes('{')) return markdown;
  return markdown.replace(TEMPLATE_OPEN, (_match, offset: number) => {
    if (markdown[offset + 1] !== ':') return '&#123;';
    return escapedByBackslash(markdown, offset) ? '{' : '\\{';
  });
}

/** True when an odd number of backslashes stands before `offset` (the character there is escaped). */
function escapedByBackslash(text: string, offset: number): boolean {
  let count = 0;
  while (offset - count - 1 >= 0 && text[offset - count - 1] === '\\') count++;
  return count % 2 === 1;
}
