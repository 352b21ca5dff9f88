// Markdown that stays text: the hostile story through the whole pipeline, rendered with markdown-it
// with raw HTML on (what a partner's renderer may do), must show every character the page showed and
// produce no element or attribute that runs script; template syntax, bidi controls and tracking
// pixels do not survive. Jekyll's and Hugo's own renderers: test/e2e/partner-renderers.test.ts.
import MarkdownIt from 'markdown-it';
import { beforeAll, describe, expect, it } from 'vitest';
import { inertMarkdownText, inertTemplateSyntax } from '#pipeline/normalize/inert-markdown.js';
import { escapeMarkdownText } from '#pipeline/normalize/markdown.js';
import { cleanLine, cleanText } from '#pipeline/text/clean-text.js';
import { type HostileOutputs, ingestHostileStory } from '#test/helpers/hostile-story.js';
import { scriptVectors, visibleText } from '#test/helpers/html-safety.js';

const withHtml = new MarkdownIt({ html: true, linkify: true });

describe('inert Markdown text', () => {
  it('keeps "<", entities, "$$" and template syntax as characters', () => {
    expect(inertMarkdownText('<script>')).toBe('\\<script>');
    expect(inertMarkdownText('AT&T &lt;b&gt; &#60;')).toBe('AT&T &amp;lt;b&amp;gt; &amp;#60;');
    expect(inertMarkdownText('{{ site.x }} {% include a %} {{< sc >}} {::nomarkdown} {: a} {x} {#id .class}')).toBe(
      '&#123;\\{ site.x }} &#123;% include a %} &#123;\\{\\< sc >}} \\{::nomarkdown} \\{: a} \\{x} \\{#id .class}',
    );
    expect(inertMarkdownText('$$x$$ costs $5')).toBe('\\$$x\\$$ costs $5');
  });

  it('renders back to exactly the text in a CommonMark renderer with HTML on', () => {
    const text =
      'a <script>alert(1)</script> & &lt; {{ x }} {% y %} {{< z >}} {::nomarkdown} {: k=v} $$m$$ *not em* [not](link)';
    const html = withHtml.renderInline(escapeMarkdownText(text));
    expect(scriptVectors(html)).toEqual([]);
    expect(visibleText(html)).toBe(text);
  });

  it('breaks template syntax in a whole document idempotently, and only once per backslash parity', () => {
    const once = inertTemplateSyntax('`{{ code }}` {% x %} \\{: kept} \\\\{: escaped backslash}');
    expect(once).toBe('`&#123;{ code }}` &#123;% x %} \\{: kept} \\\\\\{: escaped backslash}');
    expect(inertTemplateSyntax(once)).toBe(once);
  });
});

describe('the check itself (test/helpers/html-safety.ts)', () => {
  it('finds script URLs as a browser reads them: entities decoded, whitespace and control characters in the scheme dropped', () => {
    for (const html of [
      '<a href="java&#9;script:x">a</a>',
      '<a href=" &#106;avascript:x">a</a>',
      '<img src="DATA:image/svg+xml,x">',
      '<a href="&#1;vbscript:x">a</a>',
    ]) {
      expect(scriptVectors(html), html).not.toEqual([]);
    }
    expect(scriptVectors('<a href="https://www.ilo.org/javascript:x">a</a>')).toEqual([]);
  });
});

describe('text hygiene', () => {
  it('removes bidi overrides and isolates, and turns U+2028/U+2029 into line breaks', () => {
    expect(cleanText('a\u202Eexe.txt\u202C b\u2066c\u2069')).toBe('aexe.txt bc');
    expect(cleanText('one\u2028two\u2029three')).toBe('one\ntwo\nthree');
    expect(cleanLine('one\u2028two')).toBe('one two');
  });
});

describe('the hostile story as partners get it', () => {
  let out: HostileOutputs;
  beforeAll(async () => {
    out = await ingestHostileStory();
  });

  it.each([
    ['the Markdown file body', () => out.body],
    ["the export's markdown", () => out.exported.markdown.en!],
  ])('%s renders with raw HTML on to no script, and shows the text the page showed', (_, markdownOf) => {
    const html = withHtml.render(markdownOf());
    expect(scriptVectors(html)).toEqual([]);
    const text = visibleText(html);
    expect(text).toContain(
      'such as <script>alert(1)</script> and <img src=x onerror=alert(2)> and <a href="javascript:alert(3)">click</a>, which',
    );
    expect(text).toContain(
      '{% include footer.html %}, {{ site.title }}, {%- raw -%}, {{< youtube abc >}} and {{% notice %}}',
    );
    expect(text).toContain('kramdown {::nomarkdown}<b>raw</b>{:/} with {: onclick="alert(4)"} and $$x$$.');
    expect(text).toContain('Entities stayed text: AT&T, &lt;b&gt; and &#60;i&#62;.');
    expect(text).toContain(
      'A pilot lets workers send reports that look like <img src=x onerror=alert(7)> and {% include lead.html %} and {{< lead >}} to labour inspectors.',
    );
  });

  it('drops images from hosts other than the ILO, keeps the ILO image with its alt text as text', () => {
    expect(out.markdownFile).not.toContain('tracker.example');
    expect(out.exported.markdown.en).not.toContain('tracker.example');
    const html = withHtml.render(out.body);
    expect(html).toContain('src="https://www.ilo.org/sites/default/files/2025-06/inspection-form.webp"');
    expect(visibleText(html)).toContain('[img Form <svg onload=alert(5)> ](javascript:alert(6))]');
  });

  it('removes U+202E, U+2028 and U+2029 from every output', () => {
    for (const text of [out.markdownFile, JSON.stringify(out.exported)])
      expect(text).not.toMatch(/[\u202A-\u202E\u2066-\u2069\u2028\u2029]/);
    expect(visibleText(withHtml.render(out.body))).toContain('The formgpj.exe was one name and another line.');
  });

  it('writes a <br> inside a table cell as a space, never as a literal "<br>"', () => {
    const html = withHtml.render(out.body);
    expect(html).toMatch(/<td>Asia Pacific<\/td>\s*<td>1,204 reports<\/td>/);
    expect(html).toMatch(/<td>Africa North<\/td>\s*<td>968<\/td>/);
    expect(visibleText(html)).not.toContain('<br>');
  });

  it('keeps Liquid out of code too (shown with the entity: a code span cannot escape anything)', () => {
    expect(out.body).toContain('`&#123;{ site.secret }} <b>`');
  });

  it('front matter: plain text title and description; summary as Markdown that stays text (Hugo renders it)', () => {
    expect(out.frontMatter.title).toBe(
      'Workers report unsafe conditions through online forms <script>alert("title")</script> {{ site.title }}',
    );
    expect(out.frontMatter.title).toBe(out.exported.title.en);
    const lead =
      'A pilot lets workers send reports that look like <img src=x onerror=alert(7)> and {% include lead.html %} and {{< lead >}} to labour inspectors.';
    expect(out.frontMatter.description).toBe(lead);
    const summaryHtml = withHtml.render(out.frontMatter.summary as string);
    expect(scriptVectors(summaryHtml)).toEqual([]);
    expect(visibleText(summaryHtml)).toBe(lead);
  });
});
