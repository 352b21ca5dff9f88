import { describe, expect, it } from 'vitest';
import { canonicalUrl, isValidStoryId, newsPage, newsUrl, storyId } from '#pipeline/site/ilo-urls.js';

describe('canonicalUrl', () => {
  it('resolves root-relative links against www.ilo.org', () => {
    expect(canonicalUrl('/resource/news/x', 'https://www.ilo.org/resource/news/y')).toBe(
      'https://www.ilo.org/resource/news/x',
    );
  });

  it('maps the mirror origin, http and the bare domain back to https://www.ilo.org', () => {
    const mirror = 'http://127.0.0.1:4000';
    expect(canonicalUrl('http://127.0.0.1:4000/resource/news/x', undefined, mirror)).toBe(
      'https://www.ilo.org/resource/news/x',
    );
    expect(canonicalUrl('http://ilo.org/resource/news/x')).toBe('https://www.ilo.org/resource/news/x');
    expect(canonicalUrl('http://www.ilo.org/resource/news/x#top')).toBe('https://www.ilo.org/resource/news/x');
  });

  it('leaves other sites alone and refuses non-http schemes', () => {
    expect(canonicalUrl('https://www.un.org/sdg?x=1')).toBe('https://www.un.org/sdg?x=1');
    expect(canonicalUrl('javascript:alert(1)')).toBeUndefined();
    expect(canonicalUrl('data:text/html,hi')).toBeUndefined();
  });

  it('gives one form for a Chinese path however it was encoded', () => {
    const decoded = canonicalUrl('https://www.ilo.org/zh-hans/resource/news/国际劳工组织');
    const lower = canonicalUrl(
      'https://www.ilo.org/zh-hans/resource/news/%e5%9b%bd%e9%99%85%e5%8a%b3%e5%b7%a5%e7%bb%84%e7%bb%87',
    );
    expect(decoded).toBe(lower);
    expect(decoded).toBe(
      'https://www.ilo.org/zh-hans/resource/news/%E5%9B%BD%E9%99%85%E5%8A%B3%E5%B7%A5%E7%BB%84%E7%BB%87',
    );
  });
});

describe('newsPage', () => {
  it('recognizes English and Chinese news stories', () => {
    expect(newsPage('https://www.ilo.org/resource/news/some-story')).toEqual({
      lang: 'en',
      slug: 'some-story',
      url: 'https://www.ilo.org/resource/news/some-story',
    });
    const zh = newsPage('https://www.ilo.org/zh-hans/resource/news/%E4%B8%AD%E6%96%87');
    expect(zh?.lang).toBe('zh');
    expect(zh?.slug).toBe('中文');
  });

  it('ignores everything that is not a news story', () => {
    for (const url of [
      'https://www.ilo.org/resource/news/all-news-recent',
      'https://www.ilo.org/resource/article/x',
      'https://www.ilo.org/publications/x',
      'https://www.ilo.org/fr/resource/news/x',
      'https://www.ilo.org/resource/news/a/b',
      'https://example.org/resource/news/x',
    ]) {
      expect(newsPage(url), url).toBeUndefined();
    }
  });
});

describe('storyId', () => {
  it('is the English slug when there is an English page', () => {
    const en = newsPage(newsUrl('en', 'ilo-partners-microsoft-strengthen-ai-skilling-china'))!;
    const zh = newsPage(newsUrl('zh', '国际劳工组织与微软合作'))!;
    expect(storyId({ en, zh })).toBe('ilo-partners-microsoft-strengthen-ai-skilling-china');
  });

  it('is a stable derivative of the Chinese slug for a Chinese-only story', () => {
    const zh = newsPage(newsUrl('zh', '国际劳工组织在云南举办农民工职业安全与健康培训'))!;
    const id = storyId({ zh });
    expect(id).toMatch(/^zh-[0-9a-f]{12}$/);
    expect(storyId({ zh: newsPage(newsUrl('zh', '国际劳工组织在云南举办农民工职业安全与健康培训'))! })).toBe(id);
    expect(storyId({ zh: newsPage(newsUrl('zh', '另一个故事'))! })).not.toBe(id);
    expect(isValidStoryId(id)).toBe(true);
  });
});
