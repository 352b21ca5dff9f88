// A window: the newest N story summaries matching a scope (all stories, one language, one topic).
// Feeds and the export index are rendered from windows, so publishing costs the same whatever the
// size of the archive.
import { toInstant } from '../parse/dates.js';
import type { ArticleSummary } from '../record/export-article.js';
import type { FeedWindowEntry } from './feeds/feed-model.js';

export interface FeedWindow {
  schema: 'ilo-syndication/window@1';
  name: string;
  size: number;
  /** Summaries; in the feed windows (languages, topics) with their rendered bodies too. */
  entries: FeedWindowEntry[];
}

/** Whether a stored document is a window: what upsertWindow and the renderers rely on. */
export function isFeedWindow(value: unknown): boolean {
  const window = value as Partial<FeedWindow>;
  return (
    typeof window.name === 'string' &&
    typeof window.size === 'number' &&
    Array.isArray(window.entries) &&
    window.entries.every(isWindowEntry)
  );
}

function isWindowEntry(value: unknown): boolean {
  const entry = value as Partial<FeedWindowEntry> | null;
  return (
    typeof entry === 'object' &&
    entry !== null &&
    typeof entry.id === 'string' &&
    typeof entry.version === 'number' &&
    typeof entry.publishedAt === 'string' &&
    typeof entry.updatedAt === 'string' &&
    Array.isArray(entry.languages) &&
    Array.isArray(entry.topics) &&
    typeof entry.title === 'object' &&
    typeof entry.url === 'object'
  );
}

export function emptyWindow(name: string, size: number): FeedWindow {
  return { schema: 'ilo-syndication/window@1', name, size, entries: [] };
}

/** Newest first; the id breaks ties so the order never depends on arrival. */
export function compareNewestFirst(a: ArticleSummary, b: ArticleSummary): number {
  return toInstant(b.publishedAt).getTime() - toInstant(a.publishedAt).getTime() || a.id.localeCompare(b.id);
}

export interface WindowUpdate {
  window: FeedWindow;
  /** Entries pushed out of the window by newer ones (they belong to the archive now). */
  evicted: ArticleSummary[];
}

/**
 * Puts the summaries into the window (replacing older versions of the same stories), drops those
 * that no longer match the scope, and keeps the newest `size`. Idempotent: applying the same
 * summaries twice changes nothing the second time.
 */
export function upsertWindow(
  window: FeedWindow,
  summaries: FeedWindowEntry[],
  matches: (summary: ArticleSummary) => boolean,
): WindowUpdate {
  const byId = new Map(window.entries.map((entry) => [entry.id, entry]));
  for (const summary of summaries) {
    const current = byId.get(summary.id);
    if (current && current.version > summary.version) continue;
    if (matches(summary)) byId.set(summary.id, summary);
    else byId.delete(summary.id);
  }
  const sorted = [...byId.values()].sort(compareNewestFirst);
  const entries = sorted.slice(0, window.size);
  const evicted = sorted.slice(window.size);
  return { window: { ...window, entries }, evicted };
}
