// The partner export's pages: exports/v1/index.json holds the newest stories, and every older story
// sits in the archive page of its month (exports/v1/archive/YYYY-MM.json). Pages chain with `next`
// (newest to oldest) and never overlap, so a partner can walk the whole archive without duplicates.
// A publish touches only the months of the stories that changed or left the index.
import type { ArticleSummary } from '../record/export-article.js';
import { publicLink } from '../record/export-article.js';
import type { Store } from '../ports.js';
import { readJson, stringifyJson, updateJson, writeIfChanged } from '../state/json-objects.js';
import { CONTENT_TYPES, keys } from '../state/store-keys.js';
import { compareNewestFirst } from './feed-window.js';

export const INDEX_SCHEMA = 'ilo-syndication/index@1';

export interface ExportPage {
  schema: typeof INDEX_SCHEMA;
  /** When the newest change listed here happened (not when the file was written). */
  generatedAt: string;
  /** YYYY-MM for an archive page. */
  month?: string;
  articles: ArticleSummary[];
  /** URL of the next (older) page, or null on the last one. */
  next: string | null;
}

const MONTHS_KEY = 'state/archive-months.json';

export function monthOf(summary: ArticleSummary): string {
  return summary.publishedAt.slice(0, 7);
}

/**
 * Moves stories into their month pages (`archived`) or out of them (`indexed`, now in the index),
 * and rewrites the months touched. Returns the newest month with archived stories, for the index's
 * `next`.
 */
export async function updateArchive(
  store: Store,
  archived: ArticleSummary[],
  indexed: ArticleSummary[],
  publicUrl: string,
  rewriteAll = false,
): Promise<string | null> {
  const touched = new Map<string, { add: ArticleSummary[]; remove: Set<string> }>();
  const touch = (month: string) => {
    let change = touched.get(month);
    if (!change) touched.set(month, (change = { add: [], remove: new Set() }));
    return change;
  };
  for (const summary of archived) touch(monthOf(summary)).add.push(summary);
  for (const summary of indexed) touch(monthOf(summary)).remove.add(summary.id);

  const known = (await readJson<string[]>(store, MONTHS_KEY))?.value ?? [];
  // Read the pages that change, apply the change, note which months still have stories.
  const pages = new Map<string, ArticleSummary[]>();
  for (const [month, change] of touched) {
    if (!known.includes(month) && change.add.length === 0) continue;
    const current = (await readJson<ExportPage>(store, keys.exportArchivePage(month)))?.value.articles ?? [];
    const byId = new Map(current.map((summary) => [summary.id, summary]));
    for (const summary of change.add) if ((byId.get(summary.id)?.version ?? 0) <= summary.version) byId.set(summary.id, summary);
    for (const id of change.remove) byId.delete(id);
    pages.set(month, [...byId.values()].sort(compareNewestFirst));
  }
  const months = await updateJson<string[]>(store, MONTHS_KEY, (current) => {
    const set = new Set(current ?? []);
    for (const [month, articles] of pages) articles.length > 0 ? set.add(month) : set.delete(month);
    const next = [...set].sort().reverse();
    return JSON.stringify(next) === JSON.stringify(current ?? []) ? undefined : next;
  }) ?? [];

  // A page's `next` is the next older month; a new or vanished month changes its newer neighbour's.
  const toWrite = new Set<string>(rewriteAll ? months : pages.keys());
  for (const month of pages.keys()) {
    const appearedOrVanished = known.includes(month) !== months.includes(month);
    const newer = [...known, ...months].filter((m) => m > month).sort()[0];
    if (appearedOrVanished && newer && months.includes(newer)) toWrite.add(newer);
  }
  for (const month of toWrite) {
    if (!months.includes(month)) {
      await store.delete(keys.exportArchivePage(month));
      continue;
    }
    const articles = pages.get(month) ?? (await readJson<ExportPage>(store, keys.exportArchivePage(month)))?.value.articles ?? [];
    const older = months.find((m) => m < month);
    const page: ExportPage = {
      schema: INDEX_SCHEMA,
      generatedAt: newestUpdate(articles),
      month,
      articles,
      next: older ? publicLink(publicUrl, keys.exportArchivePage(older)) : null,
    };
    await writeIfChanged(store, keys.exportArchivePage(month), stringifyJson(page), CONTENT_TYPES.json);
  }
  return months[0] ?? null;
}

export function newestUpdate(articles: ArticleSummary[]): string {
  return articles.reduce((newest, summary) => (summary.updatedAt > newest ? summary.updatedAt : newest), '1970-01-01T00:00:00Z');
}
