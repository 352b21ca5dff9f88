// Turns the body of a page into clean content: an allowlist of elements and attributes, every URL
// absolute on https://www.ilo.org, page chrome and anything executable gone. This is the one place
// that decides what of a page's body is content; Markdown and HTML outputs are made from its result.
import { canonicalUrl, isIloUrl } from '../site/ilo-urls.js';
import { cleanLine, cleanText } from '../text/clean-text.js';
import { type AnyNode, type Element, all, attr, isTag, isText, textOf } from '../parse/html-dom.js';
import { pushReversed } from '../parse/push-reversed.js';

/** A cleaned element: only allowed tags and attributes remain. Strings are text. */
export type CleanNode = string | CleanElement;
export interface CleanElement {
  tag: string;
  attrs?: Record<string, string>;
  children: CleanNode[];
}

export interface CleanContext {
  /** Canonical URL of the page, the base for relative links. */
  pageUrl: string;
  mirrorOrigin?: string;
  /** For the generic fallback: header, footer and aside regions are chrome there. */
  dropLandmarks?: boolean;
  /** Elements known to be chrome inside the body (the "Content also available in" line). */
  skip?: ReadonlySet<Element>;
}

const LANDMARKS = new Set(['header', 'footer', 'aside']);

// Kept as they are (with their allowed attributes).
const KEEP = new Set([
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
  'q',
  'em',
  'i',
  'strong',
  'b',
  'a',
  'img',
  'figure',
  'figcaption',
  'table',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'th',
  'td',
  'caption',
  'pre',
  'code',
  'hr',
  'sup',
  'sub',
  's',
  'del',
  'dl',
  'dt',
  'dd',
  'cite',
  'abbr',
]);
// Renamed on the way: the page title is the only h1, so an h1 in a body is a section heading.
const RENAME: Record<string, string> = { h1: 'h2', strike: 's', tt: 'code' };
// Dropped with everything inside: not content, or not safe.
const DROP = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'form',
  'button',
  'input',
  'select',
  'textarea',
  'label',
  'nav',
  'svg',
  'canvas',
  'object',
  'embed',
  'link',
  'meta',
  'head',
  'title',
  'dialog',
  'menu',
  'audio',
  'source',
  'track',
  'map',
  'area',
  'frame',
  'frameset',
  'applet',
  'base',
  'math',
]);
// Design-system components and Drupal blocks that are page chrome wherever they appear.
const CHROME_CLASS =
  /(^|\s)(ilo--(breadcrumb|social-?media|share|tags?|card|cardgroup|language-toggle|notification|pagination|localnav|navigation|nav|footer|header|readmore|contextmenu|search|tooltip|modal|tableofcontents)\b[\w-]*|visually-hidden|sr-only|element-invisible|eu-cookie[\w-]*|(cookie|share|social|related|breadcrumb|print-link)(-[\w-]+)?)(\s|$)/i;
const ALLOWED_SCHEMES = new Set(['http:', 'https:', 'mailto:']);

/**
 * Limits that hold whatever the page: elements nested deeper than `maxDepth` are flattened to their
 * text (a body of 10,000 nested elements overflowed the stack of every recursive step after this
 * one: cleaning, turndown, text extraction), and cleaning stops once the content would make about
 * `maxSize` characters of Markdown (text, plus link targets and a little per element), so a 5-8 MB
 * page costs no more than a long story downstream. docs/ARCHITECTURE.md, "Limits".
 */
export interface BodyLimits {
  maxDepth: number;
  maxSize: number;
}

export const BODY_LIMITS: BodyLimits = { maxDepth: 64, maxSize: 256 * 1024 };

export interface CleanedBody {
  nodes: CleanNode[];
  /** Cleaning stopped at `maxSize`: the page holds more than the nodes. */
  cut: boolean;
  /** Some content was nested deeper than `maxDepth` and was kept as plain text. */
  flattened: boolean;
}

interface Walk {
  context: CleanContext;
  limits: BodyLimits;
  size: number;
  cut: boolean;
  flattened: boolean;
}

/** Cleans the given body roots (in document order) into content nodes. */
export function cleanBody(roots: Element[], context: CleanContext): CleanNode[] {
  return cleanBodyWithin(roots, context).nodes;
}

/** cleanBody, saying whether the limits cut or flattened anything. */
export function cleanBodyWithin(
  roots: Element[],
  context: CleanContext,
  limits: BodyLimits = BODY_LIMITS,
): CleanedBody {
  const walk: Walk = { context, limits, size: 0, cut: false, flattened: false };
  const nodes: CleanNode[] = [];
  for (const root of roots) appendAll(nodes, cleanChildren(root, walk, 1));
  return { nodes: tidy(nodes), cut: walk.cut, flattened: walk.flattened };
}

function cleanChildren(parent: Element, walk: Walk, depth: number): CleanNode[] {
  const out: CleanNode[] = [];
  for (const child of parent.children) {
    if (walk.cut) break;
    appendAll(out, cleanNode(child, walk, depth));
  }
  return out;
}

/** push(...items) without spreading: a spread of a very long array overflows the stack too. */
function appendAll<T>(target: T[], items: T[]): void {
  for (const item of items) target.push(item);
}

/** Counts `size` against the budget; false (and the walk marked cut) when it does not fit. */
function spend(walk: Walk, size: number): boolean {
  if (walk.size + size > walk.limits.maxSize) {
    walk.cut = true;
    return false;
  }
  walk.size += size;
  return true;
}

/** As much of a text as the budget allows, cut at a space where there is one. */
function budgetedText(data: string, walk: Walk): string {
  const left = walk.limits.maxSize - walk.size;
  if (data.length <= left) {
    walk.size += data.length;
    return data;
  }
  walk.cut = true;
  const cut = data.slice(0, Math.max(0, left));
  const space = cut.lastIndexOf(' ');
  walk.size = walk.limits.maxSize;
  return space > left / 2 ? cut.slice(0, space) : cut;
}

// Elements whose edges separate words when a subtree is flattened to text.
const FLAT_BLOCKS = new Set([
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
  'blockquote',
  'figure',
  'figcaption',
  'dd',
  'dt',
  'table',
  'pre',
]);

/** The text of a subtree, without recursion, skipping what cleaning would drop. */
function flattenedText(root: Element, walk: Walk): CleanNode[] {
  walk.flattened = true;
  const parts: string[] = [];
  const stack: (AnyNode | null)[] = [root];
  while (stack.length > 0 && !walk.cut) {
    const node = stack.pop();
    if (node === null) {
      parts.push(' ');
      continue;
    }
    if (node === undefined) break;
    if (isText(node)) {
      parts.push(budgetedText(node.data, walk));
      continue;
    }
    if (!isTag(node)) continue;
    const name = RENAME[node.name] ?? node.name;
    if (DROP.has(name) || isHidden(node) || isChrome(node) || walk.context.skip?.has(node)) continue;
    if (walk.context.dropLandmarks && LANDMARKS.has(name)) continue;
    const block = FLAT_BLOCKS.has(name);
    if (block) stack.push(null);
    pushReversed(stack, node.children);
    if (block) stack.push(null);
  }
  const text = cleanText(parts.join('')).replace(/\s+/g, ' ');
  return text.trim() === '' ? [] : [{ tag: 'p', children: [text.trim()] }];
}

function cleanNode(node: AnyNode, walk: Walk, depth: number): CleanNode[] {
  const { context } = walk;
  if (isText(node)) return node.data === '' ? [] : [cleanText(budgetedText(node.data, walk))];
  if (!isTag(node)) return [];
  const name = RENAME[node.name] ?? node.name;
  if (DROP.has(name) || isHidden(node) || isChrome(node)) return [];
  if (context.dropLandmarks && LANDMARKS.has(name)) return [];
  if (!spend(walk, 8)) return [];
  if (name === 'iframe' || name === 'video') return embedAsLink(node, context);
  if (name === 'figure') return cleanFigure(node, walk, depth);
  if (name === 'img') return cleanImage(node, context);
  if (context.skip?.has(node)) return [];
  if (depth >= walk.limits.maxDepth) return flattenedText(node, walk);

  const children = cleanChildren(node, walk, depth + 1);
  if (name === 'a') {
    const href = safeUrl(attr(node, 'href'), context);
    if (!href || !spend(walk, href.length)) return children; // javascript:, data:, or no href: keep the words, drop the link
    return [{ tag: 'a', attrs: { href }, children }];
  }
  if (!KEEP.has(name)) return children; // div, span, section, font, unknown: keep what is inside
  const attrs: Record<string, string> = {};
  const colspan = attr(node, 'colspan');
  if ((name === 'td' || name === 'th') && colspan !== undefined && /^\d+$/.test(colspan)) attrs.colspan = colspan;
  const start = attr(node, 'start');
  if (name === 'ol' && start !== undefined && /^\d+$/.test(start)) attrs.start = start;
  if (name === 'table') return [normalizeTable({ tag: 'table', children })];
  return [{ tag: name, ...(Object.keys(attrs).length > 0 ? { attrs } : {}), children }];
}

function isHidden(element: Element): boolean {
  return (
    'hidden' in element.attribs ||
    attr(element, 'aria-hidden') === 'true' ||
    /display\s*:\s*none/i.test(attr(element, 'style') ?? '')
  );
}

function isChrome(element: Element): boolean {
  const classes = element.attribs.class;
  return classes !== undefined && CHROME_CLASS.test(classes);
}

/** An http(s)/mailto URL made absolute and canonical, or undefined when it is not safe to keep. */
function safeUrl(raw: string | undefined, context: CleanContext): string | undefined {
  if (!raw) return undefined;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: browsers drop control characters and spaces from a URL's scheme, so we do before checking it
  const trimmed = raw.replace(/[\u0000-\u0020]+/g, '');
  if (trimmed === '') return undefined;
  if (/^mailto:/i.test(trimmed)) return trimmed;
  const url = canonicalUrl(raw, context.pageUrl, context.mirrorOrigin);
  if (!url) return undefined;
  return ALLOWED_SCHEMES.has(new URL(url).protocol) ? url : undefined;
}

/**
 * An image URL worth keeping: http(s) on the ILO's own hosts. Images from anywhere else (tracking
 * pixels, third-party widgets) would make every reader of our outputs call that host.
 */
export function safeImageUrl(raw: string | undefined, context: CleanContext): string | undefined {
  const url = safeUrl(raw, context);
  return url && !url.startsWith('mailto:') && isIloUrl(url) ? url : undefined;
}

function imageSource(img: Element, context: CleanContext): string | undefined {
  const srcset = attr(img, 'srcset') ?? attr(img, 'data-srcset');
  const candidates = [attr(img, 'src'), attr(img, 'data-src'), srcset?.split(',')[0]?.trim().split(/\s+/)[0]];
  for (const candidate of candidates) {
    const url = safeImageUrl(candidate, context);
    if (url) return url;
  }
  return undefined;
}

function cleanImage(img: Element, context: CleanContext): CleanNode[] {
  const src = imageSource(img, context);
  if (!src) return [];
  const alt = cleanLine(attr(img, 'alt') ?? '');
  return [{ tag: 'img', attrs: { src, alt }, children: [] }];
}

/**
 * A figure: the image, then one caption line with the credit printed once (the design system prints
 * each credit twice, in a tooltip and in a label).
 */
function cleanFigure(figure: Element, walk: Walk, depth: number): CleanNode[] {
  const { context } = walk;
  const images = all('img', figure).flatMap((img) => cleanImage(img, context));
  if (images.length === 0) {
    return cleanChildren(figure, walk, depth + 1);
  }
  const caption = cleanLine(textOf(all('figcaption', figure).find((c) => !isCreditElement(c))));
  const credit = figureCredit(figure);
  const captionWithoutCredit = credit ? cleanLine(caption.split(credit).join(' ')) : caption;
  const line = [captionWithoutCredit, credit].filter((part) => part && part.length > 0).join(' ');
  const result: CleanNode[] = [{ tag: 'figure', children: images }];
  if (line !== '') result.push({ tag: 'p', children: [{ tag: 'em', children: [line] }] });
  return result;
}

function isCreditElement(element: Element): boolean {
  return /credit|copyright|tooltip/i.test(element.attribs.class ?? '');
}

/** The image credit, once: the first credit-like text, or a "©" line, found in the figure. */
export function figureCredit(figure: Element): string | undefined {
  const credits = all('[class*="credit" i], [class*="copyright" i], [class*="tooltip" i]', figure)
    .map((element) => cleanLine(textOf(element)))
    .filter((text) => text !== '');
  // A wrapper and its label both match; the shortest text is the credit itself.
  const shortest = credits.sort((a, b) => a.length - b.length)[0];
  if (shortest) return shortest;
  const copyright = /©[^\n]*/.exec(textOf(figure));
  return copyright ? cleanLine(copyright[0]) : undefined;
}

const VIDEO_HOSTS: Record<string, (url: URL) => string | undefined> = {
  // Already a watch page (as Drupal's oEmbed names them): keep it.
  'youtu.be': (url) => `https://www.youtube.com/watch?v=${url.pathname.slice(1)}`,
  'www.youtube.com': youtubeWatchUrl,
  'youtube.com': youtubeWatchUrl,
  'www.youtube-nocookie.com': youtubeWatchUrl,
  'youtube-nocookie.com': youtubeWatchUrl,
  'player.vimeo.com': (url) => {
    const id = /\/video\/(\d+)/.exec(url.pathname)?.[1];
    return id ? `https://vimeo.com/${id}` : undefined;
  },
};

function youtubeWatchUrl(url: URL): string | undefined {
  const id =
    /\/embed\/([\w-]{6,})/.exec(url.pathname)?.[1] ?? (url.pathname === '/watch' ? url.searchParams.get('v') : null);
  return id ? `https://www.youtube.com/watch?v=${id}` : undefined;
}

/** An embedded video or frame becomes a plain link to what it shows. */
function embedAsLink(element: Element, context: CleanContext): CleanNode[] {
  const source = attr(element, 'src') ?? attr(element, 'data-src') ?? attr(all('source[src]', element)[0], 'src');
  const url = safeUrl(source, context);
  if (!url || url.startsWith('mailto:')) return [];
  let parsed = new URL(url);
  // Drupal embeds remote video through its own oEmbed page: link the video it names, not the wrapper.
  const oembedTarget = parsed.pathname.endsWith('/media/oembed')
    ? safeUrl(parsed.searchParams.get('url') ?? undefined, context)
    : undefined;
  if (oembedTarget && !oembedTarget.startsWith('mailto:')) parsed = new URL(oembedTarget);
  const watch = VIDEO_HOSTS[parsed.hostname]?.(parsed) ?? parsed.toString();
  const title = cleanLine(attr(element, 'title') ?? attr(element, 'aria-label') ?? '');
  const label = title !== '' ? `Video: ${title}` : 'Video';
  return [{ tag: 'p', children: [{ tag: 'a', attrs: { href: watch }, children: [label] }] }];
}

/** GFM tables need a header row: promote the first row when a table has none. */
function normalizeTable(table: CleanElement): CleanElement {
  const rows: CleanElement[] = [];
  const captions: CleanNode[] = [];
  const collect = (nodes: CleanNode[]) => {
    for (const node of nodes) {
      if (typeof node === 'string') continue;
      if (node.tag === 'tr') rows.push(node);
      else if (node.tag === 'caption') captions.push(node);
      else if (node.tag === 'thead' || node.tag === 'tbody' || node.tag === 'tfoot') collect(node.children);
    }
  };
  collect(table.children);
  const [head, ...body] = rows.map(inlineRow);
  if (!head) return { tag: 'table', children: [] };
  const headRow: CleanElement = {
    tag: 'tr',
    children: head.children.map((cell) => (typeof cell === 'string' ? cell : { ...cell, tag: 'th' })),
  };
  return {
    tag: 'table',
    children: [...captions, { tag: 'thead', children: [headRow] }, { tag: 'tbody', children: body }],
  };
}

// A GFM table cell is one line: a line break or paragraph in it has no Markdown form (the GFM
// converter wrote "<br>", raw HTML that came out as a literal "&lt;br&gt;" after escaping).
const CELL_BREAKS = new Set(['br', 'p']);

function inlineRow(row: CleanElement): CleanElement {
  return {
    ...row,
    children: row.children.map((cell) =>
      typeof cell === 'string' ? cell : { ...cell, children: inlineCell(cell.children) },
    ),
  };
}

function inlineCell(nodes: CleanNode[]): CleanNode[] {
  const out: CleanNode[] = [];
  for (const node of nodes) {
    if (typeof node === 'string') out.push(node);
    else if (node.tag === 'br') out.push(' ');
    else if (CELL_BREAKS.has(node.tag)) out.push(' ', ...inlineCell(node.children), ' ');
    else out.push({ ...node, children: inlineCell(node.children) });
  }
  return out;
}

const KEEP_WHEN_EMPTY = new Set(['img', 'br', 'hr', 'td', 'th', 'tr']);

/** Removes elements left without content (empty paragraphs, links without text, etc.), in place. */
function tidy(nodes: CleanNode[]): CleanNode[] {
  let kept = 0;
  for (const node of nodes) {
    if (typeof node !== 'string') {
      tidy(node.children);
      if (!KEEP_WHEN_EMPTY.has(node.tag) && !hasContent(node)) continue;
    }
    nodes[kept++] = node;
  }
  nodes.length = kept;
  return nodes;
}

function hasContent(node: CleanNode): boolean {
  if (typeof node === 'string') return node.trim() !== '';
  if (node.tag === 'img' || node.tag === 'hr') return true;
  return node.children.some(hasContent);
}

/**
 * The text of cleaned content, for language checks and "is there any text": the text nodes joined
 * with a space at element edges. Whitespace is left as it is: a regular expression over a long body
 * would copy it again, and no caller needs it collapsed.
 */
export function plainTextOf(nodes: CleanNode[]): string {
  const parts: string[] = [];
  // Iterative: cleaned content is depth-limited, but nothing here should depend on that.
  const stack: CleanNode[] = [...nodes].reverse();
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (typeof node === 'string') parts.push(node);
    else {
      parts.push(' ');
      pushReversed(stack, node.children);
    }
  }
  return parts.join('');
}

/** True when cleaned content holds any visible text. */
export function hasText(text: string): boolean {
  return /\S/.test(text);
}
