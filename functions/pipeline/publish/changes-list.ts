// exports/v1/changes.json: the newest changes first (one entry per story version), so a partner can
// fetch only what changed since its last pull. If its last pull is older than the oldest entry
// here (`complete: false`), it walks the index and archive once instead.
import type { ArticleSummary } from '../record/export-article.js';
import type { Store } from '../ports.js';
import { updateJson } from '../state/json-objects.js';
import { keys } from '../state/store-keys.js';

export const CHANGES_SCHEMA = 'ilo-syndication/changes@1';
export const CHANGES_KEPT = 500;

export interface ChangeEntry {
  id: string;
  version: number;
  type: 'article.published' | 'article.updated';
  updatedAt: string;
  /** The full record. */
  href: string;
}

export interface ChangesList {
  schema: typeof CHANGES_SCHEMA;
  generatedAt: string;
  /** False once older changes have been dropped from this list. */
  complete: boolean;
  changes: ChangeEntry[];
}

export async function recordChanges(store: Store, summaries: ArticleSummary[]): Promise<void> {
  if (summaries.length === 0) return;
  await updateJson<ChangesList>(store, keys.exportChanges(), (current) => {
    const list = current ?? { schema: CHANGES_SCHEMA, generatedAt: '1970-01-01T00:00:00Z', complete: true, changes: [] };
    const seen = new Set(list.changes.map((change) => `${change.id}@${change.version}`));
    const added = summaries
      .filter((summary) => !seen.has(`${summary.id}@${summary.version}`))
      .map((summary): ChangeEntry => ({
        id: summary.id,
        version: summary.version,
        type: summary.version === 1 ? 'article.published' : 'article.updated',
        updatedAt: summary.updatedAt,
        href: summary.links.json,
      }));
    if (added.length === 0) return undefined;
    const all = [...added, ...list.changes].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || a.id.localeCompare(b.id) || b.version - a.version);
    return {
      schema: CHANGES_SCHEMA,
      generatedAt: all[0]!.updatedAt,
      complete: list.complete && all.length <= CHANGES_KEPT,
      changes: all.slice(0, CHANGES_KEPT),
    };
  });
}
