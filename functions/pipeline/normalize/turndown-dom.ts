// A minimal DOM for turndown, built straight from cleaned content. turndown otherwise serializes
// nothing but parses its input string again with domino, which costs more than everything else
// in extraction. Only what turndown and its GFM plugin read is here; the tree is single-use.
import type { CleanNode } from './clean-body.js';
import { escapeKeptHtml } from '../text/markup-escape.js';
import { pushReversed } from '../parse/push-reversed.js';

const VOID = new Set(['IMG', 'BR', 'HR']);

abstract class LightNode {
  parentNode: LightElement | null = null;
  // Sibling links kept by appendChild/removeChild: turndown walks siblings constantly, and a
  // search of the parent's children each time would make a long body quadratic.
  nextSibling: LightNode | null = null;
  previousSibling: LightNode | null = null;
  // turndown stores its own per-node facts on the nodes it visits.
  isBlock?: boolean;
  isCode?: boolean;
  isBlank?: boolean;
  flankingWhitespace?: { leading: string; trailing: string };
  abstract readonly nodeType: number;
  abstract readonly nodeName: string;
  abstract get textContent(): string;
}

/** Counts text edits in a tree, so elements can cache their text until it changes. */
interface TextVersion {
  edits: number;
}

class LightText extends LightNode {
  readonly nodeType = 3;
  readonly nodeName = '#text';
  constructor(
    private text: string,
    private readonly version: TextVersion,
  ) {
    super();
  }
  get data(): string {
    return this.text;
  }
  set data(value: string) {
    if (value !== this.text) this.version.edits++;
    this.text = value;
  }
  get nodeValue(): string {
    return this.data;
  }
  set nodeValue(value: string) {
    this.data = value;
  }
  get textContent(): string {
    return this.data;
  }
  cloneNode(): LightText {
    return new LightText(this.text, this.version);
  }
}

export class LightElement extends LightNode {
  readonly nodeType = 1;
  readonly nodeName: string;
  readonly childNodes: LightNode[] = [];
  readonly style = { textAlign: '' };
  private textCache?: { edits: number; text: string };

  constructor(
    name: string,
    readonly attributes: Record<string, string>,
    protected readonly version: TextVersion,
  ) {
    super();
    this.nodeName = name.toUpperCase();
  }

  get tagName(): string {
    return this.nodeName;
  }
  get className(): string {
    return this.attributes.class ?? '';
  }
  get classList(): { contains(name: string): boolean } {
    const names = this.className.split(/\s+/);
    return { contains: (name) => names.includes(name) };
  }
  get firstChild(): LightNode | null {
    return this.childNodes[0] ?? null;
  }
  get lastChild(): LightNode | null {
    return this.childNodes.at(-1) ?? null;
  }
  get firstElementChild(): LightElement | null {
    return this.children[0] ?? null;
  }
  get lastElementChild(): LightElement | null {
    return this.children.at(-1) ?? null;
  }
  get children(): LightElement[] {
    return this.childNodes.filter((child): child is LightElement => child instanceof LightElement);
  }
  /** turndown asks every node for its text, often more than once: cached until the tree's text or shape changes. */
  get textContent(): string {
    if (this.textCache?.edits === this.version.edits) return this.textCache.text;
    let text = '';
    for (const child of this.childNodes) text += child.textContent;
    this.textCache = { edits: this.version.edits, text };
    return text;
  }
  private rowCache?: LightElement[];
  /** Table rows, as HTMLTableElement.rows: in the table itself and in its sections. Rows never
   * change during a conversion (only text is collapsed), so they are found once. */
  get rows(): LightElement[] | undefined {
    if (this.nodeName !== 'TABLE') return undefined;
    this.rowCache ??= this.children.flatMap((child) =>
      child.nodeName === 'TR'
        ? [child]
        : ['THEAD', 'TBODY', 'TFOOT'].includes(child.nodeName)
          ? child.children.filter((row) => row.nodeName === 'TR')
          : [],
    );
    return this.rowCache;
  }
  get cells(): LightElement[] | undefined {
    return this.nodeName === 'TR'
      ? this.children.filter((cell) => cell.nodeName === 'TD' || cell.nodeName === 'TH')
      : undefined;
  }
  get outerHTML(): string {
    const attributes = Object.entries(this.attributes)
      .map(([name, value]) => ` ${name}="${escapeKeptHtml(value)}"`)
      .join('');
    const name = this.nodeName.toLowerCase();
    if (VOID.has(this.nodeName)) return `<${name}${attributes}>`;
    const inner = this.childNodes
      .map((child) => (child instanceof LightElement ? child.outerHTML : escapeKeptHtml((child as LightText).data)))
      .join('');
    return `<${name}${attributes}>${inner}</${name}>`;
  }

  getAttribute(name: string): string | null {
    return this.attributes[name] ?? null;
  }
  hasAttribute(name: string): boolean {
    return name in this.attributes;
  }
  getElementsByTagName(name: string): LightElement[] {
    const wanted = name.toUpperCase();
    const found: LightElement[] = [];
    const stack: LightElement[] = [...this.children].reverse();
    for (let element = stack.pop(); element !== undefined; element = stack.pop()) {
      if (wanted === '*' || element.nodeName === wanted) found.push(element);
      const children = element.children;
      pushReversed(stack, children);
    }
    return found;
  }
  /** Only plain tag-name selectors are needed (the GFM plugin asks for a table's caption). */
  querySelector(selector: string): LightElement | null {
    return /^[a-z][a-z0-9]*$/i.test(selector) ? (this.getElementsByTagName(selector)[0] ?? null) : null;
  }
  appendChild(child: LightNode): LightNode {
    this.version.edits++;
    const last = this.childNodes.at(-1) ?? null;
    child.parentNode = this;
    child.previousSibling = last;
    child.nextSibling = null;
    if (last) last.nextSibling = child;
    this.childNodes.push(child);
    return child;
  }
  removeChild(child: LightNode): LightNode {
    this.version.edits++;
    const index = this.childNodes.indexOf(child);
    if (index >= 0) this.childNodes.splice(index, 1);
    if (child.previousSibling) child.previousSibling.nextSibling = child.nextSibling;
    if (child.nextSibling) child.nextSibling.previousSibling = child.previousSibling;
    child.parentNode = child.previousSibling = child.nextSibling = null;
    return child;
  }
  cloneNode(deep = false): LightElement {
    const copy = new LightElement(this.nodeName, { ...this.attributes }, this.version);
    if (deep)
      for (const child of this.childNodes) copy.appendChild((child as LightElement | LightText).cloneNode(true));
    return copy;
  }
}

/** The root handed to turndown. Built for one conversion, so turndown may work on it in place. */
class LightRoot extends LightElement {
  override cloneNode(): LightElement {
    return this;
  }
}

// Children pushed in reverse (by index: no copy per node) so they pop in document order.
function pushChildren(stack: [LightElement, CleanNode][], parent: LightElement, children: readonly CleanNode[]): void {
  for (let i = children.length - 1; i >= 0; i--) {
    const child = children[i];
    if (child !== undefined) stack.push([parent, child]);
  }
}

export function toTurndownDom(nodes: CleanNode[]): LightElement {
  const version: TextVersion = { edits: 0 };
  const root = new LightRoot('x-turndown', {}, version);
  // Built without recursion, in document order (each parent's children appended left to right).
  const stack: [LightElement, CleanNode][] = [];
  pushChildren(stack, root, nodes);
  for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
    const [parent, node] = entry;
    if (typeof node === 'string') {
      parent.appendChild(new LightText(node, version));
      continue;
    }
    const element = new LightElement(node.tag, node.attrs ? { ...node.attrs } : {}, version);
    parent.appendChild(element);
    pushChildren(stack, element, node.children);
  }
  return root;
}
