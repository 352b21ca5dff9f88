// Private per-story state: which URLs make up a story, the HTTP validators of each and the hash of the
// raw snapshot they vouch for, so the next fetch can be conditional and a 304 stands for a known
// snapshot; and the URL-to-id aliases that keep one story one record.
import { createHash } from 'node:crypto';
import { PreconditionFailed } from '../errors.js';
import type { FetchConditions, Store } from '../ports.js';
import type { LanguageKey } from '../site/ilo-urls.js';
import { readJson, stringifyJson } from '../state/json-objects.js';
import { CONTENT_TYPES, keys } from '../state/store-keys.js';

export interface SourcePage extends FetchConditions {
  url: string;
  /** sha256 of the raw snapshot (raw/<id>/<lang>.html) these validators vouch for. */
  snapshot?: string;
}

export interface StorySource {
  id: string;
  pages: Partial<Record<LanguageKey, SourcePage>>;
  /** URLs offered as translations that turned out not to be (wrong language, gone). */
  rejected: string[];
}

export async function readSource(store: Store, id: string): Promise<{ value: StorySource; etag: string } | undefined> {
  return readJson<StorySource>(store, keys.source(id));
}

/** Writes the source with compare-and-swap (create when there was none); throws PreconditionFailed when another run wrote it. */
export async function writeSource(store: Store, source: StorySource, previousEtag?: string): Promise<string> {
  const options = {
    contentType: CONTENT_TYPES.json,
    ...(previousEtag ? { ifMatch: previousEtag } : { ifNoneMatch: '*' as const }),
  };
  return (await store.put(keys.source(source.id), stringifyJson(source), options)).etag;
}

export function snapshotHash(html: string): string {
  return `sha256:${createHash('sha256').update(html, 'utf8').digest('hex')}`;
}

export async function lookupAlias(store: Store, url: string): Promise<string | undefined> {
  return (await readJson<{ url: string; id: string }>(store, keys.alias(url)))?.value.id;
}

/** Binds a URL to a story id once and for all; the first binding wins. Returns the bound id. */
export async function bindAlias(store: Store, url: string, id: string): Promise<string> {
  try {
    await store.put(keys.alias(url), stringifyJson({ url, id }), { contentType: CONTENT_TYPES.json, ifNoneMatch: '*' });
    return id;
  } catch (error) {
    if (!(error instanceof PreconditionFailed)) throw error;
    return (await lookupAlias(store, url)) ?? id;
  }
}
