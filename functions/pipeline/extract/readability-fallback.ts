// The generic layer for a page whose design-system body is missing: Mozilla's Readability (the
// algorithm behind Firefox Reader View) on linkedom, a light DOM. Only reached on markup drift, so
// its cost does not matter; its result still goes through our allowlist cleaner.
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';

export interface ReadableContent {
  title?: string;
  /** The main content as HTML, to be cleaned like any body. */
  html: string;
  excerpt?: string;
}

export function readableContent(html: string): ReadableContent | undefined {
  try {
    const { document } = parseHTML(html);
    const article = new Readability(document as unknown as Document, {
      charThreshold: 200,
      // Keep class attributes: the allowlist cleaner recognises design-system chrome (notification,
      // cards, tags, share links, tooltips) by class, and Readability strips classes by default,
      // which let that chrome through as body text.
      keepClasses: true,
    }).parse();
    if (!article?.content) return undefined;
    return {
      html: article.content,
      ...(article.title ? { title: article.title } : {}),
      ...(article.excerpt ? { excerpt: article.excerpt } : {}),
    };
  } catch {
    return undefined; // a page Readability cannot read simply has no fallback body
  }
}
