// What a rendered page must not contain: an element or attribute that runs script. Checked on a real
// parse of the HTML (htmlparser2), not with regular expressions over it.
import { type AnyNode, isTag } from 'domhandler';
import { parseDocument } from 'htmlparser2';

// Elements Markdown itself produces (and a page layout around it): nothing else may appear.
const MARKDOWN_ELEMENTS = new Set([
  'html',
  'head',
  'body',
  'title',
  'meta',
  'link',
  'main',
  'article',
  'header',
  'section',
  'div',
  'span',
  'h1',
  'p',
  'br',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'ul',
  'ol',
  'li',
  'blockquote',
  'em',
  'strong',
  'a',
  'img',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'pre',
  'code',
  'hr',
  's',
  'del',
  'sup',
  'sub',
  'figure',
  'figcaption',
  'nav',
  'time',
]);
// Browsers drop ASCII whitespace and control characters anywhere in a URL's scheme ("java\tscript:").
const SCRIPT_URL = /^(javascript|vbscript|data|livescript):/i;
// biome-ignore lint/suspicious/noControlCharactersInRegex: browsers drop these control characters, so the check drops them too
const schemeOf = (url: string) => url.replace(/[\u0000-\u0020\u007F]/g, '');

/** Every element or attribute in `html` that could run script (empty when there is none). */
export function scriptVectors(html: string): string[] {
  const found: string[] = [];
  const visit = (node: AnyNode) => {
    if (isTag(node)) {
      if (!MARKDOWN_ELEMENTS.has(node.name)) found.push(`<${node.name}>`);
      for (const [name, value] of Object.entries(node.attribs)) {
        if (/^on/i.test(name) || name === 'style' || name === 'srcdoc' || name === 'formaction')
          found.push(`<${node.name} ${name}>`);
        if (
          ['href', 'src', 'action', 'formaction', 'xlink:href', 'poster', 'background'].includes(name) &&
          SCRIPT_URL.test(schemeOf(value))
        )
          found.push(`<${node.name} ${name}="${value}">`);
      }
    }
    if ('children' in node) for (const child of node.children) visit(child);
  };
  visit(parseDocument(html));
  return found;
}

/** The visible text of an HTML fragment (entities decoded), whitespace collapsed. */
export function visibleText(html: string): string {
  const parts: string[] = [];
  const visit = (node: AnyNode) => {
    if (node.type === 'text') parts.push((node as unknown as { data: string }).data);
    if (isTag(node) && (node.name === 'script' || node.name === 'style')) return;
    if (isTag(node) && node.name === 'img') parts.push(` [img ${node.attribs.alt ?? ''}] `);
    if ('children' in node) for (const child of node.children) visit(child);
    if (isTag(node) && /^(p|td|th|li|h\d|br)$/.test(node.name)) parts.push(' ');
  };
  visit(parseDocument(html, { decodeEntities: true }));
  return parts.join('').replace(/\s+/g, ' ').trim();
}
