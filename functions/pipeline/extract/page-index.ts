// One walk over a parsed page that indexes its elements by class and by tag, so the extractor
// looks things up instead of running a selector over the whole document again and again.
// Like CSS selectors (and browsers), it does not look inside <template>; the language menu,
// which keeps its links there, opens its template explicitly.
import { type AnyNode, type Document, type Element, isTag, isText } from '../parse/html-dom.js';

/** The "Content also available in:" line, in the languages it is printed in. */
const ALSO_AVAILABLE =
  /content also available in|also available in|内容还有以下语言版本|本内容还有|其他语言版本|该内容还有|内容亦提供/i;

export interface PageIndex {
  doc: Document;
  /** Elements carrying the class, in document order (the design-system classes in INDEXED_CLASSES). */
  byClass(name: string): Element[];
  /** Elements with the tag name, in document order (the tags in INDEXED_TAGS). */
  byTag(name: string): Element[];
  /** Elements whose own text is the "Content also available in" label. */
  alsoAvailableLabels: Element[];
  /** How deep elements nest in the page (outside templates, scripts and styles). */
  maxDepth: number;
}

const NONE: Element[] = [];

// Only what the extractor looks up is indexed: a page has thousands of elements and classes.
const INDEXED_TAGS = new Set([
  'html',
  'body',
  'title',
  'meta',
  'link',
  'script',
  'h1',
  'time',
  'figure',
  'main',
  'article',
]);
const INDEXED_CLASSES = new Set([
  'ilo--hero-card',
  'ilo--hero-card--title',
  'ilo--hero-card--intro',
  'ilo--hero-card--datecopy',
  'ilo--hero-card--date',
  'ilo--hero',
  'ilo--hero--title',
  'ilo--hero--intro',
  'ilo--hero--datecopy',
  'hero',
  'ilo--richtext',
  'ilo--tags',
  'ilo--tag-set',
  'ilo--language-toggle',
  'language-switcher',
  'language-switcher-language-url',
]);

export function indexPage(doc: Document): PageIndex {
  const classes = new Map<string, Element[]>();
  const tags = new Map<string, Element[]>();
  const alsoAvailableLabels: Element[] = [];
  const push = (map: Map<string, Element[]>, key: string, element: Element) => {
    const list = map.get(key);
    if (list) list.push(element);
    else map.set(key, [element]);
  };
  const stack: AnyNode[] = [...doc.children].reverse();
  const depths: number[] = stack.map(() => 1);
  let maxDepth = 0;
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    const depth = depths.pop() ?? 1; // one depth beside each node on the stack
    if (isTag(node)) {
      if (depth > maxDepth) maxDepth = depth;
      if (INDEXED_TAGS.has(node.name)) push(tags, node.name, node);
      const classAttribute = node.attribs.class;
      if (classAttribute) {
        for (const name of classAttribute.split(' ')) if (INDEXED_CLASSES.has(name)) push(classes, name, node);
      }
      if (node.name === 'template' || node.name === 'script' || node.name === 'style') continue;
      // By index, not over a reversed copy: this walk visits every node of the page.
      for (let i = node.children.length - 1; i >= 0; i--) {
        const child = node.children[i];
        if (child === undefined) continue;
        stack.push(child);
        depths.push(depth + 1);
      }
    } else if (isText(node)) {
      const text = node.data;
      // A cheap look first: the regular expression runs on few text nodes.
      if (
        text.length < 300 &&
        (text.includes('vailable') || text.includes('内容') || text.includes('版本')) &&
        ALSO_AVAILABLE.test(text)
      ) {
        if (node.parent && isTag(node.parent)) alsoAvailableLabels.push(node.parent);
      }
    }
  }
  return {
    doc,
    byClass: (name) => classes.get(name) ?? NONE,
    byTag: (name) => tags.get(name) ?? NONE,
    alsoAvailableLabels,
    maxDepth,
  };
}

/** The first element under `root` with the class (root itself excluded). */
export function firstWithin(index: PageIndex, root: Element | undefined, className: string): Element | undefined {
  const candidates = index.byClass(className);
  if (!root) return candidates[0];
  return candidates.find((element) => isInside(element, root));
}

function isInside(element: Element, ancestor: Element): boolean {
  for (let parent = element.parent; parent; parent = parent.parent) if (parent === ancestor) return true;
  return false;
}
