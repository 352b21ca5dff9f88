// What ingest warns about one story, as data: what happened, to which page or key. The run report
// and the logs say it in words (describeWarning); counts (the run report's markupDrift, the
// MarkupDrift metric) and log fields read the kind, never the words.
import type { ExtractedArticle, ExtractionLayer } from '../extract/extract-article.js';
import { FIELD_LIMITS, FIELD_NAMES, type LimitedField } from '../extract/field-limits.js';
import { BODY_LIMITS } from '../normalize/clean-body.js';

export type IngestWarning =
  /** The page's title or body was found by a layer other than the site's own markup: the markup changed. */
  | { kind: 'markup-drift'; url: string; part: 'title' | 'body'; layer: Exclude<ExtractionLayer, 'site'> }
  /** The body was longer than the size limit (kept that much) or nested deeper than the depth limit. */
  | { kind: 'body-limit'; url: string; limit: 'size' | 'depth' }
  /** A one-line field was longer than its limit and was cut. */
  | { kind: 'field-limit'; url: string; field: LimitedField }
  /** A story's private full copy was not one and is written again from the page. */
  | { kind: 'damaged-state'; key: string; detail: string };

/** The warnings about one extracted page: limits that cut it, layers that found it. */
export function extractionWarnings(article: ExtractedArticle): IngestWarning[] {
  const { url, limits, layers } = article;
  const warnings: IngestWarning[] = [];
  if (limits?.cut) warnings.push({ kind: 'body-limit', url, limit: 'size' });
  for (const field of limits?.fields ?? []) warnings.push({ kind: 'field-limit', url, field });
  if (limits?.flattened) warnings.push({ kind: 'body-limit', url, limit: 'depth' });
  if (layers.title !== 'site') warnings.push({ kind: 'markup-drift', url, part: 'title', layer: layers.title });
  if (layers.body !== 'site') warnings.push({ kind: 'markup-drift', url, part: 'body', layer: layers.body });
  return warnings;
}

/** The warning in words, as the run report and the logs give it to people. */
export function describeWarning(warning: IngestWarning): string {
  switch (warning.kind) {
    case 'markup-drift':
      return `markup drift: ${warning.part} of ${warning.url} found by the ${warning.layer} layer`;
    case 'body-limit':
      return warning.limit === 'size'
        ? `body limit: ${warning.url} holds more than ${BODY_LIMITS.maxSize / 1024} K characters of Markdown; kept that much, the rest is linked to the original`
        : `body limit: ${warning.url} nests elements deeper than ${BODY_LIMITS.maxDepth} levels; the deepest parts are kept as plain text`;
    case 'field-limit':
      return `field limit: the ${FIELD_NAMES[warning.field]} of ${warning.url} is longer than ${FIELD_LIMITS[warning.field].toLocaleString('en')} characters; kept that much, cut at a word`;
    case 'damaged-state':
      return `damaged state: ${warning.key} was not a story's full copy (${warning.detail}); written again from the page`;
  }
}

/** How many of the warnings say the site's markup changed (the run report's markupDrift, the MarkupDrift metric). */
export function markupDriftCount(warnings: readonly IngestWarning[]): number {
  return warnings.filter((warning) => warning.kind === 'markup-drift').length;
}
