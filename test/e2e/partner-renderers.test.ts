// The hostile story's Markdown file dropped into a partner's site as it is, built by the real static
// site generators (Debian's jekyll 4.3 with kramdown, hugo 0.111 with goldmark and raw HTML on): the
// build succeeds (no Liquid include or shortcode runs), the page shows the text the ILO page showed,
// and it holds no element or attribute that runs script.
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { DomUtils, parseDocument } from 'htmlparser2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_ID, type HostileOutputs, ingestHostileStory } from '#test/helpers/hostile-story.js';
import { scriptVectors, visibleText } from '#test/helpers/html-safety.js';
import { hasClient, requireClient } from '#test/helpers/real-clients.js';
import { tempDir } from '#test/helpers/temp-dir.js';

const run = promisify(execFile);
const HAS_JEKYLL = requireClient('jekyll', hasClient('jekyll'));
const HAS_HUGO = requireClient('hugo', hasClient('hugo', ['version']));

// What the ILO page showed, character for character; the rendered page must show it too.
const SHOWN = [
  'such as <script>alert(1)</script> and <img src=x onerror=alert(2)> and <a href="javascript:alert(3)">click</a>, which',
  '{% include footer.html %}, {{ site.title }}, {%- raw -%}, {{< youtube abc >}} and {{% notice %}}',
  'kramdown {::nomarkdown}<b>raw</b>{:/} with {: onclick="alert(4)"} and $$x$$.',
  'Entities stayed text: AT&T, &lt;b&gt; and &#60;i&#62;.',
  'A pilot lets workers send reports that look like <img src=x onerror=alert(7)> and {% include lead.html %} and {{< lead >}} to labour inspectors.',
];

// Links as the ILO page had them (percent-encoded where Markdown renderers disagree), one in a table cell.
const LINKS = [
  'https://en.wikipedia.org/wiki/Labour_inspection_%28ILO%29',
  'mailto:inspect@ilo.org?subject=a%29b',
  'https://www.ilo.org/forms?region=a%7Cb',
];

/** What story text must not become in a rendered page: ids, classes, links it did not have. */
function storyTextKeptAsText(html: string): void {
  const doc = parseDocument(html);
  const elements = DomUtils.findAll(() => true, doc.children);
  expect(
    elements
      .filter((element) => element.attribs.id === 'evil' || /\bhidden\b/.test(element.attribs.class ?? ''))
      .map((element) => element.name),
  ).toEqual([]);
  const text = shownText(html);
  expect(text).toContain('Reports by region {#evil .hidden}');
  expect(text).toContain('{.hidden}');
  expect(text).toContain('See labour inspection (ILO) and write to us.');
  const hrefs = elements.filter((element) => element.name === 'a').map((element) => element.attribs.href);
  for (const link of LINKS) expect(hrefs).toContain(link);
  const formsCell = elements.find((element) => element.name === 'td' && DomUtils.textContent(element) === 'Forms');
  expect(formsCell && DomUtils.findOne((element) => element.name === 'a', formsCell.children)?.attribs.href).toBe(
    LINKS[2],
  );
}

/** Visible text with typographic quotes made straight again (kramdown and goldmark curl them). */
function shownText(html: string): string {
  return visibleText(html)
    .replace(/[\u201C\u201D]/g, '"')
    .replace(/[\u2018\u2019]/g, "'");
}

let out: HostileOutputs;
let work: { dir: string; cleanup: () => Promise<void> };

beforeAll(async () => {
  out = await ingestHostileStory();
  work = await tempDir('partner-renderers-');
});
afterAll(async () => {
  await work?.cleanup();
});

describe.runIf(HAS_JEKYLL)('Jekyll (kramdown, Liquid over the body)', () => {
  it('builds the story as a post with no Liquid run and no script in the page', async () => {
    const site = path.join(work.dir, 'jekyll');
    await mkdir(path.join(site, '_posts'), { recursive: true });
    await mkdir(path.join(site, '_layouts'), { recursive: true });
    await writeFile(
      path.join(site, '_config.yml'),
      'title: Partner site\ndefaults:\n  - scope: {path: ""}\n    values: {layout: story}\n',
    );
    // As themes do: plain-text front matter escaped, the summary rendered as Markdown.
    await writeFile(
      path.join(site, '_layouts/story.html'),
      '<html><head><title>{{ page.title | escape }}</title></head><body><h1>{{ page.title | escape }}</h1>' +
        '<div class="lead">{{ page.summary | markdownify }}</div><p>{{ page.description | escape }}</p>{{ content }}</body></html>\n',
    );
    await writeFile(path.join(site, `_posts/2025-10-14-${HOSTILE_ID}.md`), out.markdownFile);

    await run('jekyll', ['build', '--quiet', '--source', site, '--destination', path.join(site, '_site')], {
      timeout: 120_000,
    });

    const html = await readFile(path.join(site, `_site/2025/10/14/${HOSTILE_ID}.html`), 'utf8');
    expect(scriptVectors(html)).toEqual([]);
    const text = shownText(html);
    for (const shown of SHOWN) expect(text).toContain(shown);
    expect(text).toContain(
      'Workers report unsafe conditions through online forms <script>alert("title")</script> {{ site.title }}',
    );
    expect(text).not.toContain('Partner site'); // {{ site.title }} never printed the site's title
    storyTextKeptAsText(html);
  });
});

describe.runIf(HAS_HUGO)('Hugo (goldmark with unsafe = true, shortcodes)', () => {
  it('builds the story with no shortcode run and no script in the page', async () => {
    const site = path.join(work.dir, 'hugo');
    await mkdir(path.join(site, 'content/news', HOSTILE_ID), { recursive: true });
    await mkdir(path.join(site, 'layouts/_default'), { recursive: true });
    // Raw HTML on, and attributes on blocks as well as on headings (headings have them by default).
    await writeFile(
      path.join(site, 'config.toml'),
      'baseURL = "https://partner.example/"\ntitle = "Partner site"\n[markup.goldmark.renderer]\nunsafe = true\n[markup.goldmark.parser.attribute]\nblock = true\ntitle = true\n',
    );
    await writeFile(
      path.join(site, 'layouts/_default/single.html'),
      '<html><head><title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1><div class="lead">{{ .Summary }}</div><p>{{ .Description }}</p>{{ .Content }}</body></html>\n',
    );
    await writeFile(
      path.join(site, 'layouts/_default/list.html'),
      '<html><body>{{ range .Pages }}{{ .Title }}{{ end }}</body></html>\n',
    );
    await writeFile(path.join(site, 'content/news', HOSTILE_ID, 'index.md'), out.markdownFile);

    await run('hugo', ['--quiet', '--source', site, '--destination', path.join(site, 'public')], { timeout: 120_000 });

    const html = await readFile(path.join(site, 'public/news', HOSTILE_ID, 'index.html'), 'utf8');
    expect(scriptVectors(html)).toEqual([]);
    const text = shownText(html);
    for (const shown of SHOWN) expect(text).toContain(shown);
    storyTextKeptAsText(html);
  });
});
