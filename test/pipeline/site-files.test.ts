// What pull writes for a story: paths and front matter for Hugo and Jekyll, and story text made
// inert for both (shortcodes, Liquid, kramdown's {: }), also from exports written before the core did.
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { siteFiles } from '#pipeline/pull/site-files.js';
import { exportArticle } from '#pipeline/record/export-article.js';
import { record } from '#test/helpers/articles.js';

const bodies = {
  en: 'Lead.\n\nBody with {{< figure src="x" >}} and {% include nope.html %}.',
  zh: '导语。\n\n正文 {{ site.title }}。',
};
const bilingual = exportArticle(record({ publishedAt: '2024-11-12T10:00:00+01:00' }), bodies, {
  contentMode: 'full',
  publicUrl: 'https://news.example.org',
});

function frontMatter(content: string): Record<string, unknown> {
  const match = /^---\n([\s\S]*?)\n---\n\n/.exec(content);
  expect(match).not.toBeNull();
  return parseYaml(match![1]!) as Record<string, unknown>;
}

describe('siteFiles', () => {
  it('writes a Hugo page bundle: index.en.md and index.zh-hans.md, no lang key', () => {
    const files = siteFiles(bilingual, 'hugo');
    expect(files.map((f) => f.path)).toEqual([
      'content/news/test-story/index.en.md',
      'content/news/test-story/index.zh-hans.md',
    ]);
    const [en, zh] = files.map((f) => frontMatter(f.content));
    for (const fm of [en!, zh!]) {
      expect(fm).not.toHaveProperty('lang');
      expect(fm).toMatchObject({
        date: '2024-11-12T10:00:00+01:00',
        id: 'test-story',
        version: 1,
        rights: '© International Labour Organization',
      });
    }
    expect(en).toMatchObject({ title: 'Test story', canonical: 'https://www.ilo.org/resource/news/test-story' });
    expect(zh).toMatchObject({ title: '测试新闻', isCJKLanguage: true });
    expect(files[0]!.content).toContain('Body with &#123;{< figure src="x" >}} and &#123;% include nope.html %}.');
  });

  it('writes Jekyll posts: English in _posts, Chinese in zh/_posts, with lang, ref and Liquid off', () => {
    const files = siteFiles(bilingual, 'jekyll');
    expect(files.map((f) => f.path)).toEqual(['_posts/2024-11-12-test-story.md', 'zh/_posts/2024-11-12-test-story.md']);
    const [en, zh] = files.map((f) => frontMatter(f.content));
    expect(en).toMatchObject({ lang: 'en', ref: 'test-story', render_with_liquid: false });
    expect(zh).toMatchObject({ lang: 'zh-Hans', ref: 'test-story', render_with_liquid: false, title: '测试新闻' });
    expect(files[0]!.content).toContain('Body with &#123;{< figure src="x" >}} and &#123;% include nope.html %}.');
    expect(files[1]!.content).toContain('正文 &#123;{ site.title }}。');
  });

  it('puts a story in its only language in _posts, and writes lead and link in summary mode', () => {
    const chinese = exportArticle(
      record({
        id: 'zh-0123456789ab',
        languages: ['zh'],
        title: { zh: '只有中文' },
        summary: { zh: '导语。' },
        url: { zh: 'https://www.ilo.org/zh-hans/resource/news/x' },
      }),
      {},
      { contentMode: 'summary', publicUrl: 'https://news.example.org' },
    );
    const [file] = siteFiles(chinese, 'jekyll');
    expect(file!.path).toBe('_posts/2024-11-12-zh-0123456789ab.md');
    expect(frontMatter(file!.content)).toMatchObject({ lang: 'zh-Hans', title: '只有中文' });
    expect(
      file!.content.endsWith('导语。\n\n[在国际劳工组织网站阅读全文](https://www.ilo.org/zh-hans/resource/news/x)\n'),
    ).toBe(true);
    expect(siteFiles(chinese, 'hugo').map((f) => f.path)).toEqual(['content/news/zh-0123456789ab/index.zh-hans.md']);
  });
});
