// After a publish, the cached copies CloudFront must drop. Feeds and indexes are cached for the feed
// lifetime (5 minutes) and need nothing; article files (articles/<id>/*, exports/v1/articles/<id>.json)
// are cached for an hour, so every story with a new version since the last invalidation is
// invalidated, and a change of content mode, public URL or public format (every public file rendered
// again) invalidates everything. What was invalidated is recorded after the request (by the changes list's
// `seq` and the settings), so a publish that stopped before invalidating is made good by the next
// one, and a retried request repeats the same caller reference (a no-op for CloudFront).
import { createHash } from 'node:crypto';
import type { CdnInvalidator } from '../adapters/cloudfront-invalidator.js';
import type { Store } from '../pipeline/ports.js';
import type { ChangesList } from '../pipeline/publish/changes-list.js';
import { readPublishSettings } from '../pipeline/publish/publish-settings.js';
import { readJson, stringifyJson } from '../pipeline/state/json-objects.js';
import { CONTENT_TYPES, PREFIXES, everyKeyUnder, keys } from '../pipeline/state/store-keys.js';

export const CDN_STATE_SCHEMA = 'ilo-syndication/cdn-invalidated@1';
/** More paths than this in one publish (a backfill): invalidate the article prefixes instead. */
export const MAX_PATHS = 20;
/** A story's files cached for an hour (CACHE_CONTROL.article): its Markdown, meta.json and exported record. */
const storyPaths = (id: string) => [`/${everyKeyUnder(`${PREFIXES.articles}${id}/`)}`, `/${keys.exportArticle(id)}`];
const ALL_STORY_PATHS = [PREFIXES.articles, PREFIXES.exportArticles].map((prefix) => `/${everyKeyUnder(prefix)}`);

export interface CdnState {
  schema: typeof CDN_STATE_SCHEMA;
  /** Every change up to this `seq` of exports/v1/changes.json has been invalidated. */
  seq: number;
  /** The settings (and the release's public format, when it recorded one) the invalidated files were rendered with. */
  settings: { publicUrl: string; contentMode: string; format?: number } | null;
}

export interface Invalidation {
  paths: string[];
  callerReference: string;
  next: CdnState;
}

/** What to invalidate, given what was invalidated before, the changes list and the applied settings. */
export function planInvalidation(
  done: CdnState | undefined,
  changes: ChangesList | undefined,
  applied: { publicUrl: string; contentMode: string; format?: number } | undefined,
): Invalidation {
  const entries = changes?.changes ?? [];
  const maxSeq = entries.reduce((max, change) => Math.max(max, change.seq), done?.seq ?? 0);
  const settings = applied
    ? {
        publicUrl: applied.publicUrl,
        contentMode: applied.contentMode,
        ...(applied.format !== undefined ? { format: applied.format } : {}),
      }
    : null;
  const next: CdnState = { schema: CDN_STATE_SCHEMA, seq: maxSeq, settings };
  const reference = `ilo-${done?.seq ?? 'none'}-${maxSeq}-${createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 12)}`;
  let paths: string[];
  if (!done || JSON.stringify(done.settings) !== JSON.stringify(settings)) {
    // First publish seen, or every public file rendered again: everything.
    paths = settings || entries.length > 0 ? ['/*'] : [];
  } else {
    const fresh = entries.filter((change) => change.seq > done.seq);
    const oldestKept = entries.reduce((min, change) => Math.min(min, change.seq), Number.POSITIVE_INFINITY);
    const gap = fresh.length > 0 && oldestKept > done.seq + 1 && changes?.complete === false;
    const ids = [...new Set(fresh.map((change) => change.id))].sort();
    paths = ids.flatMap(storyPaths);
    if (gap || paths.length > MAX_PATHS) paths = ALL_STORY_PATHS;
  }
  return { paths, callerReference: reference, next };
}

/** Invalidates what changed since the last invalidation and records it. Returns the paths. */
export async function invalidateChangedPaths(store: Store, invalidator: CdnInvalidator): Promise<string[]> {
  const done = (await readJson<CdnState>(store, keys.cdnInvalidated()))?.value;
  const changes = (await readJson<ChangesList>(store, keys.exportChanges()))?.value;
  const { applied, format } = await readPublishSettings(store);
  const plan = planInvalidation(done, changes, applied && { ...applied, ...(format !== undefined ? { format } : {}) });
  if (plan.paths.length > 0) await invalidator.invalidate(plan.paths, plan.callerReference);
  if (JSON.stringify(plan.next) !== JSON.stringify(done)) {
    await store.put(keys.cdnInvalidated(), stringifyJson(plan.next), { contentType: CONTENT_TYPES.json });
  }
  return plan.paths;
}
