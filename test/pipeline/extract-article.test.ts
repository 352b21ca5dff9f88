import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractArticle } from '#pipeline/extract/extract-article.js';
import { STORY, canonical, replicaPage } from '#test/helpers/replica.js';

const seedText = readFileSync(new URL('../fixtures/ilo-replica/seed-story.txt', import.meta.url), 'utf8');
// The seed is the visible text of the real page: eyebrow, title, intro, the language line, the body, a trailing field.
const seedLines = seedText
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '');
const seedTitle = seedLines[1]!;
const seedIntro = seedLines[2]!;
const seedParagraphs = seedLines.slice(4, -1);

async function extract(pathname: string, lang: 'en' | 'zh') {
  return extractArticle(replicaPage(pathname), { url: canonical(pathname), lang });
}

// Page chrome of the replica: none of it may reach a story's Markdown.
const CHROME = [
  'Skip to main content',
  'Facebook',
  'Linkedin',
  'LinkedIn',
  'Related news',
  'cookie',
  'Cookie',
  'Previously posted',
  'Content also available',
  'Subscribe',
  'Morillons',
  'drupalSettings',
  'gtag',
  'googletagmanager',
  'Global Coalition for Social Justice',
  'Learn more',
  'Accept all',
  'Français',
  'Español',
  'Newsletter',
  '© 1996',
  'Youth employment rebounds',
  'Survey shows gains',
];

describe('extractArticle on the seed story (English)', async () => {
  const article = await extract(STORY.seedEn, 'en');

  it('reads title, lead and date from the design-system hero', async () => {
    expect(seedTitle).toBe('ILO partners with Microsoft to strengthen AI skilling in China');
    expect(article.title).toBe(seedTitle);
    expect(article.summary).toBe(seedIntro);
    expect(article.publishedAt?.slice(0, 10)).toBe('2024-11-12');
    expect(article.layers).toEqual({ title: 'site', body: 'site' });
    expect(article.contentLanguage).toBe('en');
  });

  it('keeps every paragraph of the body, in order', async () => {
    expect(seedParagraphs.length).toBeGreaterThanOrEqual(8);
    let from = 0;
    for (const paragraph of seedParagraphs) {
      const at = article.markdown.indexOf(paragraph.replace(/\s+/g, ' ').slice(0, 60));
      expect(at, paragraph.slice(0, 40)).toBeGreaterThanOrEqual(from);
      from = at;
    }
  });

  it('leaves all page chrome out', async () => {
    for (const chrome of CHROME) expect(article.markdown, chrome).not.toContain(chrome);
    expect(article.markdown).not.toContain(seedTitle); // the title is a field, not body text
    expect(article.markdown).not.toContain('中文');
  });

  it('finds the Chinese version and the tags', async () => {
    expect(article.translations[0]).toEqual({ lang: 'zh', url: canonical(STORY.seedZh), source: 'hreflang' });
    expect(article.tags.map((tag) => [tag.kind, tag.slug])).toEqual([
      ['topic', 'skills-and-lifelong-learning'],
      ['topic', 'artificial-intelligence'],
      ['place', 'china'],
    ]);
  });
});

describe('extractArticle on the seed story (Chinese)', async () => {
  const article = await extract(STORY.seedZh, 'zh');

  it('reads the Chinese title, date and body, and the English twin', async () => {
    expect(article.title).toBe('国际劳工组织与微软合作加强中国人工智能技能培训');
    expect(article.publishedAt?.slice(0, 10)).toBe('2024-11-12');
    expect(article.contentLanguage).toBe('zh');
    expect(article.markdown).toContain('2024年11月5日');
    expect(article.markdown).toContain('AI-VIBES');
    expect(article.translations.map((t) => t.url)).toContain(canonical(STORY.seedEn));
    expect(article.tags.map((tag) => tag.label)).toEqual(['技能与终身学习', '人工智能', '中国']);
  });

  it('leaves the Chinese chrome out', async () => {
    for (const chrome of ['首页', '相关新闻', '内容还有', 'English', 'Cookie', 'Previously posted']) {
      expect(article.markdown, chrome).not.toContain(chrome);
    }
  });
});

describe('extractArticle on structured content', async () => {
  const article = await extract(STORY.structuredEn, 'en');

  it('keeps headings, nested lists, numbered lists, quotes and emphasis as Markdown', async () => {
    expect(article.markdown).toMatch(/^## Why care matters for decent work$/m);
    expect(article.markdown).toMatch(/^### The 5R Framework for Decent Care Work$/m);
    expect(article.markdown).toMatch(/^- Accessible, affordable and quality care services/m);
    expect(article.markdown).toMatch(/^ {2}- maternity, paternity and parental leave;$/m);
    expect(article.markdown).toMatch(/^1\. \*\*Recognize, reduce and redistribute\*\* unpaid care work;$/m);
    expect(article.markdown).toMatch(/^3\. Guarantee \*\*representation\*\*/m);
    expect(article.markdown).toMatch(/^> “Care is not a cost\./m);
    expect(article.markdown).toContain('_large majority_');
  });

  it('makes links absolute on www.ilo.org and turns the embedded video into a link', async () => {
    expect(article.markdown).toContain('[care economy](https://www.ilo.org/topics-and-sectors/care-economy)');
    expect(article.markdown).toContain('(https://www.un.org/sustainabledevelopment/gender-equality/)');
    expect(article.markdown).toMatch(/\[Video: [^\]]+\]\(https:\/\/www\.youtube\.com\/watch\?v=[\w-]+\)/);
    expect(article.markdown).not.toContain('<iframe');
    expect(article.markdown).not.toMatch(/\]\(\/[^/]/); // no root-relative link left
  });

  it('has no translation although the language menu lists 中文', async () => {
    // The menu link is only a candidate; ingest checks it. Here it is offered as one, least trusted.
    expect(article.translations.every((t) => t.source === 'language-menu')).toBe(true);
  });
});

describe('extractArticle on a table with images', async () => {
  const article = await extract(STORY.tableEn, 'en');

  it('writes the table as a GFM table', async () => {
    expect(article.markdown).toMatch(
      /^\| Province \| Apprentices surveyed \| Completion rate \(%\) \| Employed six months after completion \(%\) \|$/m,
    );
    expect(article.markdown).toMatch(/^\| --- \| --- \| --- \| --- \|$/m);
    expect(article.markdown).toMatch(/^\| Guangdong \| 1,240 \| 91\.2 \| 86\.5 \|$/m);
  });

  it('keeps each image with its alt text, its caption and its credit exactly once', async () => {
    expect(article.markdown).toContain(
      '![Two apprentices in protective gear practise welding in a workshop](https://www.ilo.org/sites/default/files/styles/large/public/2025-02/apprentices-welding-foshan.webp?itok=Qm3vX9aL)',
    );
    expect(article.markdown.match(/© ILO\/Marcel Crozet/g)).toHaveLength(1);
    expect(article.markdown.match(/© ILO\/Liu Yang/g)).toHaveLength(1);
    expect(article.markdown).toMatch(
      /_Apprentices practise welding at a training centre in Foshan, Guangdong province\. © ILO\/Marcel Crozet_/,
    );
  });

  it('takes the hero image as the lead image, with alt text and credit', async () => {
    expect(article.image?.url).toMatch(
      /^https:\/\/www\.ilo\.org\/sites\/default\/files\/styles\/hero_m\/public\/2025-02\/apprentices-workshop-guangdong\.webp/,
    );
    expect(article.image?.alt).toBe('Apprentices in blue overalls at a workshop bench');
    expect(article.image?.credit).toBe('© ILO/Marcel Crozet');
  });

  it('reads the Chinese page whose head has no canonical or og tags', async () => {
    const zh = await extract(STORY.tableZh, 'zh');
    expect(zh.declaredCanonical).toBeUndefined();
    expect(zh.title).toBe('调查显示中国高质量学徒制试点学徒收益提升');
    expect(zh.publishedAt).toBe('2025-02-28');
    expect(zh.markdown).toMatch(/^\| 省份 +\| 受访学徒人数 \|/m);
  });
});

describe('extractArticle on pages that are not what their URL says', () => {
  it('sees that a Chinese story under an English path is in Chinese', async () => {
    const article = await extract(STORY.chineseOnlyUnderEnglishPath, 'en');
    expect(article.lang).toBe('en');
    expect(article.contentLanguage).toBe('zh');
  });

  it('reads a Chinese-only story with a Drupal-translated month', async () => {
    const article = await extract(STORY.chineseOnly, 'zh');
    expect(article.publishedAt?.slice(0, 10)).toBe('2025-09-03');
    expect(article.contentLanguage).toBe('zh');
    expect(article.translations.map((t) => t.url)).toContain(canonical(STORY.chineseOnlyUnderEnglishPath));
  });
});

describe('extractArticle when the design-system markup is missing', () => {
  it('falls back to head metadata and the main content, and says so', async () => {
    const html = `<!doctype html><html lang="en"><head><title>Fallback story | International Labour Organization</title>
      <meta name="description" content="A lead from the head."></head>
      <body><header><nav><a href="/">Home</a></nav></header>
      <main><article><h1>Fallback story</h1><p>${'The body of a page whose design-system classes changed. '.repeat(6)}</p>
      <div class="share-links"><a href="https://facebook.com/share">Facebook</a></div></article></main>
      <footer>© 1996-2026 International Labour Organization</footer></body></html>`;
    const article = await extractArticle(html, { url: 'https://www.ilo.org/resource/news/fallback-story', lang: 'en' });
    expect(article.title).toBe('Fallback story');
    expect(article.layers).toEqual({ title: 'head', body: 'fallback' });
    expect(article.summary).toBe('A lead from the head.');
    expect(article.markdown).toContain('The body of a page whose design-system classes changed.');
    expect(article.markdown).not.toContain('Facebook');
    expect(article.markdown).not.toContain('1996');
  });

  it('yields an empty body rather than chrome when there is no content at all', async () => {
    const article = await extractArticle(
      '<html><body><nav><a href="/">Home</a></nav><footer>Footer</footer></body></html>',
      {
        url: 'https://www.ilo.org/resource/news/empty',
        lang: 'en',
      },
    );
    expect(article.markdown).toBe('');
    expect(article.title).toBe('');
  });
});
