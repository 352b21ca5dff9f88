// The usual stack: a browser-like DOM (jsdom), Mozilla's Readability, turndown on what it keeps.
import { Readability } from '@mozilla/readability';
import { JSDOM } from 'jsdom';
import TurndownService from 'turndown';
import { measure } from '../extraction-harness.js';

const turndown = new TurndownService({ headingStyle: 'atx' });
await measure(
  'peer',
  (page) => {
    const dom = new JSDOM(page.html, { url: page.url });
    try {
      const article = new Readability(dom.window.document).parse();
      return `${article?.title ?? ''}\n${article?.excerpt ?? ''}\n${article?.content ? turndown.turndown(article.content) : ''}`;
    } finally {
      dom.window.close();
    }
  },
  { checksChrome: true, rounds: { replica: 5, large: 3 } },
);
