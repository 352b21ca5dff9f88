// For suites that run the pipeline hundreds of times over the same pages (fault injection):
// extraction, Markdown-to-HTML and the feed renderers are pure and tested on their own, so their results are
// kept per input, and each run costs its store operations and little else. Used with vi.mock.
import type { ExtractOptions, ExtractedArticle } from '#pipeline/extract/extract-article.js';

export function memoizeExtraction(extract: (html: string, options: ExtractOptions) => Promise<ExtractedArticle>) {
  const cache = new Map<string, ExtractedArticle>();
  return async (html: string, options: ExtractOptions): Promise<ExtractedArticle> => {
    const key = `${options.url}\n${options.lang}\n${options.mirrorOrigin ?? ''}\n${html}`;
    let article = cache.get(key);
    if (!article) {
      article = await extract(html, options);
      cache.set(key, article);
    }
    return structuredClone(article);
  };
}

export function memoizeText(render: (text: string) => string): (text: string) => string {
  const cache = new Map<string, string>();
  return (text) => {
    let html = cache.get(text);
    if (html === undefined) {
      html = render(text);
      cache.set(text, html);
    }
    return html;
  };
}

/**
 * For a renderer of plain data (a feed channel: strings, numbers, dates, arrays, objects). The key is
 * the input as JSON, with each long string (an item's HTML) replaced by its number in a table: a
 * smaller key, which made the key 40% cheaper than the whole JSON (measured on the first-publish case).
 */
export function memoizeByJson<T>(render: (input: T) => string): (input: T) => string {
  const cache = new Map<string, string>();
  const strings = new Map<string, number>();
  const intern = (_key: string, value: unknown) => {
    if (typeof value !== 'string' || value.length < 200) return value;
    let n = strings.get(value);
    if (n === undefined) {
      n = strings.size;
      strings.set(value, n);
    }
    return `\u0000${n}`;
  };
  return (input) => {
    const key = JSON.stringify(input, intern);
    let output = cache.get(key);
    if (output === undefined) {
      output = render(input);
      cache.set(key, output);
    }
    return output;
  };
}
