import { describe, expect, it } from 'vitest';
import { parseHtml } from '#pipeline/parse/html-dom.js';
import { indexPage } from '#pipeline/extract/page-index.js';
import { alsoAvailableBlocks } from '#pipeline/extract/translation-links.js';
import { cleanBody } from '#pipeline/normalize/clean-body.js';
import { toHtml } from '#test/helpers/clean-html.js';
import { toMarkdown } from '#pipeline/normalize/markdown.js';

const context = { pageUrl: 'https://www.ilo.org/resource/news/story', mirrorOrigin: 'http://127.0.0.1:9999' };

function clean(html: string) {
  const index = indexPage(parseHtml(`<div class="ilo--richtext">${html}</div>`));
  const nodes = cleanBody(index.byClass('ilo--richtext'), { ...context, skip: new Set(alsoAvailableBlocks(index)) });
  return { html: toHtml(nodes), markdown: toMarkdown(nodes) };
}

describe('cleanBody: nothing executable or hostile survives', () => {
  it('drops scripts, styles, forms and event handlers, keeping the words around them', () => {
    const { html, markdown } = clean(
      '<p onclick="steal()" style="color:red">Hello <script>alert("x")</script><b onmouseover="x()">world</b></p>' +
        '<style>p{}</style><form action="/x"><input name="q"><button>Go</button></form><noscript>Enable JS</noscript>',
    );
    expect(html).toBe('<p>Hello <b>world</b></p>');
    expect(markdown).toBe('Hello **world**');
  });

  it('unwraps javascript:, data: and vbscript: links and drops data: images', () => {
    const { html } = clean(
      '<p><a href="javascript:alert(1)">one</a> <a href=" JaVaScRiPt:alert(1)">two</a> <a href="data:text/html,x">three</a>' +
        ' <a href="vbscript:x">four</a> <img src="data:image/png;base64,AAAA" alt="x"></p>',
    );
    expect(html).toBe('<p>one two three four </p>');
  });

  it('turns iframes into links and never keeps one', () => {
    const { html } = clean(
      '<iframe src="https://www.youtube.com/embed/abcDEF12345" title="A film"></iframe><iframe src="https://evil.example/x"></iframe><iframe src="javascript:x"></iframe>',
    );
    expect(html).toBe(
      '<p><a href="https://www.youtube.com/watch?v=abcDEF12345">Video: A film</a></p><p><a href="https://evil.example/x">Video</a></p>',
    );
  });

  it('links the video a Drupal oEmbed frame names, not the frame', () => {
    const { html } = clean(
      '<iframe src="/media/oembed?url=https%3A//www.youtube.com/watch%3Fv%3DabcDEF12345&amp;max_width=0" title="Voices"></iframe>' +
        '<iframe src="/media/oembed?url=javascript:alert(1)"></iframe>',
    );
    expect(html).toBe(
      '<p><a href="https://www.youtube.com/watch?v=abcDEF12345">Video: Voices</a></p><p><a href="https://www.ilo.org/media/oembed?url=javascript:alert(1)">Video</a></p>',
    );
  });

  it('makes relative and mirror links canonical, keeps mailto, escapes text', () => {
    const { html } = clean(
      '<p><a href="../topics">a</a> <a href="http://127.0.0.1:9999/resource/news/x?y=1&amp;z=2">b</a> <a href="mailto:newsroom@ilo.org">c</a> 1 &lt; 2 &amp; 3</p>',
    );
    expect(html).toBe(
      '<p><a href="https://www.ilo.org/resource/topics">a</a> <a href="https://www.ilo.org/resource/news/x?y=1&amp;z=2">b</a> <a href="mailto:newsroom@ilo.org">c</a> 1 &lt; 2 &amp; 3</p>',
    );
  });

  it('removes chrome components and hidden elements found inside the body', () => {
    const { markdown } = clean(
      '<p>Story text.</p><div class="ilo--social-media"><a href="https://facebook.com">Facebook</a></div>' +
        '<ul class="ilo--tags"><li><a href="/t">Tag</a></li></ul><div class="ilo--card"><a class="ilo--card--link" href="/x">Card</a></div>' +
        '<p hidden>Hidden</p><span aria-hidden="true">Icon</span><span class="visually-hidden">(opens in a new tab)</span>' +
        '<p>Content also available in: <a href="/zh-hans/x">中文</a></p>',
    );
    expect(markdown).toBe('Story text.');
  });

  it('promotes the first row of a table without a header', () => {
    const { markdown } = clean('<table><tr><td>A</td><td>B</td></tr><tr><td>1</td><td>2</td></tr></table>');
    // The GFM plugin pads short cells; the padding is not part of the table.
    expect(markdown.replace(/ +\|/g, ' |')).toBe('| A | B |\n| --- | --- |\n| 1 | 2 |');
  });

  it('removes empty paragraphs and keeps hard line breaks', () => {
    const { markdown } = clean('<p>&nbsp;</p><p></p><p>Line one<br>Line two</p>');
    expect(markdown).toBe('Line one\\\nLine two');
  });
});
