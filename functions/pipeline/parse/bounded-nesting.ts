// Nesting bounded before a DOM is built (docs/ARCHITECTURE.md, "Limits"). htmlparser2 keeps its open
// elements in an array it grows and shrinks at the front (unshift/shift), so every start tag costs
// time in proportion to the depth so far: an 8 MB page of 1.3 million unclosed <span> did not finish
// parsing in 15 minutes (320,000 took 75 s), which a Lambda retries until its queue gives up. Here a
// linear pass of htmlparser2's own tokenizer follows the open elements as its parser would (void
// elements, the start tags that close an open <p>, <li>, <td>..., end tags that close what is above
// them) and replaces each start tag that would open an element deeper than the bound with a space:
// the text stays, and everything that deep is flattened to text by cleaning anyway. It also leaves
// out what the parser would only search its whole stack for and then ignore: an end tag that closes
// nothing, and a <form> inside a form.
import { Tokenizer, type TokenizerCallbacks } from 'htmlparser2';

/** Deeper than any page needs (cleaning keeps 64 levels); the parser is quick up to well beyond it. */
export const MAX_PARSE_DEPTH = 16_384;

/** `source` with start tags beyond `maxDepth` open elements replaced by a space (one for a run of them), and end tags that close nothing left out; `source` itself when there is nothing to change. */
export function boundNesting(source: string, options: { xmlMode: boolean; maxDepth?: number }): string {
  const maxDepth = options.maxDepth ?? MAX_PARSE_DEPTH;
  // No document can nest deeper than it has start tags: nearly every page is returned here.
  if (countStartTags(source, maxDepth + 1) <= maxDepth) return source;
  // [from, to) spans of the source to replace by a space.
  const cuts: [number, number][] = [];
  const stack: string[] = [];
  // How many elements of each name are open: an end tag that closes nothing is found without a search.
  const openCount = new Map<string, number>();
  let tagStart = 0;
  let tagName = '';
  const name = (start: number, end: number) =>
    options.xmlMode ? source.slice(start, end) : source.slice(start, end).toLowerCase();
  const pop = () => {
    const element = stack.pop();
    if (element !== undefined) openCount.set(element, (openCount.get(element) ?? 1) - 1);
  };
  const open = (end: number, selfClosed: boolean) => {
    const element = tagName;
    if (!options.xmlMode) {
      if (element === 'form' && (openCount.get('form') ?? 0) > 0) {
        cuts.push([tagStart, end + 1]); // ignored by the parser, after a search of its stack
        return;
      }
      const closes = OPEN_IMPLIES_CLOSE.get(element);
      for (let top = stack.at(-1); closes && top !== undefined && closes.has(top); top = stack.at(-1)) pop();
      if (VOID_ELEMENTS.has(element)) return;
    } else if (selfClosed) {
      return;
    }
    // A self-closed HTML element stays open (outside SVG and MathML): counted as open, which can only
    // overestimate the depth, never let a page past the bound.
    if (stack.length >= maxDepth) {
      cuts.push([tagStart, end + 1]);
      return;
    }
    stack.push(element);
    openCount.set(element, (openCount.get(element) ?? 0) + 1);
  };
  const callbacks: TokenizerCallbacks = {
    onopentagname(start, end) {
      tagStart = start - 1;
      tagName = name(start, end);
    },
    onopentagend: (end) => open(end, false),
    onselfclosingtag: (end) => open(end, true),
    onclosetag(start, end) {
      const element = name(start, end);
      if (!options.xmlMode && VOID_ELEMENTS.has(element)) return;
      if ((openCount.get(element) ?? 0) === 0) {
        // (Not </p>: with no <p> open the parser makes an empty paragraph of it.)
        if (options.xmlMode || element !== 'p')
          cuts.push([source.lastIndexOf('<', start), source.indexOf('>', end) + 1 || source.length]);
        return;
      }
      // Every element above the one closed is closed with it: the search costs no more than the pushes did.
      while (stack.length > 0 && stack[stack.length - 1] !== element) pop();
      pop();
    },
    ...IGNORED_TOKENS,
  };
  const tokenizer = new Tokenizer({ xmlMode: options.xmlMode, decodeEntities: false }, callbacks);
  tokenizer.write(source);
  tokenizer.end();
  return cuts.length === 0 ? source : applyCuts(source, cuts);
}

/** The tokens the depth does not depend on. */
const IGNORED_TOKENS: Omit<TokenizerCallbacks, 'onopentagname' | 'onopentagend' | 'onselfclosingtag' | 'onclosetag'> = {
  onattribdata() {},
  onattribentity() {},
  onattribend() {},
  onattribname() {},
  oncdata() {},
  oncomment() {},
  ondeclaration() {},
  onend() {},
  onprocessinginstruction() {},
  ontext() {},
  ontextentity() {},
};

/** `source` with each [from, to) span of `cuts` (in order) replaced by a space. */
function applyCuts(source: string, cuts: [number, number][]): string {
  const parts: string[] = [];
  let from = 0;
  for (const [i, [start, end]] of cuts.entries()) {
    // One space for a run of tags cut one after the other (a million of them must not become a
    // million spaces: cleaning counts text, spaces too, against a story's size).
    if (start !== from || i === 0) parts.push(source.slice(from, start), ' ');
    from = end;
  }
  parts.push(source.slice(from));
  return parts.join('');
}

/** Start tags ("<" and a letter) in `source`, counted up to `limit`. */
function countStartTags(source: string, limit: number): number {
  let count = 0;
  for (let at = source.indexOf('<'); at !== -1 && count < limit; at = source.indexOf('<', at + 1)) {
    const next = source.charCodeAt(at + 1) | 0x20;
    if (next >= 0x61 && next <= 0x7a) count++;
  }
  return count;
}

// htmlparser2's own rules (its Parser.js), which it does not export.
const VOID_ELEMENTS = new Set([
  'area',
  'base',
  'basefont',
  'br',
  'col',
  'command',
  'embed',
  'frame',
  'hr',
  'img',
  'input',
  'isindex',
  'keygen',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
]);
const P = new Set(['p']);
const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p']);
const FORM_CONTROLS = new Set(['input', 'option', 'optgroup', 'select', 'button', 'datalist', 'textarea']);
const TABLE_SECTIONS = new Set(['thead', 'tbody']);
const DD_DT = new Set(['dd', 'dt']);
const RT_RP = new Set(['rt', 'rp']);
const OPEN_IMPLIES_CLOSE = new Map<string, Set<string>>([
  ['tr', new Set(['tr', 'th', 'td'])],
  ['th', new Set(['th'])],
  ['td', new Set(['thead', 'th', 'td'])],
  ['body', new Set(['head', 'link', 'script'])],
  ['a', new Set(['a'])],
  ['li', new Set(['li'])],
  ['p', P],
  ['h1', HEADINGS],
  ['h2', HEADINGS],
  ['h3', HEADINGS],
  ['h4', HEADINGS],
  ['h5', HEADINGS],
  ['h6', HEADINGS],
  ['select', FORM_CONTROLS],
  ['input', FORM_CONTROLS],
  ['output', FORM_CONTROLS],
  ['button', FORM_CONTROLS],
  ['datalist', FORM_CONTROLS],
  ['textarea', FORM_CONTROLS],
  ['option', new Set(['option'])],
  ['optgroup', new Set(['optgroup', 'option'])],
  ['dd', DD_DT],
  ['dt', DD_DT],
  ...[
    'address',
    'article',
    'aside',
    'blockquote',
    'details',
    'div',
    'dl',
    'fieldset',
    'figcaption',
    'figure',
    'footer',
    'form',
    'header',
    'hr',
    'main',
    'nav',
    'ol',
    'pre',
    'section',
    'table',
    'ul',
  ].map((tag): [string, Set<string>] => [tag, P]),
  ['rt', RT_RP],
  ['rp', RT_RP],
  ['tbody', TABLE_SECTIONS],
  ['tfoot', TABLE_SECTIONS],
]);
