// "published" or "updated": the one rule for a story version's `type`, which the notification and
// the changes list (exports/v1/changes.json) both carry, so a subscriber and a partner are told the
// same thing about the same version (docs/ARCHITECTURE.md, "Public contracts").
import type { Store } from '../ports.js';
import { keys } from '../state/store-keys.js';

/** The two values of `type`, for every place that writes, reads or describes it. */
export const EVENT_TYPES = { published: 'article.published', updated: 'article.updated' } as const;
export type EventType = (typeof EVENT_TYPES)[keyof typeof EVENT_TYPES];

/**
 * `article.published` when no earlier version of the story was ever claimed for a notification:
 * the first version announced, also when it is not version 1 (versions replaced before a publish
 * are covered by the newer one, which then introduces the story). `article.updated` after that.
 * The claims say it: a first version has none before it (no lookup), a later one usually finds the
 * claim of the version just before (one read, not a listing of the story's claims per version).
 */
export async function eventTypeOf(store: Store, id: string, version: number): Promise<EventType> {
  for (let earlier = version - 1; earlier >= 1; earlier--) {
    if (await store.get(keys.notified(id, earlier))) return EVENT_TYPES.updated;
  }
  return EVENT_TYPES.published;
}

/** The type decided for a story in this publish (every story it publishes has one; a slip says which). */
export function decidedType(types: ReadonlyMap<string, EventType>, id: string): EventType {
  const type = types.get(id);
  if (type === undefined) throw new Error(`story ${id}: no event type was decided for it in this publish`);
  return type;
}
