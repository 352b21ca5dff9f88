// The partner export's pages: exports/v1/index.json holds the newest stories, and every older story
// sits in the archive page of its month (exports/v1/archive/YYYY-MM.json). Pages chain with `next`
// (newest to oldest) and never overlap, so a partner can walk the whole archive without duplicates.
// A publish touches only the months of the stories that changed or left the index.
import { PreconditionFailed } from '../errors.js';
import { type ArticleSummary, publicLink, relinkSummary } from '../record/export-article.js';
import type { Store } from '../ports.js';
import { readJson, stringifyJson, writeIfChanged } from '../state/json-objects.js';
import { CACHE_CONTROL, CONTENT_TYPES, keys } from '../state/store-keys.js';
import { type ExportPage, INDEX_SCHEMA } from './export-schema.js';
import { compareNewestFirst } from './feed-window.js';

export type { ExportPage };

function monthOf(summary: ArticleSummary): string {
  return summary.publishedAt.slice(0, 7);
}

/** What each month's page gains (stories archived) and loses (stories back in the index). */
function changesByMonth(
  archived: ArticleSummary[],
  indexed: ArticleSummary[],
): Map<string, { add: ArticleSummary[]; remove: Set<string> }> {
  const touched = new Map<string, { add: ArticleSummary[]; remove: Set<string> }>();
  const touch = (month: string) => {
    let change = touched.get(month);
    if (!change) {
      change = { add: [], remove: new Set() };
      touched.set(month, change);
    }
    return change;
  };
  for (const summary of archived) touch(monthOf(summary)).add.push(summary);
  for (const summary of indexed) touch(monthOf(summary)).remove.add(summary.id);
  return touched;
}

/**
 * Moves stories into their month pages (`archived`) or out of them (`indexed`, now in the index),
 * and rewrites the months touched (every month when `rewriteAll`, with links on `publicUrl`).
 * Returns the newest month with archived stories, for the index's `next`.
 * The pages are written before the list of months (state) is committed: a run stopped in between
 * leaves the list as it was, so the next run sees the same months appear or vanish and writes the
 * same pages again, their neighbours' `next` included.
 */
export async function updateArchive(
  store: Store,
  archived: ArticleSummary[],
  indexed: ArticleSummary[],
  publicUrl: string,
  rewriteAll = false,
): Promise<string | null> {
  const touched = changesByMonth(archived, indexed);
  for (let attempt = 1; ; attempt++) {
    const stored = await readJson<string[]>(store, keys.archiveMonths());
    const known = stored?.value ?? [];
    // Read the pages that change, apply the change, note which months still have stories.
    const pages = new Map<string, ArticleSummary[]>();
    for (const [month, change] of touched) {
      if (!known.includes(month) && change.add.length === 0) continue;
      const current = (await readJson<ExportPage>(store, keys.exportArchivePage(month)))?.value.articles ?? [];
      const byId = new Map(current.map((summary) => [summary.id, summary]));
      for (const summary of change.add)
        if ((byId.get(summary.id)?.version ?? 0) <= summary.version) byId.set(summary.id, summary);
      for (const id of change.remove) byId.delete(id);
      pages.set(month, [...byId.values()].sort(compareNewestFirst));
    }
    const monthSet = new Set(known);
    for (const [month, articles] of pages) articles.length > 0 ? monthSet.add(month) : monthSet.delete(month);
    const months = [...monthSet].sort().reverse();

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
      const articles =
        pages.get(month) ?? (await readJson<ExportPage>(store, keys.exportArchivePage(month)))?.value.articles ?? [];
      const older = months.find((m) => m < month);
      const page: ExportPage = {
        schema: INDEX_SCHEMA,
        generatedAt: newestUpdate(articles),
        month,
        articles: rewriteAll ? articles.map((summary) => relinkSummary(summary, publicUrl)) : articles,
        next: older ? publicLink(publicUrl, keys.exportArchivePage(older)) : null,
      };
      await writeIfChanged(
        store,
        keys.exportArchivePage(month),
        stringifyJson(page),
        CONTENT_TYPES.json,
        CACHE_CONTROL.index,
      );
    }

    if (JSON.stringify(months) === JSON.stringify(known)) return months[0] ?? null;
    try {
      await store.put(keys.archiveMonths(), stringifyJson(months), {
        contentType: CONTENT_TYPES.json,
        ...(stored ? { ifMatch: stored.etag } : { ifNoneMatch: '*' as const }),
      });
      return months[0] ?? null;
    } catch (error) {
      if (!(error instanceof PreconditionFailed) || attempt >= 8) throw error;
    }
  }
}

export function newestUpdate(articles: ArticleSummary[]): string {
  // ISO instants written alike (UTC, "Z") compare as text.
  let newest = '1970-01-01T00:00:00Z';
  for (const summary of articles) if (summary.updatedAt > newest) newest = summary.updatedAt;
  return newest;
}
