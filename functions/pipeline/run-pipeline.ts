// One run of the whole pipeline: discover -> ingest each new or changed story -> publish -> notify.
// The CLI calls it as is; on AWS the same steps run in separate Lambdas.
import { GENERATOR, type PipelineOptions } from './config.js';
import type { Candidate } from './discover/choose-candidates.js';
import type { DiscoveryResult } from './discover/read-sitemaps.js';
import { type DiscoveryState, markHandled } from './discover/discovery-state.js';
import { planDiscovery, saveDiscoveryState } from './discover/plan-discovery.js';
import { FetchFailure, errorMessage, isError } from './errors.js';
import { EmptyStory, type IngestOutcome, type IngestSettings, ingestStory } from './ingest/ingest-story.js';
import { describeWarning, markupDriftCount } from './ingest/extraction-warnings.js';
import type { PageResult, PipelinePorts } from './ports.js';
import { type PublishReport, publishPending } from './publish/publish.js';

export interface StoryFailure {
  url: string;
  reason: string;
}

export interface RunReport {
  discovery: DiscoveryResult;
  /** News pages known to the pipeline (all languages). */
  knownPages: number;
  /** Pages selected for ingest this run. */
  candidates: number;
  /** Known pages still to fetch after this run (failed, beyond --max, or set aside). */
  pendingPages: number;
  /** Of those, pages set aside (beyond a first run's window, older than --since): --backfill takes them. */
  setAsidePages: number;
  /** Pages fetched as part of their twin's story (not fetched again on their own). */
  coveredByTwin: number;
  newStories: string[];
  updatedStories: string[];
  unchanged: number;
  gone: string[];
  rejected: StoryFailure[];
  failed: StoryFailure[];
  warnings: string[];
  /** Pages that needed a fallback extraction layer: the site's markup changed. */
  markupDrift: number;
  /**
   * Pages whose content came back damaged (cut short, or bytes no charset reads): nothing of them was
   * stored; they stay pending and are fetched again next run. Their stories are listed in `failed`
   * (a story fails when its twin's page is damaged, rather than being stored without it).
   */
  suspectPages: number;
  publish: PublishReport;
  durationMs: number;
}

/** What a run reports before publish: discovery's figures and each candidate's outcome. */
type IngestTally = Omit<RunReport, 'publish' | 'durationMs' | 'pendingPages' | 'setAsidePages'>;

/** One run's ingest: what every candidate shares. */
interface IngestRun {
  ports: PipelinePorts;
  settings: IngestSettings;
  state: DiscoveryState;
  report: IngestTally;
  /** Pages stored this run as part of a story (the twin of a candidate before them). */
  covered: Set<string>;
  /** Pages whose content arrived damaged. */
  damaged: Set<string>;
}

export async function runPipeline(ports: PipelinePorts, options: PipelineOptions): Promise<RunReport> {
  const started = ports.clock.now().getTime();
  const plan = await planDiscovery(ports, options);
  const { discovery, candidates, state, knownPages } = plan;

  const report: IngestTally = {
    discovery,
    knownPages,
    candidates: candidates.length,
    coveredByTwin: 0,
    newStories: [],
    updatedStories: [],
    unchanged: 0,
    gone: [],
    rejected: [],
    failed: [],
    warnings: [],
    markupDrift: 0,
    suspectPages: 0,
  };
  const run: IngestRun = {
    ports,
    settings: options.mirrorOrigin ? { mirrorOrigin: options.mirrorOrigin } : {},
    state,
    report,
    covered: new Set<string>(),
    damaged: new Set<string>(),
  };
  await ingestCandidates(run, candidates, options.concurrency);

  const { pending, setAside } = await saveDiscoveryState(plan);

  ports.progress?.({ stage: 'publish' });
  const publish = await publishPending(ports, {
    publicUrl: options.publicUrl,
    contentMode: options.contentMode,
    generator: GENERATOR,
  });
  report.warnings.push(...publish.warnings);
  report.suspectPages = run.damaged.size;
  return {
    ...report,
    pendingPages: pending,
    setAsidePages: setAside,
    publish,
    durationMs: ports.clock.now().getTime() - started,
  };
}

/**
 * English pages first: each brings its Chinese twin along, so the Chinese candidates that follow
 * are mostly covered already. Run in two phases so a pair is never ingested twice at once.
 */
async function ingestCandidates(run: IngestRun, candidates: Candidate[], concurrency: number): Promise<void> {
  const phases = [candidates.filter((c) => c.lang === 'en'), candidates.filter((c) => c.lang !== 'en')];
  const progress = run.ports.progress ?? (() => undefined);
  const total = candidates.length;
  let done = 0;
  progress({ stage: 'ingest', total });
  for (const phase of phases)
    await forEachLimited(phase, concurrency, async (candidate: Candidate) => {
      progress({ stage: 'page-start', url: candidate.url, done, total });
      const result = await ingestCandidate(run, candidate);
      progress({ stage: 'page-done', url: candidate.url, done: ++done, total, ...result });
    });
}

async function ingestCandidate(run: IngestRun, candidate: Candidate): Promise<PageResult> {
  const { ports, report } = run;
  if (run.covered.has(candidate.url)) {
    report.coveredByTwin++;
    return { outcome: 'covered' };
  }
  let outcome: IngestOutcome;
  try {
    outcome = await ingestStory(ports, run.settings, candidate);
  } catch (error) {
    // One story's failure never stops the run; it stays pending and is retried next run.
    const reason = describeFailure(error);
    if (error instanceof FetchFailure && SUSPECT_CONTENT.has(error.reason)) run.damaged.add(error.url);
    report.failed.push({ url: candidate.url, reason });
    ports.logger.warn('story failed', { url: candidate.url, reason });
    return { outcome: 'failed', reason };
  }
  return tallyOutcome(run, candidate, outcome);
}

/** Notes an ingest's outcome in the discovery state and the report. */
function tallyOutcome(run: IngestRun, candidate: Candidate, outcome: IngestOutcome): PageResult {
  const { state, report } = run;
  switch (outcome.status) {
    case 'stored':
      for (const page of outcome.covered) {
        run.covered.add(page.url);
        if (state.urls[page.url])
          markHandled(state, page.url, page.lang, page.url === candidate.url ? 'ingested' : 'covered');
      }
      if (outcome.change === 'new') report.newStories.push(outcome.id);
      else if (outcome.change === 'updated') report.updatedStories.push(outcome.id);
      else report.unchanged++;
      report.warnings.push(...outcome.warnings.map(describeWarning));
      report.markupDrift += markupDriftCount(outcome.warnings);
      return {
        outcome: outcome.change === 'new' ? 'new' : outcome.change === 'updated' ? 'updated' : 'unchanged',
        id: outcome.id,
      };
    case 'gone':
      markHandled(state, candidate.url, candidate.lang, 'gone');
      report.gone.push(candidate.url);
      return { outcome: 'gone' };
    case 'rejected':
      markHandled(state, candidate.url, candidate.lang, 'rejected');
      report.rejected.push({ url: candidate.url, reason: outcome.reason });
      return { outcome: 'rejected', reason: outcome.reason };
  }
}

// Failures that mean the page's content arrived damaged: worth fetching again, never storing.
const SUSPECT_CONTENT = new Set(['truncated', 'bad-content']);

function describeFailure(error: unknown): string {
  // The reason code first: operators grep for it ("host-not-allowed", "timeout", "empty-story"...).
  if (error instanceof FetchFailure) return `${error.reason}: ${error.message}`;
  if (error instanceof EmptyStory) return `empty-story: ${error.message}`;
  return isError(error) ? `${error.name}: ${error.message}` : errorMessage(error);
}

/** Runs `task` over `items` with at most `limit` at a time. */
async function forEachLimited<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  const queue = items.values();
  const worker = async () => {
    for (const item of queue) await task(item);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
