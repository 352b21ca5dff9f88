// Serializes cleaned content back to HTML (for turndown, and for anyone who wants the clean body).
import { escapeXml, escapeXmlAttribute } from '#pipeline/text/markup-escape.js';
import type { CleanNode } from '#pipeline/normalize/clean-body.js';

const VOID = new Set(['img', 'br', 'hr']);

export function toHtml(nodes: CleanNode[]): string {
  let out = '';
  const write = (node: CleanNode): void => {
    if (typeof node === 'string') {
      out += escapeXml(node);
      return;
    }
    out += `<${node.tag}`;
    for (const [name, value] of Object.entries(node.attrs ?? {})) out += ` ${name}="${escapeXmlAttribute(value)}"`;
    out += '>';
    if (VOID.has(node.tag)) return;
    node.children.forEach(write);
    out += `</${node.tag}>`;
  };
  nodes.forEach(write);
  return out;
}
