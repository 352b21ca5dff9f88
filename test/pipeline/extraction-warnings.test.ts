// Ingest's warnings are records (what happened, to which page); the words the run report and the logs
// give people are made from them, and the markup-drift count reads the kind, not the words.
import { describe, expect, it } from 'vitest';
import type { ExtractedArticle } from '#pipeline/extract/extract-article.js';
import {
  type IngestWarning,
  describeWarning,
  extractionWarnings,
  markupDriftCount,
} from '#pipeline/ingest/extraction-warnings.js';

const URL = 'https://www.ilo.org/resource/news/a-story';
const page = (overrides: Partial<ExtractedArticle>) =>
  ({ url: URL, layers: { title: 'site', body: 'site' }, ...overrides }) as ExtractedArticle;

describe('extraction warnings', () => {
  it('are records of what happened to the page', () => {
    expect(extractionWarnings(page({}))).toEqual([]);
    expect(
      extractionWarnings(
        page({
          layers: { title: 'head', body: 'fallback' },
          limits: { cut: true, flattened: true, fields: ['title', 'imageAlt'] },
        }),
      ),
    ).toEqual([
      { kind: 'body-limit', url: URL, limit: 'size' },
      { kind: 'field-limit', url: URL, field: 'title' },
      { kind: 'field-limit', url: URL, field: 'imageAlt' },
      { kind: 'body-limit', url: URL, limit: 'depth' },
      { kind: 'markup-drift', url: URL, part: 'title', layer: 'head' },
      { kind: 'markup-drift', url: URL, part: 'body', layer: 'fallback' },
    ]);
  });

  it('say the same words to people as before', () => {
    const said = (warning: IngestWarning) => describeWarning(warning);
    expect(said({ kind: 'markup-drift', url: URL, part: 'body', layer: 'fallback' })).toBe(
      `markup drift: body of ${URL} found by the fallback layer`,
    );
    expect(said({ kind: 'body-limit', url: URL, limit: 'size' })).toBe(
      `body limit: ${URL} holds more than 256 K characters of Markdown; kept that much, the rest is linked to the original`,
    );
    expect(said({ kind: 'body-limit', url: URL, limit: 'depth' })).toBe(
      `body limit: ${URL} nests elements deeper than 64 levels; the deepest parts are kept as plain text`,
    );
    expect(said({ kind: 'field-limit', url: URL, field: 'summary' })).toBe(
      `field limit: the lead of ${URL} is longer than 4,000 characters; kept that much, cut at a word`,
    );
    expect(said({ kind: 'damaged-state', key: 'state/articles/a.json', detail: 'not JSON' })).toBe(
      "damaged state: state/articles/a.json was not a story's full copy (not JSON); written again from the page",
    );
  });

  it('count as markup drift only when a layer other than the site found the title or body', () => {
    const warnings = extractionWarnings(
      page({ layers: { title: 'site', body: 'fallback' }, limits: { cut: true, flattened: false, fields: ['title'] } }),
    );
    expect(warnings).toHaveLength(3);
    expect(markupDriftCount(warnings)).toBe(1);
  });
});
