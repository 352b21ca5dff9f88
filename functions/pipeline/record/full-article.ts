// The private full copy of a story (state/articles/<id>.json): its record and the full Markdown of
// each language, kept whatever the content mode. Ingest writes it; publish renders every public file
// of the story from it, so switching the content mode (either way) can render them all again.
import type { ArticleRecord, Localized } from './article-record.js';

export interface FullArticle extends ArticleRecord {
  markdown: Localized<string>;
}

export function fullArticle(record: ArticleRecord, markdown: Localized<string>): FullArticle {
  return { ...record, markdown };
}
