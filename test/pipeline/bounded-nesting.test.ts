// Nesting bounded before the DOM is built: htmlparser2's parser costs time in proportion to the
// depth for every start tag, so a page nesting 1.3 million elements (8 MB) did not finish parsing in
// 15 minutes. Asserted here by the depth of the DOM built (never by a time): at most MAX_PARSE_DEPTH,
// with every word of the page still there, and pages within the bound parsed exactly as they were.
import { type AnyNode, isTag } from 'domhandler';
import { parseDocument } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { MAX_PARSE_DEPTH, boundNesting } from '#pipeline/parse/bounded-nesting.js';
import { extractArticle } from '#pipeline/extract/extract-article.js';
import { parseHtml, parseXml, textOf } from '#pipeline/parse/html-dom.js';
import { STORY, canonical, replicaPage } from '#test/helpers/replica.js';

/** The deepest chain of elements in a DOM (counted without recursion). */
function depthOf(root: AnyNode): number {
  let deepest = 0;
  const stack: [AnyNode, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    const here = isTag(node) ? depth + 1 : depth;
    deepest = Math.max(deepest, here);
    if ('children' in node) for (const child of node.children) stack.push([child, here]);
  }
  return deepest;
}

const DEEP = 50_000;

describe('a page nesting 50,000 elements', () => {
  it.each([
    ['unclosed <span>', `${'<span>'.repeat(DEEP)}the deepest words`],
    ['closed <div>', `${'<div>'.repeat(DEEP)}the deepest words${'</div>'.repeat(DEEP)}`],
    ['self-closed <div/> (HTML keeps them open)', `${'<div/>'.repeat(DEEP)}the deepest words`],
  ])('%s: the DOM is at most MAX_PARSE_DEPTH deep and keeps the text', (_, body) => {
    const doc = parseHtml(`<!DOCTYPE html><html><body><p>First words.</p>${body}</body></html>`);
    expect(depthOf(doc)).toBeLessThanOrEqual(MAX_PARSE_DEPTH + 1);
    expect(textOf(doc)).toContain('First words.');
    expect(textOf(doc)).toContain('the deepest words');
  });

  it('in a sitemap: the XML DOM is bounded too, and the document still parses', () => {
    const doc = parseXml(
      `<?xml version="1.0"?><urlset>${'<x>'.repeat(DEEP)}<loc>https://www.ilo.org/a</loc>${'</x>'.repeat(DEEP)}</urlset>`,
    );
    expect(depthOf(doc)).toBeLessThanOrEqual(MAX_PARSE_DEPTH + 1);
    expect(textOf(doc)).toBe('https://www.ilo.org/a');
  });

  it('in the body of a story: the story is extracted with its title and the deepest text', async () => {
    const page = replicaPage(STORY.seedEn).replace(
      '<div class="ilo--richtext">',
      `<div class="ilo--richtext"><p>${'<span>'.repeat(DEEP)}Deep inside the page.</p>`,
    );
    const article = await extractArticle(page, { url: canonical(STORY.seedEn), lang: 'en' });
    expect(article.title).toContain('ILO partners with Microsoft');
    expect(article.markdown).toContain('Deep inside the page.');
  });
});

describe('boundNesting', () => {
  it('returns a page within the bound as it is (the same string: no copy, no second parse)', () => {
    const page = replicaPage(STORY.seedEn);
    expect(boundNesting(page, { xmlMode: false })).toBe(page);
  });

  it('follows the parser: implied closes, void elements and raw text do not count as depth', () => {
    const within = (html: string, maxDepth: number) =>
      expect(boundNesting(html, { xmlMode: false, maxDepth })).toBe(html);
    within('<p>a<p>b<p>c<p>d<p>e<p>f', 2);
    within('<ul><li>a<li>b<li>c<li>d</ul><table><tr><td>a<td>b<tr><td>c<td>d</table>', 4);
    within('<div><br><br><img><img><input><hr><br><br><br>x</div>', 1);
    within('<div><script><b><b><b><b><b><b></script><style><i><i><i><i></style></div>', 2);
  });

  it('replaces start tags beyond the bound with a space, and leaves out end tags that close nothing', () => {
    expect(boundNesting('<div><div><div><div>x</div></div></div></div>', { xmlMode: false, maxDepth: 2 })).toBe(
      '<div><div> x</div></div> ',
    );
    // A run of tags cut one after the other is one space, not one space each.
    expect(boundNesting(`${'<b>'.repeat(10)}x`, { xmlMode: false, maxDepth: 2 })).toBe('<b><b> x');
    expect(boundNesting('<b>x</b><i>y</i></i  ></span></b>z</p>', { xmlMode: false, maxDepth: 1 })).toBe(
      '<b>x</b><i>y</i> z</p>',
    );
    expect(boundNesting('<a><b><c/><c/></b></a>', { xmlMode: true, maxDepth: 1 })).toBe('<a> <c/><c/> </a>'); // a self-closed XML element opens nothing
  });

  it('gives the parser the same tree it built before, for a page that needed no bound', () => {
    const page = replicaPage(STORY.tableZh);
    const forced = boundNesting(page, { xmlMode: false, maxDepth: 1_000 });
    expect(forced).toBe(page);
    expect(parseDocument(forced).children.length).toBe(parseDocument(page).children.length);
  });
});
