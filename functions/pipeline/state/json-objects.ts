// JSON documents in the store, with the conditional writes that keep overlapping runs correct.
import { PreconditionFailed, errorMessage } from '../errors.js';
import type { Store } from '../ports.js';
import { CONTENT_TYPES } from './store-keys.js';

export interface Versioned<T> {
  value: T;
  etag: string;
}

/**
 * A stored JSON document. Every document we store is an object or an array; `isShape` checks more of
 * what the caller relies on. Anything else is a CorruptDocument, one line naming the key, rather
 * than a TypeError deep in the run ("Cannot convert undefined or null to object").
 */
export async function readJson<T>(
  store: Store,
  key: string,
  isShape?: (value: unknown) => boolean,
): Promise<Versioned<T> | undefined> {
  const object = await store.get(key);
  if (!object) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(object.body);
  } catch (error) {
    throw new CorruptDocument(key, errorMessage(error));
  }
  if (value === null || typeof value !== 'object')
    throw new CorruptDocument(key, `${value === null ? 'null' : `a ${typeof value}`} where an object belongs`, 'shape');
  if (isShape && !isShape(value)) throw new CorruptDocument(key, 'fields missing or of the wrong type', 'shape');
  // The ETag is read from the object only when asked for: a store may compute it on demand.
  return Object.defineProperty({ value: value as T }, 'etag', {
    enumerable: true,
    get: () => object.etag,
  }) as Versioned<T>;
}

/** A stored JSON document that does not parse, or is not the document it should be (edited by hand, or written by something else). */
export class CorruptDocument extends Error {
  /** What is wrong with it, in a few words. */
  readonly detail: string;
  constructor(
    readonly key: string,
    detail: string,
    readonly kind: 'json' | 'shape' = 'json',
    remedy = 'restore it, or delete it to rebuild it',
  ) {
    const what = kind === 'json' ? 'is not valid JSON' : 'is not the document it should be';
    const brief = detail.replace(/\s+/g, ' ').trim();
    super(`stored object ${key} ${what} (${brief}): ${remedy}`);
    this.name = 'CorruptDocument';
    this.detail = brief;
  }
}

export function stringifyJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * Read-modify-write with compare-and-swap: `update` gets the current value (or undefined) and
 * returns the new one, or undefined to leave it as it is. Retried at once when another writer got
 * there first: a failed compare-and-swap means that writer succeeded, so the retries make progress
 * without a backoff (and the core keeps no timer or randomness of its own).
 */
export async function updateJson<T>(
  store: Store,
  key: string,
  update: (current: T | undefined) => T | undefined,
  attempts = 8,
): Promise<T | undefined> {
  for (let attempt = 1; ; attempt++) {
    const current = await readJson<T>(store, key);
    const next = update(current?.value);
    if (next === undefined) return current?.value;
    const body = stringifyJson(next);
    try {
      await store.put(key, body, {
        contentType: CONTENT_TYPES.json,
        ...(current ? { ifMatch: current.etag } : { ifNoneMatch: '*' as const }),
      });
      return next;
    } catch (error) {
      if (!(error instanceof PreconditionFailed) || attempt >= attempts) throw error;
    }
  }
}

/** Writes only when the content differs, so a rerun leaves unchanged files (and their ETags) alone. */
export async function writeIfChanged(
  store: Store,
  key: string,
  body: string,
  contentType: string,
  cacheControl?: string,
): Promise<boolean> {
  const current = await store.get(key);
  if (current?.body === body) return false;
  await store.put(key, body, { contentType, ...(cacheControl ? { cacheControl } : {}) });
  return true;
}

/**
 * Writes a file of a story version unless it already holds this content or a newer version
 * (`versionOf` reads the version from a stored body): compare-and-swap, so a slow run can never put
 * an older version back over a newer one. Returns true when it wrote.
 */
export async function writeIfNotNewer(
  store: Store,
  key: string,
  body: string,
  version: number,
  versionOf: (body: string) => number,
  contentType: string,
  cacheControl?: string,
  attempts = 8,
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    const current = await store.get(key);
    if (current?.body === body) return false;
    if (current && versionOf(current.body) > version) return false;
    try {
      await store.put(key, body, {
        contentType,
        ...(cacheControl ? { cacheControl } : {}),
        ...(current ? { ifMatch: current.etag } : { ifNoneMatch: '*' as const }),
      });
      return true;
    } catch (error) {
      if (!(error instanceof PreconditionFailed) || attempt >= attempts) throw error;
    }
  }
}
