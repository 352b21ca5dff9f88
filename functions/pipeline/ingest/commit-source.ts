// The story's source as the compare-and-swap point of its content (docs/ARCHITECTURE.md,
// "Overlapping runs"): what an attempt fetched becomes current only if no other run moved it.
import { PreconditionFailed } from '../errors.js';
import type { PipelinePorts } from '../ports.js';
import { writeIfChanged } from '../state/json-objects.js';
import { CONTENT_TYPES, keys } from '../state/store-keys.js';
import type { LoadedPage } from './load-page.js';
import { type StorySource, writeSource } from './story-source.js';

/**
 * Makes what this attempt fetched the story's current content: the snapshots first, then the source
 * that vouches for them, compare-and-swap against the source the fetches were conditioned on. If
 * another run changed the source meantime, its content may be newer: SourceMoved, start again.
 * Returns the ETag of the source the record must be made from.
 */
export async function commitSource(
  ports: PipelinePorts,
  id: string,
  loaded: LoadedPage[],
  rejected: string[],
  current: { value: StorySource; etag: string } | undefined,
): Promise<string> {
  const { store } = ports;
  for (const page of loaded)
    if (page.fetched) await writeIfChanged(store, keys.raw(id, page.article.lang), page.html, CONTENT_TYPES.html);
  const next: StorySource = {
    id,
    pages: Object.fromEntries(loaded.map((page) => [page.article.lang, page.validators])),
    rejected: [...new Set([...(current?.value.rejected ?? []), ...rejected])]
      .filter((url) => !loaded.some((page) => page.article.url === url))
      .sort(),
  };
  if (current && JSON.stringify(next) === JSON.stringify(current.value)) return current.etag;
  try {
    return await writeSource(store, next, current?.etag);
  } catch (error) {
    if (error instanceof PreconditionFailed) throw new SourceMoved(id);
    throw error;
  }
}

/** Another run made other content the story's current source while this attempt worked. */
export class SourceMoved extends Error {
  constructor(id: string) {
    super(`the source of ${id} changed during ingest`);
    this.name = 'SourceMoved';
  }
}
