// `pull`: bring a partner's static site up to date with the public exports (docs/ARCHITECTURE.md,
// "Partner sites"). Two phases, so a bad answer leaves the site as it was: first everything is
// read (changes list, pages, records, the site's current files) and checked; only then are files
// written and removed, and the cursor saved last.
//
// The cursor is the highest changes.json `seq` seen. A pull reads changes.json conditionally (ETag):
// unchanged, nothing is read or written. Otherwise it fetches the records of the changes after the
// cursor, newer than what the site has. It walks the index and archive pages instead on its first
// pull, when changes have scrolled out of the list past the cursor, when the list restarted, or when
// the source moved to another address (a new CDN domain: same stories, a cursor that means nothing
// there); story ids and versions carry over, so a move rewrites nothing that did not change.
import type { ExportSource, SiteFolder } from '../ports.js';
import type { ChangesList } from '../publish/changes-list.js';
import type { ExportedArticle } from '../record/export-article.js';
import { keys } from '../state/store-keys.js';
import { BadExport } from '../errors.js';
import { parseChanges, parsePage, parseRecord } from './export-documents.js';
import { type SiteFile, type SiteKind, siteFiles } from './site-files.js';

export const PULL_STATE_FILE = '.syndicate-pull.json';
const PULL_STATE_SCHEMA = 'ilo-syndication/pull-state@1';
const MAX_PAGES = 10_000;
const RECORDS_AT_ONCE = 6;

export interface PullState {
  schema: typeof PULL_STATE_SCHEMA;
  from: string;
  site: SiteKind;
  /** The highest changes.json seq seen. */
  seq: number;
  /** changes.json's ETag, to revalidate. */
  changesEtag?: string;
  /** What the site holds of each story. */
  stories: Record<string, { version: number; files: string[] }>;
}

export interface PullOptions {
  /** The source's public root (the exports are under <from>/exports/v1/). */
  from: string;
  site: SiteKind;
}

export interface PullReport {
  /** changes.json answered 304: nothing read beyond it, nothing written. */
  upToDate: boolean;
  /** The address the folder was pulled from before, when this pull's source is another one. */
  movedFrom?: string;
  /** Whether the index and archive pages were walked (first pull, or the cursor fell behind). */
  walked: boolean;
  /** Stories whose records were read. */
  storiesRead: number;
  storiesRemoved: string[];
  written: string[];
  removed: string[];
  seq: number;
}

interface Wanted {
  id: string;
  href: string;
}

export async function pullExports(source: ExportSource, folder: SiteFolder, options: PullOptions): Promise<PullReport> {
  const from = options.from.replace(/\/+$/, '');
  const state = await readState(folder, options.site, from);
  const movedFrom = state && state.from !== from ? state.from : undefined;
  const report: PullReport = {
    upToDate: false,
    ...(movedFrom ? { movedFrom } : {}),
    walked: false,
    storiesRead: 0,
    storiesRemoved: [],
    written: [],
    removed: [],
    seq: state?.seq ?? 0,
  };

  // Phase 1: read and check everything.
  const changesUrl = `${from}/${keys.exportChanges()}`;
  const answer = await source.get(changesUrl, movedFrom ? undefined : state?.changesEtag);
  if (answer.status === 'not-modified' && state && !movedFrom) return { ...report, upToDate: true };
  const changes = answer.status === 'ok' ? parseChanges(changesUrl, answer.body) : undefined;
  for (const change of changes?.changes ?? []) within(from, change.href, changesUrl);
  const newest = Math.max(0, ...(changes?.changes.map((change) => change.seq) ?? []));

  const { wanted, removedIds } = await chooseWanted(source, from, state, changes, movedFrom, report);
  const records = await fetchRecords(source, wanted, removedIds);
  report.storiesRead = records.length;
  const { writes, removals, stories } = await planSiteChanges(folder, records, removedIds, state, options.site, report);

  const next: PullState = {
    schema: PULL_STATE_SCHEMA,
    from,
    site: options.site,
    seq: changes ? (report.walked ? newest : Math.max(state?.seq ?? 0, newest)) : 0,
    ...(answer.status === 'ok' && answer.etag ? { changesEtag: answer.etag } : {}),
    stories: Object.fromEntries(Object.entries(stories).sort(([a], [b]) => a.localeCompare(b))),
  };

  // Phase 2: write, remove, then the cursor.
  await applySiteChanges(folder, writes, removals, next, report);
  report.seq = next.seq;
  return report;
}

/**
 * The stories whose records to read (newer than what the site has) and the ids the source no longer
 * lists: from the changes after the cursor, or by walking the pages where the list cannot say.
 */
async function chooseWanted(
  source: ExportSource,
  from: string,
  state: PullState | undefined,
  changes: ChangesList | undefined,
  movedFrom: string | undefined,
  report: PullReport,
): Promise<{ wanted: Wanted[]; removedIds: Set<string> }> {
  const wanted: Wanted[] = [];
  const removedIds = new Set<string>();
  if (movedFrom || !state || !changes || mustWalk(state, changes)) {
    report.walked = true;
    const listed = await walkPages(source, from);
    for (const story of listed.values())
      if (state?.stories[story.id]?.version !== story.version) wanted.push({ id: story.id, href: story.href });
    for (const id of Object.keys(state?.stories ?? {})) if (!listed.has(id)) removedIds.add(id);
  } else {
    const latest = new Map<string, { version: number; href: string }>();
    for (const change of changes.changes) {
      if (change.seq <= state.seq) continue;
      if ((latest.get(change.id)?.version ?? 0) < change.version) latest.set(change.id, change);
    }
    for (const [id, change] of latest)
      if ((state.stories[id]?.version ?? 0) < change.version) wanted.push({ id, href: change.href });
  }
  return { wanted, removedIds };
}

/**
 * The wanted records, a few at a time (a first pull reads every story), kept in the order they were
 * listed; a story the source took away (404) joins `removedIds`.
 */
async function fetchRecords(
  source: ExportSource,
  wanted: Wanted[],
  removedIds: Set<string>,
): Promise<ExportedArticle[]> {
  const fetched: (ExportedArticle | undefined)[] = new Array(wanted.length);
  await forEachLimited(wanted, RECORDS_AT_ONCE, async ({ id, href }, i) => {
    const got = await source.get(href);
    if (got.status === 'gone') {
      removedIds.add(id); // the source took the story away
      return;
    }
    if (got.status !== 'ok') throw new BadExport(`${href} answered 304 to an unconditional request`);
    fetched[i] = parseRecord(href, got.body, id);
  });
  return fetched.filter((record): record is ExportedArticle => record !== undefined);
}

/** What to write and remove: only files whose content differs from what the site holds; and what the site will hold. */
async function planSiteChanges(
  folder: SiteFolder,
  records: ExportedArticle[],
  removedIds: Set<string>,
  state: PullState | undefined,
  site: SiteKind,
  report: PullReport,
): Promise<{ writes: SiteFile[]; removals: Set<string>; stories: PullState['stories'] }> {
  const stories: PullState['stories'] = { ...(state?.stories ?? {}) };
  const writes: SiteFile[] = [];
  const removals = new Set<string>();
  for (const record of records) {
    const files = siteFiles(record, site);
    for (const file of files) if ((await folder.read(file.path)) !== file.content) writes.push(file);
    const paths = new Set(files.map((file) => file.path));
    for (const old of stories[record.id]?.files ?? []) if (!paths.has(old)) removals.add(old);
    stories[record.id] = { version: record.version, files: [...paths] };
  }
  for (const id of removedIds) {
    for (const old of stories[id]?.files ?? []) removals.add(old);
    if (stories[id]) report.storiesRemoved.push(id);
    delete stories[id];
  }
  for (const file of writes) removals.delete(file.path);
  return { writes, removals, stories };
}

/** Phase 2: the files written, then those removed, then the pull state (the cursor) last. */
async function applySiteChanges(
  folder: SiteFolder,
  writes: SiteFile[],
  removals: Set<string>,
  next: PullState,
  report: PullReport,
): Promise<void> {
  for (const file of writes) {
    await folder.write(file.path, file.content);
    report.written.push(file.path);
  }
  for (const path of [...removals].sort()) {
    if ((await folder.read(path)) === undefined) continue;
    await folder.remove(path);
    report.removed.push(path);
  }
  const stateText = `${JSON.stringify(next, null, 2)}\n`;
  if ((await folder.read(PULL_STATE_FILE)) !== stateText) await folder.write(PULL_STATE_FILE, stateText);
}

/**
 * The changes list cannot bring the site up to date when: this is the first pull; the source has
 * no changes list; the list restarted (its newest seq is below the cursor); or changes after the
 * cursor have scrolled out of it.
 */
function mustWalk(state: PullState, changes: ChangesList): boolean {
  const seqs = changes.changes.map((change) => change.seq);
  if (seqs.length === 0) return state.seq > 0;
  if (Math.max(...seqs) < state.seq) return true;
  return !changes.complete && Math.min(...seqs) > state.seq + 1;
}

/** Every story in the index and the archive pages it leads to, by id. */
async function walkPages(
  source: ExportSource,
  from: string,
): Promise<Map<string, { id: string; version: number; href: string }>> {
  const stories = new Map<string, { id: string; version: number; href: string }>();
  const seen = new Set<string>();
  let url: string | null = `${from}/${keys.exportIndex()}`;
  while (url) {
    if (seen.has(url)) throw new BadExport(`${url} is listed twice in the chain of next pages`);
    if (seen.size >= MAX_PAGES)
      throw new BadExport(`more than ${MAX_PAGES} pages follow ${from}/${keys.exportIndex()}`);
    seen.add(url);
    const got = await source.get(url);
    if (got.status !== 'ok')
      throw new BadExport(
        `${url} ${got.status === 'gone' ? 'is missing (404)' : 'answered 304 to an unconditional request'}`,
      );
    const page = parsePage(url, got.body);
    for (const story of page.articles) {
      within(from, story.href, url);
      if ((stories.get(story.id)?.version ?? 0) < story.version) stories.set(story.id, story);
    }
    url = page.next === null ? null : within(from, page.next, url);
  }
  return stories;
}

/** Runs task(item, index) over `items` with at most `limit` at a time; the first failure stops the others starting. */
async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  const queue = items.entries();
  let failed = false;
  const worker = async () => {
    for (const [index, item] of queue) {
      if (failed) return;
      try {
        await task(item, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** A link in a document must stay on the source pull was pointed at. */
function within(from: string, link: string, where: string): string {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw new BadExport(`${where} links to ${JSON.stringify(link)}, which is not a URL`);
  }
  const root = new URL(`${from}/`);
  if (url.origin !== root.origin || !url.pathname.startsWith(root.pathname)) {
    throw new BadExport(
      `${where} links to ${link}, outside ${from} (pull fetches only from the source it was given: was the run's --public-url another address?)`,
    );
  }
  return url.toString();
}

async function readState(folder: SiteFolder, site: SiteKind, from: string): Promise<PullState | undefined> {
  const text = await folder.read(PULL_STATE_FILE);
  if (text === undefined) return undefined;
  let state: PullState;
  try {
    state = JSON.parse(text) as PullState;
  } catch {
    throw new BadExport(`${PULL_STATE_FILE} in the site folder is not JSON: remove it to pull everything again`);
  }
  if (state.schema !== PULL_STATE_SCHEMA || typeof state.seq !== 'number' || !state.stories) {
    throw new BadExport(
      `${PULL_STATE_FILE} in the site folder is not a pull state: remove it to pull everything again`,
    );
  }
  if (state.site !== site) {
    throw new BadExport(
      `this folder holds a ${state.site} pull from ${state.from}: pull ${site} from ${from} into another folder`,
    );
  }
  return state;
}
