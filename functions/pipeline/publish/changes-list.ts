// exports/v1/changes.json: the newest changes first (one entry per story version), so a partner can
// fetch only what changed since its last pull. Each change carries `seq`, an integer given under
// the list's compare-and-swap: unique, never reused, higher for every later change. Timestamps
// cannot do this (two runs can publish in the same second, and clocks differ between machines),
// so partners keep the highest `seq` they have seen. If their cursor is older than the oldest
// entry here and `complete` is false, they walk the index and archive once instead.
import { type ArticleSummary, publicLink } from '../record/export-article.js';
import type { EventType } from '../notify/event-type.js';
import type { Store } from '../ports.js';
import { updateJson } from '../state/json-objects.js';
import { CHANGES_SCHEMA, type ChangeEntry, type ChangesList } from './export-schema.js';
import { keys } from '../state/store-keys.js';

const CHANGES_KEPT = 500;

export type { ChangeEntry, ChangesList };

/** Each version's `type`, decided by publish (notify/event-type.ts) for the list and the notification. */
export type TypeOfChange = (summary: ArticleSummary) => EventType;

/**
 * Adds the versions published. The list exists from the first publish on, empty until a story comes
 * (the landing page links it, and a partner can start from it before the first story).
 */
export async function recordChanges(store: Store, summaries: ArticleSummary[], typeOf: TypeOfChange): Promise<void> {
  await updateJson<ChangesList>(
    store,
    keys.exportChanges(),
    (current) => appendChanges(current, summaries, typeOf) ?? (current ? undefined : emptyChangesList()),
  );
}

function emptyChangesList(): ChangesList {
  return { schema: CHANGES_SCHEMA, generatedAt: '1970-01-01T00:00:00Z', complete: true, changes: [] };
}

/**
 * After the public URL or the release changed: every change's `href` on the current URL, and a list
 * written before `seq` existed numbered (partners can then keep a cursor before anything new comes).
 */
export async function relinkChanges(store: Store, publicUrl: string): Promise<void> {
  await updateJson<ChangesList>(store, keys.exportChanges(), (current) => {
    if (!current) return undefined;
    const changes = withSeq(current.changes).map((change) => ({
      ...change,
      href: publicLink(publicUrl, keys.exportArticle(change.id)),
    }));
    return JSON.stringify(changes) === JSON.stringify(current.changes) ? undefined : { ...current, changes };
  });
}

/**
 * The list with the versions it lacks added on top (undefined when there are none). Pure, so the
 * compare-and-swap can run it again on whatever another run wrote meanwhile.
 */
export function appendChanges(
  current: ChangesList | undefined,
  summaries: ArticleSummary[],
  typeOf: TypeOfChange,
): ChangesList | undefined {
  const list = current ?? emptyChangesList();
  const existing = withSeq(list.changes);
  const seen = new Set(existing.map((change) => `${change.id}@${change.version}`));
  const fresh = summaries
    .filter((summary) => !seen.has(`${summary.id}@${summary.version}`))
    // Within one publish, the older update gets the lower seq.
    .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt) || a.id.localeCompare(b.id) || a.version - b.version);
  const unique = fresh.filter((summary, i) => {
    const previous = fresh[i - 1];
    return !previous || `${summary.id}@${summary.version}` !== `${previous.id}@${previous.version}`;
  });
  if (unique.length === 0) return undefined;
  // The newest entry is never dropped, so the highest seq ever given is always in the list.
  let last = existing.reduce((max, change) => Math.max(max, change.seq), 0);
  const added = unique.map(
    (summary): ChangeEntry => ({
      seq: ++last,
      id: summary.id,
      version: summary.version,
      type: typeOf(summary),
      updatedAt: summary.updatedAt,
      href: summary.links.json,
    }),
  );
  const all = [...added.reverse(), ...existing].sort((a, b) => b.seq - a.seq);
  return {
    schema: CHANGES_SCHEMA,
    generatedAt: newestInstant(
      all.map((change) => change.updatedAt),
      list.generatedAt,
    ),
    complete: list.complete && all.length <= CHANGES_KEPT,
    changes: all.slice(0, CHANGES_KEPT),
  };
}

/** A list written before `seq` existed gets seqs in its own order (its oldest entry is 1). */
function withSeq(changes: (Omit<ChangeEntry, 'seq'> & { seq?: number })[]): ChangeEntry[] {
  if (changes.every((change) => typeof change.seq === 'number')) return changes as ChangeEntry[];
  return changes.map((change, i) => ({ seq: changes.length - i, ...change }) as ChangeEntry);
}

/** The latest of ISO instants written alike (UTC, "Z"), which compare as text; `floor` when there are none later. */
function newestInstant(instants: string[], floor: string): string {
  let newest = floor;
  for (const instant of instants) if (instant > newest) newest = instant;
  return newest;
}
