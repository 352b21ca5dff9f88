// A light DOM for pages: htmlparser2 builds it (fast, forgiving, no browser emulation) and
// css-select queries it. Every extractor works on these nodes.
import { compile, selectAll, selectOne } from 'css-select';
import { type AnyNode, type Document, type Element, isTag, isText } from 'domhandler';
import { parseDocument } from 'htmlparser2';
import { boundNesting } from './bounded-nesting.js';
import { pushReversed } from './push-reversed.js';

export type { AnyNode, Document, Element } from 'domhandler';
export { isTag, isText } from 'domhandler';

/** The DOM of a page, nested at most MAX_PARSE_DEPTH deep (bounded-nesting.ts says why). */
export function parseHtml(html: string): Document {
  return parseDocument(boundNesting(html, { xmlMode: false }), {
    lowerCaseTags: true,
    lowerCaseAttributeNames: true,
    decodeEntities: true,
  });
}

export function parseXml(xml: string): Document {
  return parseDocument(boundNesting(xml, { xmlMode: true }), { xmlMode: true, decodeEntities: true });
}

type Query = ReturnType<typeof compile<AnyNode, Element>>;
const compiled = new Map<string, Query>();

/** A CSS selector compiled once and reused: pages are many, selectors are few. */
function query(selector: string): Query {
  let q = compiled.get(selector);
  if (!q) {
    q = compile<AnyNode, Element>(selector);
    compiled.set(selector, q);
  }
  return q;
}

export function all(selector: string, root: AnyNode | AnyNode[]): Element[] {
  return selectAll<AnyNode, Element>(query(selector), root);
}

export function first(selector: string, root: AnyNode | AnyNode[]): Element | undefined {
  return selectOne<AnyNode, Element>(query(selector), root) ?? undefined;
}

export function attr(element: Element | undefined, name: string): string | undefined {
  const value = element?.attribs[name];
  return value === undefined ? undefined : value.trim();
}

/** The text of a subtree as one collapsed line; script, style and template content excluded. */
export function textOf(node: AnyNode | undefined): string {
  if (!node) return '';
  const parts: string[] = [];
  collectText(node, parts);
  return parts
    .join('')
    .replace(/[\s\u00A0]+/g, ' ')
    .trim();
}

const NO_TEXT = new Set(['script', 'style', 'noscript', 'template']);
// Elements whose edges separate words, so "<p>a</p><p>b</p>" reads "a b", not "ab".
const BLOCKS = new Set([
  'p',
  'div',
  'br',
  'li',
  'ul',
  'ol',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'td',
  'th',
  'tr',
  'section',
  'article',
  'header',
  'footer',
  'figure',
  'figcaption',
  'blockquote',
  'time',
  'dd',
  'dt',
]);

/** Without recursion: a page may nest elements thousands deep. `null` marks a block's edge. */
function collectText(root: AnyNode, parts: string[]): void {
  const stack: (AnyNode | null)[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === undefined) break;
    if (node === null) {
      parts.push(' ');
    } else if (isText(node)) {
      parts.push(node.data);
    } else if (isTag(node)) {
      if (NO_TEXT.has(node.name)) continue;
      const block = BLOCKS.has(node.name);
      if (block) parts.push(' ');
      if (block) stack.push(null);
      pushReversed(stack, node.children);
    } else if ('children' in node) {
      pushReversed(stack, node.children);
    }
  }
}
