// The run report's warnings about one extracted page: limits that cut it, layers that found it.
import type { ExtractedArticle } from '../extract/extract-article.js';
import { FIELD_LIMITS, FIELD_NAMES } from '../extract/field-limits.js';
import { BODY_LIMITS } from '../normalize/clean-body.js';

export function extractionWarnings(article: ExtractedArticle): string[] {
  const warnings: string[] = [];
  if (article.limits?.cut)
    warnings.push(
      `body limit: ${article.url} holds more than ${BODY_LIMITS.maxSize / 1024} K characters of Markdown; kept that much, the rest is linked to the original`,
    );
  for (const field of article.limits?.fields ?? []) {
    warnings.push(
      `field limit: the ${FIELD_NAMES[field]} of ${article.url} is longer than ${FIELD_LIMITS[field].toLocaleString('en')} characters; kept that much, cut at a word`,
    );
  }
  if (article.limits?.flattened)
    warnings.push(
      `body limit: ${article.url} nests elements deeper than ${BODY_LIMITS.maxDepth} levels; the deepest parts are kept as plain text`,
    );
  if (article.layers.title !== 'site')
    warnings.push(`markup drift: title of ${article.url} found by the ${article.layers.title} layer`);
  if (article.layers.body !== 'site')
    warnings.push(`markup drift: body of ${article.url} found by the ${article.layers.body} layer`);
  return warnings;
}
