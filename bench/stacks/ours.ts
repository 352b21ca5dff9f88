// Our pipeline: htmlparser2, the design-system layers, the allowlist cleaner, turndown on a light DOM.
import { Parser } from 'htmlparser2';
import { extractArticle } from '../../functions/pipeline/extract/extract-article.js';
import { measure } from '../extraction-harness.js';

await measure(
  'ours',
  async (page) => {
    const article = await extractArticle(page.html, { url: page.url, lang: page.lang });
    return `${article.title}\n${article.summary ?? ''}\n${article.markdown}`;
  },
  {
    checksChrome: true,
    rounds: { replica: 60, large: 15 },
    floor: (page) => {
      const parser = new Parser({});
      parser.write(page.html);
      parser.end();
      return '';
    },
  },
);
