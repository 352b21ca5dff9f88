// turndown works on our light DOM (no second HTML parse). Its output must be exactly what turndown
// gives for the same HTML parsed by a full DOM implementation (domino, turndown's own parser).
import domino from '@mixmark-io/domino';
import { describe, expect, it } from 'vitest';
import { parseHtml } from '#pipeline/parse/html-dom.js';
import { indexPage } from '#pipeline/extract/page-index.js';
import { alsoAvailableBlocks } from '#pipeline/extract/translation-links.js';
import { cleanBody } from '#pipeline/normalize/clean-body.js';
import { toHtml } from '#test/helpers/clean-html.js';
import { turndownRaw } from '#test/helpers/turndown-raw.js';
import { toTurndownDom } from '#pipeline/normalize/turndown-dom.js';
import { STORY, canonical, replicaPage } from '#test/helpers/replica.js';

function both(html: string, pageUrl = 'https://www.ilo.org/resource/news/x') {
  const index = indexPage(parseHtml(html));
  const roots = index.byClass('ilo--richtext').length > 0 ? index.byClass('ilo--richtext') : index.byTag('body');
  const nodes = cleanBody(roots, { pageUrl, skip: new Set(alsoAvailableBlocks(index)) });
  const reference = domino
    .createDocument(`<x-turndown id="turndown-root">${toHtml(nodes)}</x-turndown>`)
    .getElementById('turndown-root');
  return { light: turndownRaw(toTurndownDom(nodes)), reference: turndownRaw(reference!) };
}

describe('turndown on the light DOM', () => {
  it.each(Object.entries(STORY))('matches turndown on a full DOM for the replica page %s', (_, pathname) => {
    const { light, reference } = both(replicaPage(pathname), canonical(pathname));
    expect(light.length).toBeGreaterThan(200);
    expect(light).toBe(reference);
  });

  it.each([
    ['nested lists', '<ul><li>a<ul><li>b</li><li>c<ol start="3"><li>d</li></ol></li></ul></li><li>e</li></ul>'],
    ['inline whitespace', '<p>  one <em> two </em><strong>three</strong>  <a href="/x"> four </a>\n five </p>'],
    [
      'tables',
      '<table><caption>Cap</caption><tr><th>A</th><th>B</th></tr><tr><td>1 | 2</td><td><em>x</em></td></tr></table><table><tr><td>only</td></tr></table>',
    ],
    ['quotes and breaks', '<blockquote><p>q1<br>q2</p><p>q3</p></blockquote><p>a<br><br>b</p>'],
    ['Markdown characters in text', '<p>1. not a list * star _under_ [brackets] # hash `tick` &lt;tag&gt; \\ back</p>'],
    ['code', '<pre><code>let x = 1;\n  y();</code></pre><p>inline <code>a*b</code></p>'],
    [
      'images and figures',
      '<figure><img src="/a.webp" alt="A"><figcaption>Cap</figcaption></figure><p>x <img src="/b.png" alt=""> y</p>',
    ],
    ['empty and blank elements', '<p></p><p> </p><p><em></em>text<strong> </strong></p><h2></h2><hr>'],
    [
      'CJK text',
      '<p>国际劳工组织（ILO）于2024年11月5日举办了<strong>网络研讨会</strong>。</p><ul><li>第一</li><li>第二</li></ul>',
    ],
  ])('matches turndown on a full DOM for %s', (_, body) => {
    const { light, reference } = both(`<div class="ilo--richtext">${body}</div>`);
    expect(light).toBe(reference);
  });
});
