// Limits that hold whatever the page: 10,000 nested elements are read without overflowing the stack
// (anywhere: the body, the title, around the whole page, the fallback layer), and a 6 MB page makes
// a story of at most 256 K characters of Markdown and feed items of at most 48 K, with warnings in
// the run report. Memory is measured by `npm run bench` (the 6 MB row), not here.
import { afterEach, describe, expect, it } from 'vitest';
import { extractArticle } from '#pipeline/extract/extract-article.js';
import { FIELD_LIMITS } from '#pipeline/extract/field-limits.js';
import { BODY_LIMITS } from '#pipeline/normalize/clean-body.js';
import { FEED_ITEM_MAX } from '#pipeline/publish/feeds/feed-model.js';
import { pipelineHarness } from '#test/helpers/pipeline-harness.js';
import { SiteCopy } from '#test/helpers/replica-site.js';
import { STORY, canonical, replicaPage } from '#test/helpers/replica.js';

const SEED_ID = 'ilo-partners-microsoft-strengthen-ai-skilling-china';
const nested = (depth: number, tag: string, inner: string) =>
  `<${tag}>`.repeat(depth) + inner + `</${tag}>`.repeat(depth);
const DEEP_TEXT = 'Deep inside, the story still says that apprentices earned more in the pilot provinces.';

const seed = replicaPage(STORY.seedEn);
const pages: Record<string, string> = {
  'the body': seed.replace(
    '<div class="ilo--richtext">',
    `<div class="ilo--richtext">${nested(10_000, 'div', `<p>${DEEP_TEXT}</p>`)}`,
  ),
  'inline elements of the body': seed.replace(
    '<div class="ilo--richtext">',
    `<div class="ilo--richtext"><p>${nested(10_000, 'span', DEEP_TEXT)}</p>`,
  ),
  'quotes in the body': seed.replace(
    '<div class="ilo--richtext">',
    `<div class="ilo--richtext">${nested(10_000, 'blockquote', DEEP_TEXT)}`,
  ),
  'the title': seed.replace(
    '<h1 class="ilo--hero-card--title">',
    `<h1 class="ilo--hero-card--title">${nested(10_000, 'span', 'Deep ')}`,
  ),
  'the whole page': seed
    .replace(/<body([^>]*)>/, `<body$1>${'<div>'.repeat(10_000)}`)
    .replace('</body>', `${'</div>'.repeat(10_000)}</body>`),
  'a body only the fallback finds': seed
    .replace(/<div class="ilo--richtext">[\s\S]*?<\/div>/, '<div class="moved-body"></div>')
    .replace('<div class="moved-body">', `<div class="moved-body">${nested(10_000, 'div', `<p>${DEEP_TEXT}</p>`)}`),
};

describe('10,000 nested elements', () => {
  it.each(Object.keys(pages))('in %s: extracted without overflowing the stack, the text kept', async (where) => {
    const article = await extractArticle(pages[where]!, { url: canonical(STORY.seedEn), lang: 'en' });
    expect(article.title).toContain('ILO partners with Microsoft');
    if (where !== 'the title' && where !== 'the whole page') {
      expect(article.markdown.replace(/\s+/g, ' ')).toContain(DEEP_TEXT);
      expect(article.limits?.flattened).toBe(true);
    }
    // Markdown nests no deeper than the depth limit: a quote is at most that many ">" levels.
    const deepestQuote = Math.max(
      0,
      ...article.markdown.split('\n').map((line) => /^(> ?)*/.exec(line)![0].replace(/ /g, '').length),
    );
    expect(deepestQuote).toBeLessThanOrEqual(BODY_LIMITS.maxDepth);
  });

  it('in JSON-LD in the head (arrays, @graph and image lists): read without overflowing the stack', async () => {
    const deep = (open: string, inner: string, close: string) => open.repeat(10_000) + inner + close.repeat(10_000);
    const article = { '@type': 'NewsArticle', headline: 'From JSON-LD', datePublished: '2024-11-12T10:00:00+01:00' };
    const scripts = [
      deep('[', JSON.stringify(article), ']'),
      deep('{"@graph":', JSON.stringify(article), '}'),
      `${JSON.stringify(article).slice(0, -1)},"image":${deep('[', '"https://www.ilo.org/sites/default/files/a.jpg"', ']')}}`,
    ];
    for (const script of scripts) {
      const page = seed.replace('</head>', `<script type="application/ld+json">${script}</script></head>`);
      const extracted = await extractArticle(page, { url: canonical(STORY.seedEn), lang: 'en' });
      expect(extracted.title).toContain('ILO partners with Microsoft');
    }
  });

  it('through the whole pipeline: the story is stored, the run report says what was flattened', async () => {
    const site = await SiteCopy.create();
    cleanups.push(site.cleanup);
    await site.editPage(STORY.seedEn, () => pages['the body']!);
    const report = await pipelineHarness({ root: site.root }).run();
    expect(report.failed).toEqual([]);
    expect(report.newStories).toContain(SEED_ID);
    expect(report.warnings).toContain(
      `body limit: ${canonical(STORY.seedEn)} nests elements deeper than ${BODY_LIMITS.maxDepth} levels; the deepest parts are kept as plain text`,
    );
  });
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('a 6 MB page', () => {
  it('makes a story of at most 256 K characters of Markdown ending with a link to the rest, feeds of at most 48 K a story, and warnings', async () => {
    const site = await SiteCopy.create();
    cleanups.push(site.cleanup);
    const paragraph =
      '<p>Workers in the pilot provinces <a href="/topics-and-sectors/skills">reported</a> that training <strong>improved</strong> their prospects, according to the survey of apprentices and employers.</p>\n';
    await site.editPage(STORY.seedEn, (html) =>
      html.replace(
        '<div class="ilo--richtext">',
        `<div class="ilo--richtext">${paragraph.repeat(Math.ceil(6_000_000 / paragraph.length))}`,
      ),
    );
    const harness = pipelineHarness({ root: site.root });

    const report = await harness.run();

    expect(report.newStories).toContain(SEED_ID);
    const exported = JSON.parse((await harness.store.get(`exports/v1/articles/${SEED_ID}.json`))!.body) as {
      markdown: { en: string };
    };
    expect(exported.markdown.en.length).toBeLessThanOrEqual(BODY_LIMITS.maxSize + 1000);
    expect(exported.markdown.en.endsWith(`[The story continues on www.ilo.org](${canonical(STORY.seedEn)})`)).toBe(
      true,
    );
    const markdownFile = (await harness.store.get(`articles/${SEED_ID}/en.md`))!.body;
    expect(markdownFile.length).toBeLessThan(BODY_LIMITS.maxSize + 4000);
    for (const key of ['feeds/en/rss.xml', 'feeds/en/atom.xml', 'feeds/en/feed.json']) {
      const feed = (await harness.store.get(key))!.body;
      // Six stories, one of them cut to FEED_ITEM_MAX: far under the 4 MB a full feed can reach.
      expect(feed.length, key).toBeLessThan(2 * FEED_ITEM_MAX + 60_000);
      expect(feed, key).toContain('Continue reading on www.ilo.org');
    }
    expect(report.warnings).toEqual(
      expect.arrayContaining([
        `body limit: ${canonical(STORY.seedEn)} holds more than ${BODY_LIMITS.maxSize / 1024} K characters of Markdown; kept that much, the rest is linked to the original`,
        `feed limit: ${SEED_ID} (en) is longer than ${FEED_ITEM_MAX / 1024} K characters; feeds carry that much and a link to the story`,
      ]),
    );
  });
});

describe('a 300 K title, lead and image text', () => {
  it('are cut at extraction on a word boundary, so the record, the front matter, the feeds and the exports stay small, with warnings', async () => {
    const site = await SiteCopy.create();
    cleanups.push(site.cleanup);
    const words = (text: string) => `${text} `.repeat(Math.ceil(300_000 / (text.length + 1)));
    const longTitle = words('Decent work for all');
    const longLead = words('Apprentices earned more');
    const longAlt = words('Participants follow the webinar');
    await site.editPage(STORY.seedEn, (html) =>
      html
        .replace('ILO partners with Microsoft to strengthen AI skilling in China</h2>', `${longTitle}</h2>`)
        .replace(/(class="ilo--hero-card--intro">)[^<]*/, `$1${longLead}`)
        .replace('alt="Participants follow the AI for Better TVET webinar on a large screen"', `alt="${longAlt}"`),
    );
    const harness = pipelineHarness({ root: site.root });

    const report = await harness.run();

    expect(report.newStories).toContain(SEED_ID);
    const record = JSON.parse((await harness.store.get(`articles/${SEED_ID}/meta.json`))!.body) as {
      title: { en: string };
      summary: { en: string };
      image: { alt: { en: string } };
    };
    expect(record.title.en.length).toBeLessThanOrEqual(FIELD_LIMITS.title);
    // Cut at a word: only whole words before the ellipsis.
    const wholeWords = (text: string, words: string[]) =>
      text.endsWith('…') &&
      text
        .slice(0, -1)
        .split(' ')
        .every((word) => words.includes(word));
    expect(wholeWords(record.title.en, ['Decent', 'work', 'for', 'all']), record.title.en.slice(-40)).toBe(true);
    expect(record.summary.en.length).toBeLessThanOrEqual(FIELD_LIMITS.summary);
    expect(wholeWords(record.summary.en, ['Apprentices', 'earned', 'more']), record.summary.en.slice(-40)).toBe(true);
    expect(record.image.alt.en.length).toBeLessThanOrEqual(FIELD_LIMITS.imageAlt);
    // Every public file of the story, and every feed (50 items each), holds the fields once or a few times.
    for await (const key of harness.store.list('')) {
      if (/^(articles|feeds|exports)\/|^index\.html$/.test(key))
        expect((await harness.store.get(key))!.body.length, key).toBeLessThan(60_000);
    }
    expect(report.warnings).toEqual(
      expect.arrayContaining([
        `field limit: the title of ${canonical(STORY.seedEn)} is longer than 1,000 characters; kept that much, cut at a word`,
        `field limit: the lead of ${canonical(STORY.seedEn)} is longer than 4,000 characters; kept that much, cut at a word`,
        `field limit: the image text of ${canonical(STORY.seedEn)} is longer than 1,000 characters; kept that much, cut at a word`,
      ]),
    );
  });
});
