// The systematic fault-injection suite: a step of the pipeline (a whole run, or a publish) is done
// once without faults as the reference, then again once for every store operation k and every way
// of failing there (FaultyStore: fail, lose the reply, crash after it), each time followed by one
// ordinary rerun an hour later. After it, the public files must equal the reference's (timestamps
// aside) and every notification must have been sent exactly once, by the faulted run or the rerun.
import { createHash } from 'node:crypto';
import type { Store, StoredObject } from '#pipeline/ports.js';
import { type FaultMode, FaultyStore, type StoreOperation } from './faulty-store.js';
import type { MemoryStore } from './memory-store.js';
import { RecordingNotifier } from './pipeline-harness.js';
import { publicFiles } from './public-files.js';

export interface FaultScenario {
  /** The store as the step finds it; cloned for every case. */
  before: MemoryStore;
  /** The step under test, and the ordinary rerun after it, at a given time. */
  step(store: Store, notifier: RecordingNotifier, at: number): Promise<unknown>;
}

export interface FaultCase {
  at: number;
  operation: StoreOperation;
  mode: FaultMode;
}

export interface FaultFigures {
  operations: number;
  /** Runs made: the reference, each faulted step, and each rerun from a state not checked before. */
  runs: number;
  faultsInjected: number;
  storiesLost: number;
  duplicateNotifications: number;
  /** Cases whose outcome differed from the reference, described (empty when all is well). */
  failures: string[];
}

const HOUR = 60 * 60 * 1000;

/** The reference outcome, and the operations of the step (which of them write). */
export async function referenceOf(
  scenario: FaultScenario,
): Promise<{ files: Record<string, string>; notified: string[]; operations: StoreOperation[] }> {
  const store = scenario.before.clone();
  const operations: StoreOperation[] = [];
  const recording = new FaultyStore(store, {
    trigger: {
      match: (operation) => {
        operations.push(operation);
        return false;
      },
    },
    mode: 'fail',
  });
  const notifier = new RecordingNotifier();
  await scenario.step(recording, notifier, 0);
  return { files: await publicFiles(store), notified: notifier.keys().sort(), operations };
}

/**
 * Every case: `fail` at every operation (the run goes on as the code decides), and `lose-reply` and
 * `crash-after` at every write (at a read they leave the store as `fail` or an earlier crash does).
 */
export function casesOf(operations: StoreOperation[]): FaultCase[] {
  const cases: FaultCase[] = [];
  operations.forEach((operation, i) => {
    cases.push({ at: i + 1, operation, mode: 'fail' });
    if (operation.kind === 'put' || operation.kind === 'delete') {
      cases.push({ at: i + 1, operation, mode: 'lose-reply' }, { at: i + 1, operation, mode: 'crash-after' });
    }
  });
  return cases;
}

/** `reference` is referenceOf(scenario), when the caller has it already (it is a whole run). */
export async function runFaultCases(
  scenario: FaultScenario,
  cases: FaultCase[],
  reference?: Awaited<ReturnType<typeof referenceOf>>,
): Promise<FaultFigures> {
  reference ??= await referenceOf(scenario);
  const figures: FaultFigures = {
    operations: reference.operations.length,
    runs: 1,
    faultsInjected: 0,
    storiesLost: 0,
    duplicateNotifications: 0,
    failures: [],
  };
  const referenceStories = storiesIn(reference.files);
  // Many faults leave the same state (a fault that stops the step at a read leaves what a crash after
  // the write before it leaves); the rerun from a state already checked would do the same again.
  const checked = new Set<string>();
  for (const fault of cases) {
    const store = scenario.before.clone();
    const notifier = new RecordingNotifier();
    const faulty = new FaultyStore(store, { trigger: { at: fault.at }, mode: fault.mode });
    await scenario.step(faulty, notifier, 0).catch(() => undefined);
    figures.runs++;
    if (faulty.hit) figures.faultsInjected++;
    const label = `${fault.mode} at #${fault.at} (${fault.operation.kind} ${fault.operation.key})`;
    if (!faulty.hit) figures.failures.push(`${label}: the fault was never injected`);
    const state = await fingerprint(store, notifier);
    if (checked.has(state)) continue;
    checked.add(state);
    await scenario.step(store, notifier, HOUR);
    figures.runs++;

    const files = await publicFiles(store);
    const stories = storiesIn(files);
    const lost = [...referenceStories].filter((id) => !stories.has(id));
    figures.storiesLost += lost.length;
    const sent = notifier.keys().sort();
    figures.duplicateNotifications += sent.length - new Set(sent).size;
    if (lost.length > 0) figures.failures.push(`${label}: stories lost ${lost.join(', ')}`);
    if (JSON.stringify(sent) !== JSON.stringify(reference.notified))
      figures.failures.push(`${label}: notifications ${JSON.stringify(sent)}`);
    const differing = [...new Set([...Object.keys(files), ...Object.keys(reference.files)])].filter(
      (key) => files[key] !== reference.files[key],
    );
    if (differing.length > 0) figures.failures.push(`${label}: files differ ${differing.slice(0, 5).join(', ')}`);
  }
  return figures;
}

/** Everything a rerun starts from: every stored object (run tokens aside) and what was sent. */
async function fingerprint(store: MemoryStore, notifier: RecordingNotifier): Promise<string> {
  const hash = createHash('sha256');
  for await (const key of store.list('')) {
    const object = await store.get(key);
    hash.update(`${key}\n${object ? bodyDigest(object) : ''}\n`);
  }
  hash.update(notifier.keys().join(' '));
  return hash.digest('hex');
}

/**
 * The digest of an object's body without run tokens, kept per stored object: a clone shares the
 * objects nobody rewrote, so each case hashes only what its own run wrote.
 */
const digests = new WeakMap<StoredObject, string>();
function bodyDigest(object: StoredObject): string {
  let digest = digests.get(object);
  if (digest === undefined) {
    digest = createHash('sha256')
      .update(object.body.replace(/"token": "[^"]*"/g, ''))
      .digest('hex');
    digests.set(object, digest);
  }
  return digest;
}

/**
 * What a subscriber or partner can reach: each story listed by the export index and archive pages,
 * and each entry of the language feeds.
 */
function storiesIn(files: Record<string, string>): Set<string> {
  const reachable = new Set<string>();
  for (const [key, body] of Object.entries(files)) {
    if (key === 'exports/v1/index.json' || key.startsWith('exports/v1/archive/')) {
      for (const article of (JSON.parse(body) as { articles: { id: string }[] }).articles) reachable.add(article.id);
    } else if (/^feeds\/(en|zh)\/feed\.json$/.test(key)) {
      for (const item of (JSON.parse(body) as { items: { id: string }[] }).items) reachable.add(`${key}: ${item.id}`);
    }
  }
  return reachable;
}
