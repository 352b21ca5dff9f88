import { parseFeed } from '@rowanmanning/feed-parser';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ArticleSummary } from '#pipeline/record/export-article.js';
import { summarize } from '#pipeline/record/export-article.js';
import { buildFeedChannel, withContent } from '#pipeline/publish/feeds/feed-model.js';
import { renderAtom } from '#pipeline/publish/feeds/atom.js';
import { renderJsonFeed } from '#pipeline/publish/feeds/json-feed.js';
import { renderRss } from '#pipeline/publish/feeds/rss.js';
import { record } from '#test/helpers/articles.js';
import { validateJsonFeed11 } from '#test/helpers/json-feed-rules.js';
import { findAll, parseStrictXml } from '#test/helpers/strict-xml.js';

const settings = {
  publicUrl: 'https://feeds.example.org',
  contentMode: 'full' as const,
  generator: 'ilo-syndication test',
};

function summaryWith(title: string, body: string, id = 'test-story'): { summary: ArticleSummary; body: string } {
  const r = record({
    id,
    title: { en: title, zh: `中文 ${title}` },
    summary: { en: `Lead: ${title}`, zh: '导语' },
    topics: [{ slug: 'safety-health', label: { en: 'Safety & health <at work>', zh: '安全与卫生' } }],
    image: {
      url: 'https://www.ilo.org/sites/default/files/2024-11/photo.webp?itok=a&b=1',
      alt: { en: 'A photo' },
      credit: '© ILO',
    },
  });
  return { summary: summarize(r, settings.publicUrl), body };
}

function channelFor(
  items: { summary: ArticleSummary; body: string }[],
  lang: 'en' | 'zh' = 'en',
  contentMode: 'full' | 'summary' = 'full',
) {
  const entries = items.map((item) => withContent(item.summary, { en: item.body, zh: item.body }));
  return buildFeedChannel({ lang }, entries, { ...settings, contentMode });
}

const TRICKY = 'AI <and> work & "Safety" ]]> it’s 国际劳工组织 👷';

describe('RSS 2.0', () => {
  const item = summaryWith(
    TRICKY,
    `Body with ]]> and <script>alert(1)</script> and [a link](javascript:alert(1)) and **bold**.`,
  );
  const xml = renderRss(channelFor([item]));

  it('is well-formed XML and carries the channel essentials', () => {
    const rss = parseStrictXml(xml);
    expect(rss.name).toBe('rss');
    const channel = rss.children[0]!;
    const text = (name: string) => channel.children.find((c) => c.name === name)?.text;
    expect(text('language')).toBe('en');
    expect(text('copyright')).toBe('© International Labour Organization');
    const self = findAll(channel, 'atom:link')[0]!;
    expect(self.attributes).toMatchObject({
      rel: 'self',
      href: 'https://feeds.example.org/feeds/en/rss.xml',
      type: 'application/rss+xml',
    });
  });

  it('shows the exact title, a permalink guid, RFC 822 dates and categories in a feed parser', () => {
    const feed = parseFeed(xml);
    const entry = feed.items[0]!;
    expect(entry.title).toBe(TRICKY);
    expect(entry.id).toBe('https://www.ilo.org/resource/news/test-story');
    expect(entry.url).toBe('https://www.ilo.org/resource/news/test-story');
    expect(xml).toContain('<guid isPermaLink="true">https://www.ilo.org/resource/news/test-story</guid>');
    expect(xml).toMatch(/<pubDate>Tue, 12 Nov 2024 12:00:00 GMT<\/pubDate>/);
    expect(entry.categories.map((c) => c.label ?? c.term)).toEqual(['Safety & health <at work>']);
  });

  it('puts the lead image at the top of the item, with its alt text (also as title) and credit, and no enclosure', () => {
    const content = findAll(parseStrictXml(xml), 'content:encoded')[0]!.text;
    expect(
      content.startsWith(
        '<figure><p><img src="https://www.ilo.org/sites/default/files/2024-11/photo.webp?itok=a&amp;b=1" alt="A photo" title="A photo" /></p><figcaption>© ILO</figcaption></figure>',
      ),
    ).toBe(true);
    // RSS requires an enclosure's length, which is unknown without fetching the image.
    expect(xml).not.toContain('<enclosure');
    // In a Chinese item with no Chinese alt, the English alt is marked as English.
    const zh = findAll(parseStrictXml(renderRss(channelFor([item], 'zh'))), 'content:encoded')[0]!.text;
    expect(zh).toContain('alt="A photo" title="A photo" lang="en"');
  });

  it('gives body images their alt text as title too (text readers show the title)', () => {
    const withImage = renderRss(
      channelFor([
        summaryWith(
          'Pictured',
          'Text.\n\n![Two apprentices welding](https://www.ilo.org/sites/default/files/b.webp)\n\n![](https://www.ilo.org/sites/default/files/c.webp)',
        ),
      ]),
    );
    const content = findAll(parseStrictXml(withImage), 'content:encoded')[0]!.text;
    expect(content).toContain(
      '<img src="https://www.ilo.org/sites/default/files/b.webp" alt="Two apprentices welding" title="Two apprentices welding" />',
    );
    expect(content).toContain('<img src="https://www.ilo.org/sites/default/files/c.webp" alt="" />');
  });

  it('carries sanitized full content: no script element, no javascript: link', () => {
    const entry = parseFeed(xml).items[0]!;
    expect(entry.content).toContain('<strong>bold</strong>');
    const encoded = findAll(parseStrictXml(xml), 'content:encoded')[0]!.text;
    // The Markdown's "<script>" is text: escaped, never an element; the javascript: link is not a link.
    expect(encoded).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(encoded).not.toMatch(/<script|href="javascript:/i);
    expect(encoded).toContain('Body with ]]&gt; and');
  });

  it('leaves the body out in summary mode, the item carrying the lead, a link and its own attribution', () => {
    const summaryXml = renderRss(channelFor([item], 'en', 'summary'));
    expect(summaryXml).not.toContain('content:encoded');
    expect(summaryXml).not.toContain('Body with');
    const description = findAll(parseStrictXml(summaryXml), 'description').at(-1)!.text;
    expect(description).toContain(
      '<p>Lead: AI &lt;and&gt; work &amp; &quot;Safety&quot; ]]&gt; it’s 国际劳工组织 👷</p>',
    );
    expect(description).toContain(
      '<a href="https://www.ilo.org/resource/news/test-story" rel="noopener noreferrer">Read the full story on www.ilo.org</a>',
    );
    expect(description).toMatch(
      /<small>© International Labour Organization\. Source: <a href="https:\/\/www\.ilo\.org\/resource\/news\/test-story"/,
    );
  });

  it('uses zh-cn as the Chinese channel language', () => {
    expect(
      parseStrictXml(renderRss(channelFor([item], 'zh'))).children[0]!.children.find((c) => c.name === 'language')
        ?.text,
    ).toBe('zh-cn');
  });
});

describe('Atom 1.0', () => {
  const item = summaryWith(TRICKY, 'Body.');
  const xml = renderAtom(channelFor([item], 'zh'));

  it('is well-formed, declares xml:lang and links itself and the English feed; its home page is its first link and last alternate', () => {
    const feed = parseStrictXml(xml);
    expect(feed.name).toBe('feed');
    expect(feed.attributes['xml:lang']).toBe('zh-Hans');
    const links = feed.children.filter((c) => c.name === 'link').map((l) => l.attributes);
    expect(links).toContainEqual({
      rel: 'self',
      type: 'application/atom+xml',
      href: 'https://feeds.example.org/feeds/zh/atom.xml',
    });
    expect(links).toContainEqual({
      rel: 'alternate',
      type: 'application/atom+xml',
      hreflang: 'en',
      href: 'https://feeds.example.org/feeds/en/atom.xml',
    });
    const home = 'https://www.ilo.org/zh-hans/resource/news';
    expect(links[0]).toEqual({ rel: 'alternate', type: 'text/html', hreflang: 'zh-Hans', href: home });
    expect(links.filter((l) => l.rel === 'alternate').at(-1)).toEqual({
      rel: 'alternate',
      type: 'text/html',
      href: home,
    });
  });

  it('gives each entry one alternate link, its own language, first; the translation is related; no enclosure', () => {
    const entry = findAll(parseStrictXml(xml), 'entry')[0]!;
    const links = entry.children.filter((c) => c.name === 'link').map((l) => l.attributes);
    expect(links).toEqual([
      {
        rel: 'alternate',
        type: 'text/html',
        hreflang: 'zh-Hans',
        href: 'https://www.ilo.org/zh-hans/resource/news/%E6%B5%8B%E8%AF%95',
      },
      {
        rel: 'related',
        type: 'text/html',
        hreflang: 'en',
        href: 'https://www.ilo.org/resource/news/test-story',
        title: TRICKY,
      },
    ]);
    expect(findAll(entry, 'category')[0]!.attributes).toMatchObject({ term: 'safety-health', label: '安全与卫生' });
  });

  it('shows the exact title in a feed parser, with a stable id', () => {
    const entry = parseFeed(xml).items[0]!;
    expect(entry.title).toBe(`中文 ${TRICKY}`);
    expect(entry.id).toBe('https://www.ilo.org/zh-hans/resource/news/%E6%B5%8B%E8%AF%95');
  });
});

describe('JSON Feed 1.1', () => {
  it('follows the 1.1 rules, with language, authors, string ids and tags', () => {
    const feed = JSON.parse(renderJsonFeed(channelFor([summaryWith(TRICKY, 'Body **bold**.')])));
    expect(validateJsonFeed11(feed), JSON.stringify(validateJsonFeed11.errors)).toBe(true);
    expect(feed.language).toBe('en');
    expect(feed.items[0]).toMatchObject({
      id: 'https://www.ilo.org/resource/news/test-story',
      title: TRICKY,
      tags: ['Safety & health <at work>'],
      language: 'en',
      date_published: '2024-11-12T12:00:00.000Z',
    });
    expect(feed.items[0].content_html).toContain('<strong>bold</strong>');
  });

  it('carries the lead image, the lead, a link and the attribution as content_html in summary mode', () => {
    const feed = JSON.parse(renderJsonFeed(channelFor([summaryWith(TRICKY, 'Body.')], 'en', 'summary')));
    expect(validateJsonFeed11(feed)).toBe(true);
    expect(feed.items[0].content_html).not.toContain('Body.');
    expect(feed.items[0].content_html).toMatch(
      /^<figure>[\s\S]*<p>Lead: [\s\S]*Read the full story on www\.ilo\.org[\s\S]*© International Labour Organization/,
    );
    expect(feed.items[0].image).toBe('https://www.ilo.org/sites/default/files/2024-11/photo.webp?itok=a&b=1');
  });
});

describe('text that looks like an entity', () => {
  it('reaches the reader as written in RSS and Atom: a title saying "&amp;" is not shown as "&"', () => {
    const title = 'What AT&amp;T and &lt;b&gt; mean';
    const label = 'Safety &amp; health';
    const r = record({
      id: 'entity-story',
      title: { en: title, zh: title },
      topics: [{ slug: 'safety-health', label: { en: label, zh: label } }],
    });
    const channel = buildFeedChannel(
      { lang: 'en' },
      [withContent(summarize(r, settings.publicUrl), { en: 'Body.' })],
      settings,
    );
    for (const xml of [renderRss(channel), renderAtom(channel)]) {
      const entry = findAll(parseStrictXml(xml), xml.includes('<rss') ? 'item' : 'entry')[0]!;
      expect(entry.children.find((c) => c.name === 'title')!.text).toBe(title);
      const category = findAll(entry, 'category')[0]!;
      expect(category.attributes.label ?? category.text).toBe(label);
    }
  });
});

describe('every feed stays well-formed and round-trips any text', () => {
  // Arbitrary Unicode, plus the characters that break feeds: control characters, "]]>", "<", "&".
  const nasty = fc.oneof(
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
    fc.string({
      unit: fc.constantFrom(
        '<',
        '>',
        '&',
        ']]>',
        '"',
        "'",
        '\u0000',
        '\u0008',
        '\u001F',
        '\uFFFE',
        '国',
        '👷',
        ' ',
        '\n',
        'a',
      ),
      minLength: 1,
      maxLength: 30,
    }),
  );
  const visible = (text: string) =>
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what a reader does not show
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]/g, '')
      .replace(/[\s\u00A0]+/g, ' ')
      .trim();

  it('RSS, Atom and JSON Feed', () => {
    fc.assert(
      fc.property(nasty, nasty, (title, body) => {
        fc.pre(visible(title) !== '');
        const channel = channelFor([summaryWith(title, body)]);
        const rss = renderRss(channel);
        const atom = renderAtom(channel);
        parseStrictXml(rss);
        parseStrictXml(atom);
        expect(parseFeed(rss).items[0]!.title).toBe(visible(title));
        expect(parseFeed(atom).items[0]!.title).toBe(visible(title));
        const json = JSON.parse(renderJsonFeed(channel));
        expect(validateJsonFeed11(json)).toBe(true);
        expect(json.items[0].title).toBe(visible(title));
      }),
      { numRuns: 300 },
    );
  });
});
