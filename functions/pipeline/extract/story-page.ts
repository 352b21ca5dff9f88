// Whether a page that answered 200 is a news story at all. A maintenance or error page served with
// 200 in place of a story (by a CDN, a WAF, a site in maintenance) ends with </html> and has a title
// and some text: it was stored as the story "Maintenance", every English story at once, notified,
// and never fetched again once the site was back (its lastmod had not changed). A story page has the
// design system's title or body, or at least a date of its own; a page with none of the three is
// not stored, stays pending and is fetched again (docs/ARCHITECTURE.md, "Invariants"). A redesign
// that drops the design-system markup but keeps a date (in the page, its meta tags or JSON-LD)
// still reads, through the fallback layers, as markup drift.
import type { ExtractedArticle } from './extract-article.js';

/** Why an extracted page is not a story, or undefined when it is one. */
export function notAStory(article: ExtractedArticle): string | undefined {
  if (article.layers.title === 'site' || article.layers.body === 'site' || article.publishedAt !== undefined)
    return undefined;
  return 'the page holds no news story (no ILO title, body or date: an error or maintenance page?)';
}
