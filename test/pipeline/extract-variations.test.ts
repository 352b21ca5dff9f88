// The extractor on the ILO-shaped variation pages of the replica (see its README): each page varies
// one thing the real site does or may do. Numbers in the test names are the "ILO source" issue's cases.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeText } from '#adapters/http/decode-body.js';
import { type ExtractedArticle, extractArticle } from '#pipeline/extract/extract-article.js';
import { renderMarkdownFile } from '#pipeline/publish/front-matter.js';
import { composeRecord, contentHash } from '#pipeline/record/article-record.js';
import {
  STORY,
  VARIANTS,
  VARIANT_STORY,
  VARIATION,
  canonical,
  replicaPage,
  variantPage,
  variationPage,
} from '#test/helpers/replica.js';

const MIRROR = 'http://127.0.0.1:4321';

function extract(html: string, pathname: string, options: { mirror?: boolean } = {}): Promise<ExtractedArticle> {
  const lang = pathname.startsWith('/zh-hans/') ? 'zh' : 'en';
  return extractArticle(html, { url: canonical(pathname), lang, ...(options.mirror ? { mirrorOrigin: MIRROR } : {}) });
}

const VARIATION_PATHS: readonly string[] = Object.values(VARIATION);
/** A variation page, or a page of the bundled site. */
const page = (pathname: string, options?: { mirror?: boolean }) =>
  extract(VARIATION_PATHS.includes(pathname) ? variationPage(pathname) : replicaPage(pathname), pathname, options);
const variant = (v: { state: string; path: string }) => extract(variantPage(v), v.path);

// Page chrome of the variation pages: none of it may reach a body.
const CHROME = [
  'Skip to main content',
  'Global Coalition',
  'Learn more',
  'Facebook',
  'Linkedin',
  'Related news',
  'cookies',
  'Cookie',
  'Content also available',
  'Previously posted',
  'Morillons',
  'newsletter',
  'drupalSettings',
  'gtm',
  '© 1996',
  '社会正义全球联盟',
  '相关新闻',
  '内容还有',
  '订阅',
  '跳转到主要内容',
];
function expectNoChrome(markdown: string, label: string): void {
  for (const chrome of CHROME) expect(markdown, `${label}: ${chrome}`).not.toContain(chrome);
}

describe('6. each translation link source alone', () => {
  it.each([
    ['hreflang alternates only', VARIATION.hreflangOnlyEn, VARIATION.hreflangOnlyZh, 'hreflang'],
    ['hreflang alternates only (Chinese page)', VARIATION.hreflangOnlyZh, VARIATION.hreflangOnlyEn, 'hreflang'],
    [
      '"Content also available in:" only',
      VARIATION.alsoAvailableOnlyEn,
      VARIATION.alsoAvailableOnlyZh,
      'also-available',
    ],
    [
      '"内容还有以下语言版本：" only (Chinese page)',
      VARIATION.alsoAvailableOnlyZh,
      VARIATION.alsoAvailableOnlyEn,
      'also-available',
    ],
    ['the language menu inside <template> only', VARIATION.menuOnlyEn, VARIATION.menuOnlyZh, 'language-menu'],
    [
      'the language menu inside <template> only (Chinese page)',
      VARIATION.menuOnlyZh,
      VARIATION.menuOnlyEn,
      'language-menu',
    ],
  ])('%s', async (_, from, to, source) => {
    const article = await page(from);
    const twinLang = to.startsWith('/zh-hans/') ? 'zh' : 'en';
    expect(article.translations).toEqual([{ lang: twinLang, url: canonical(to), source }]);
    expect(article.contentLanguage).toBe(article.lang);
    expect(article.layers).toEqual({ title: 'site', body: 'site' });
    expectNoChrome(article.markdown, from);
    // The "also available" line is a link source, never body text.
    expect(article.markdown).not.toContain(canonical(to));
  });
});

describe('7. candidates that are not really that language', () => {
  it('sees English text in an untranslated page Drupal serves under /zh-hans/', async () => {
    const article = await page(VARIATION.englishUnderChinesePath);
    expect(article.lang).toBe('zh');
    expect(article.contentLanguage).toBe('en');
    expect(article.title).toBe('Just transition finance platform launched at the International Labour Conference');
  });

  it('offers the menu links of an English-only story only as least-trusted candidates', async () => {
    const article = await page(VARIATION.englishOnly);
    expect(article.translations).toEqual([
      { lang: 'zh', url: canonical(VARIATION.englishUnderChinesePath), source: 'language-menu' },
    ]);
  });
});

describe('8. a page with no head tags at all', () => {
  it('is extracted fully from the design-system markup', async () => {
    const html = variationPage(VARIATION.noHead);
    expect(html).toMatch(/<head>\s*<\/head>/);
    const article = await page(VARIATION.noHead);
    expect(article).toMatchObject({
      title: 'ILO and Mongolia sign new Decent Work Country Programme',
      summary:
        'The programme sets out joint priorities for employment, social protection and labour rights in Mongolia until 2029.',
      publishedAt: '2025-01-27',
      contentLanguage: 'en',
      layers: { title: 'site', body: 'site' },
      image: {
        alt: 'Representatives of the Government, employers, workers and the ILO sign the programme in Ulaanbaatar',
        credit: '© ILO/Batbayar Dorj',
      },
    });
    expect(article.declaredCanonical).toBeUndefined();
    expect(article.image?.url).toMatch(
      /^https:\/\/www\.ilo\.org\/sites\/default\/files\/styles\/hero_m\/public\/2025-01\/dwcp-signing-ulaanbaatar\.webp\?itok=/,
    );
    expect(article.tags.map((tag) => [tag.kind, tag.slug, tag.label])).toEqual([
      ['topic', 'social-dialogue-and-tripartism', 'Social dialogue and tripartism'],
      ['place', 'mongolia', 'Mongolia'],
    ]);
    expect(article.markdown.split('\n\n')).toHaveLength(3);
    expectNoChrome(article.markdown, 'no head');
    // The page gives a day only: the record dates the story 12:00 UTC of it.
    const { record } = composeRecord('dwcp-mongolia', { en: article }, undefined, new Date('2025-02-01T00:00:00Z'));
    expect(record.publishedAt).toBe('2025-01-27T12:00:00Z');
  });
});

describe('9. markup drift: the rich-text class renamed', () => {
  it('takes the body from the fallback layer, in order and without chrome, and says so', async () => {
    const article = await variant(VARIANT_STORY.markupDrift);
    expect(article.layers).toEqual({ title: 'site', body: 'fallback' });
    expect(article.title).toBe('Labour inspectors in Viet Nam trained to detect forced labour');
    const paragraphs = article.markdown.split('\n\n');
    expect(paragraphs).toHaveLength(5);
    expect(paragraphs[0]).toMatch(/^HO CHI MINH CITY \(ILO News\) – Forty labour inspectors/);
    expect(paragraphs[4]).toMatch(/^The Ministry of Labour plans/);
    expectNoChrome(article.markdown, 'drift');
    for (const hero of [article.title, article.summary!, '16 September 2025', 'Forced labour, human trafficking'])
      expect(article.markdown).not.toContain(hero);
  });

  it('falls back without taking chrome for the seed page with its rich-text class renamed', async () => {
    const html = replicaPage(STORY.seedEn).replace('class="ilo--richtext"', 'class="ilo--rich-text"');
    const article = await extract(html, STORY.seedEn);
    expect(article.layers.body).toBe('fallback');
    expect(article.markdown).toMatch(/^On 5 November 2024, the ILO project/);
    expectNoChrome(article.markdown, 'seed drift');
    expect(article.markdown).not.toContain('Skills and lifelong learning');
  });
});

describe('10. pages that yield no title or no body', () => {
  it('finds no title when neither the hero nor the head has one', async () => {
    const article = await variant(VARIANT_STORY.noTitle);
    expect(article.title).toBe('');
    expect(article.layers.title).toBe('none');
    expect(article.markdown).toContain('VIENTIANE (ILO News)');
  });

  it('finds no body in an empty rich text, rather than publishing the hero and the chrome', async () => {
    const article = await variant(VARIANT_STORY.noBody);
    expect(article.title).toBe('Palau ratifies the Maritime Labour Convention');
    expect(article.markdown).toBe('');
    expect(article.layers.body).toBe('none');
  });
});

describe('11. dates', () => {
  const cases: [string, string, string][] = [
    ['<time datetime> in unix seconds only', VARIATION.unixTimeDate, '2025-03-20T00:00:00Z'],
    [
      'JSON-LD datePublished only (the related cards carry other dates)',
      VARIATION.jsonLdDate,
      '2025-06-30T16:20:00+02:00',
    ],
    ['"05 May 2025"', STORY.structuredEn, '2025-05-05'],
    ['"2025年1月6日"', VARIATION.chineseYmdDate, '2025-01-06'],
    ['"21 十一月 2024"', VARIATION.chineseMonthNameDate, '2024-11-21'],
  ];
  it.each(cases)('reads a page dated by %s', async (_, pathname, expected) => {
    expect((await page(pathname)).publishedAt).toBe(expected);
  });

  it('reads the same dates whatever the process time zone is', async () => {
    const saved = process.env.TZ;
    try {
      for (const zone of ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'UTC']) {
        process.env.TZ = zone;
        for (const [, pathname, expected] of cases)
          expect((await page(pathname)).publishedAt, `${zone} ${pathname}`).toBe(expected);
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});

describe('12. what the body keeps and drops', async () => {
  const article = await page(VARIATION.keepDrop, { mirror: true });
  const md = article.markdown;

  it('keeps emphasis, links made absolute on www.ilo.org (also from a mirror), images with alt and one credit', () => {
    expect(md).toContain('**More than 600 garment workers**');
    expect(md).toContain('_maintenance and quality-control_');
    expect(md).toContain('(https://www.ilo.org/resource/publications/skills-future-garment-sector-cambodia)');
    expect(md).toContain(
      '[skills and lifelong learning](https://www.ilo.org/topics-and-sectors/skills-and-lifelong-learning)',
    );
    expect(md).toContain(
      '[ILO’s programme in Cambodia](https://www.ilo.org/regions-and-countries/asia-and-pacific/cambodia)',
    );
    expect(md).not.toMatch(/\]\((?!https:\/\/)/); // every link and image absolute
    expect(md).not.toContain('127.0.0.1');
    expect(md).toContain(
      '![Chart: share of trainees promoted within six months, by factory](https://www.ilo.org/sites/default/files/inline-images/cambodia-garment-promotions-chart.png)',
    );
    expect(md).toContain(
      '![A trainee adjusts an industrial sewing machine](https://www.ilo.org/sites/default/files/styles/large/public/2025-10/garment-mechanic-trainee.webp?itok=Lr6tW2mZ)',
    );
    expect(md).toContain(
      '_A former sewing operator, now a maintenance mechanic, at a factory in Kandal province. © ILO/Sokha Chea_',
    );
    expect(md.match(/Sokha Chea/g)).toHaveLength(1);
  });

  it('turns the embedded video into a link', () => {
    expect(md).toContain(
      '## Watch: from the sewing line to the workshop\n\n[Video: Garment workers talk about their new technical jobs](https://www.youtube.com/watch?v=Xb7mQ2pLr9s)',
    );
    expect(md).not.toContain('iframe');
  });

  it('drops script, style, form, share links and related cards inside the body', () => {
    for (const dropped of [
      'flourish',
      'Interactive chart',
      'dataLayer',
      'story_view',
      'font-size',
      'chart-note',
      'Register',
      'forum_registration',
      'Facebook',
      'Linkedin',
      'Email',
      'sharer',
      'care economy',
      '05 May 2025',
    ]) {
      expect(md, dropped).not.toContain(dropped);
    }
    expect(md.trim().split('\n\n').at(-1)).toBe(
      'Factories that took part will share their results at a national forum in December.',
    );
  });
});

describe('13. topics and places of a bilingual story', () => {
  it('pairs the labels of both pages by term, whatever their order, and keeps a term only one page has', async () => {
    const [en, zh] = await Promise.all([page(VARIATION.bilingualTagsEn), page(VARIATION.bilingualTagsZh)]);
    expect(zh.tags.map((tag) => tag.label)).toEqual(['中国', '职业安全与健康', '社会保护', '亚洲及太平洋']);
    const { record } = composeRecord(
      'platform-workers-china-gain-occupational-injury-protection',
      { en, zh },
      undefined,
      new Date('2025-03-19T00:00:00Z'),
    );
    expect(record.topics).toEqual([
      { slug: 'social-protection', label: { en: 'Social protection', zh: '社会保护' } },
      { slug: 'platform-economy', label: { en: 'Platform economy' } },
      { slug: 'occupational-safety-and-health', label: { en: 'Occupational safety and health', zh: '职业安全与健康' } },
    ]);
    expect(record.places).toEqual([
      { slug: 'china', label: { en: 'China', zh: '中国' } },
      { slug: 'asia-and-pacific', label: { en: 'Asia and the Pacific', zh: '亚洲及太平洋' } },
    ]);
    // The Chinese Markdown names each term in Chinese where it has a Chinese label.
    expect(renderMarkdownFile(record, 'zh', zh.markdown)).toContain(
      'topics:\n  - "社会保护"\n  - "Platform economy"\n  - "职业安全与健康"\nplaces:\n  - "中国"\n  - "亚洲及太平洋"\n',
    );
  });
});

describe('14. what changes the content of a page', () => {
  it('gives a new hash to an edit of the story text, and the same hash to chrome-only changes', async () => {
    const original = replicaPage(STORY.seedEn);
    const hash = async (html: string) => contentHash(await extract(html, STORY.seedEn));
    const before = await hash(original);
    expect(await hash(original.replace('Almost 300 participants', 'More than 300 participants'))).not.toBe(before);
    const chromeOnly = original
      .replace(
        /Survey shows gains for apprentices in China’s quality apprenticeship pilots/g,
        'ILO and Mongolia sign new Decent Work Country Programme',
      )
      .replace('datetime="1740700800">28 February 2025', 'datetime="1737936000">27 January 2025')
      .replace('We use cookies to improve your experience', 'This site uses cookies to improve your experience')
      .replace(
        'Partners around the world are joining forces',
        'Updated 3 December 2025: partners around the world are joining forces',
      );
    expect(chromeOnly).not.toBe(original);
    expect(await hash(chromeOnly)).toBe(before);
  });
});

describe('15. a Chinese page in GBK', () => {
  const bytes = readFileSync(path.join(VARIANTS, 'variations', `${VARIATION.gbk}.html`));

  it('is stored as GBK bytes that are not UTF-8', () => {
    expect(bytes.subarray(0, 200).toString('latin1')).toContain('<meta charset="gbk" />');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
  });

  it('decodes by its <meta charset> when the header has none, into correct Chinese', async () => {
    const article = await extract(decodeText(bytes, 'text/html').text, VARIATION.gbk);
    expect(article).toMatchObject({
      title: '外卖骑手职业安全培训在成都启动',
      contentLanguage: 'zh',
      publishedAt: '2025-05-20',
      layers: { title: 'site', body: 'site' },
    });
    expect(article.summary).toBe('首批300名外卖骑手学习了道路交通安全、防暑降温和工伤保险知识。');
    expect(article.markdown).toContain('首批300名外卖骑手参加了为期两天的培训');
    expect(article.markdown).toContain('“以前只知道跑单，现在知道怎样保护自己了。”骑手王师傅说。');
    expect(article.markdown).not.toMatch(/[\uFFFD]|&#/);
    expectNoChrome(article.markdown, 'gbk');
  });
});
