// Limits on a story's one-line fields, far above any real ILO story (titles run to about 200
// characters, leads to about 600). Without them a page with a 300 K title carried it whole into the
// record, 50 items of every feed it is in, the front matter and the exports (docs/ARCHITECTURE.md,
// "Limits"). A field over its limit is cut on a word boundary, with an ellipsis, and the run warns.
import { truncate } from '../text/clean-text.js';

export const FIELD_LIMITS = { title: 1_000, summary: 4_000, imageAlt: 1_000, imageCredit: 1_000 } as const;

export type LimitedField = keyof typeof FIELD_LIMITS;

/** How the run report names a field. */
export const FIELD_NAMES: Record<LimitedField, string> = {
  title: 'title',
  summary: 'lead',
  imageAlt: 'image text',
  imageCredit: 'image credit',
};

/** The field within its limit, noting in `cut` a field that was cut. */
export function capField(field: LimitedField, text: string, cut: Set<LimitedField>): string;
export function capField(field: LimitedField, text: string | undefined, cut: Set<LimitedField>): string | undefined;
export function capField(field: LimitedField, text: string | undefined, cut: Set<LimitedField>): string | undefined {
  if (text === undefined || text.length <= FIELD_LIMITS[field]) return text;
  cut.add(field);
  return truncate(text, FIELD_LIMITS[field]);
}
