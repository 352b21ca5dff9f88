// The whole pipeline in process: a site kept as files, the memory store (or any store), a notifier
// that records what it sends, and a clock that moves one second per reading. Fast and
// deterministic enough to run hundreds of times in one test.
import { DEFAULT_OPTIONS, type PipelineOptions } from '../../functions/pipeline/config.js';
import { notificationEvent } from '../../functions/pipeline/notify/notification-message.js';
import type { NotificationEnvelope, Notifier, PipelinePorts, Store } from '../../functions/pipeline/ports.js';
import { type RunReport, runPipeline } from '../../functions/pipeline/run-pipeline.js';
import { FixtureFetcher } from './fixture-fetcher.js';
import { MemoryStore } from './memory-store.js';

export const HARNESS_PUBLIC_URL = 'https://feeds.example.org';

/** A notifier that keeps every message it accepted. */
export class RecordingNotifier implements Notifier {
  readonly sent: NotificationEnvelope[] = [];

  async publish(message: NotificationEnvelope): Promise<void> {
    this.sent.push(message);
  }

  /** `<id>@<version>` of every message sent, in order. */
  keys(): string[] {
    return this.sent.map((message) => {
      const event = notificationEvent(message);
      return `${event.id}@${event.version}`;
    });
  }
}

export const silentLogger = { info() {}, warn() {}, error() {} };

/** A clock that starts at `start` and moves one second each time it is read. */
export function steppingClock(start = '2026-11-25T12:00:00Z'): { now: () => Date } {
  let t = Date.parse(start);
  return { now: () => new Date((t += 1000)) };
}

export interface Harness {
  store: Store;
  notifier: RecordingNotifier;
  fetcher: FixtureFetcher;
  ports: PipelinePorts;
  run(options?: Partial<PipelineOptions>): Promise<RunReport>;
}

export function pipelineHarness(options: { root?: string; store?: Store; notifier?: RecordingNotifier; clock?: { now: () => Date } } = {}): Harness {
  const store = options.store ?? new MemoryStore();
  const notifier = options.notifier ?? new RecordingNotifier();
  const fetcher = new FixtureFetcher(options.root);
  const ports: PipelinePorts = { store, notifier, fetcher, clock: options.clock ?? steppingClock(), logger: silentLogger };
  return {
    store,
    notifier,
    fetcher,
    ports,
    run: (overrides = {}) => runPipeline(ports, { ...DEFAULT_OPTIONS, publicUrl: HARNESS_PUBLIC_URL, ...overrides }),
  };
}
