// The whole pipeline in process: a site kept as files, the memory store (or any store), a notifier
// that records what it sends, and a clock that moves one second per reading. Fast and
// deterministic enough to run hundreds of times in one test.
import { DEFAULT_OPTIONS, type PipelineOptions } from '#pipeline/config.js';
import { notificationEvent } from '#test/helpers/notification-event.js';
import type { NotificationEnvelope, Notifier, PipelinePorts, Store, TokenSource } from '#pipeline/ports.js';
import { type RunReport, runPipeline } from '#pipeline/run-pipeline.js';
import { FixtureFetcher } from './fixture-fetcher.js';
import { MemoryStore } from './memory-store.js';

export const HARNESS_PUBLIC_URL = 'https://feeds.example.org';

/**
 * A notifier that keeps every message it accepted. Like the local outbox it can tell whether a
 * message was sent already; `{ canTell: false }` makes it SNS-like (it cannot).
 */
export class RecordingNotifier implements Notifier {
  readonly sent: NotificationEnvelope[] = [];
  readonly findSent?: (dedupeKey: string) => Promise<string | undefined>;

  constructor(options: { canTell?: boolean } = {}) {
    if (options.canTell === false) return;
    this.findSent = async (dedupeKey) => {
      const index = this.sent.findIndex((message) => message.MessageAttributes.dedupeKey?.StringValue === dedupeKey);
      return index >= 0 ? `message-${index + 1}` : undefined;
    };
  }

  async publish(message: NotificationEnvelope): Promise<{ messageId: string }> {
    this.sent.push(message);
    return { messageId: `message-${this.sent.length}` };
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

/** Tokens that differ in every call and every test run, like the real ones. */
export function testTokens(): TokenSource {
  let n = 0;
  const run = Math.random().toString(36).slice(2, 8);
  return { newToken: () => `token-${run}-${++n}` };
}

/** A clock that starts at `start` and moves one second each time it is read. */
export function steppingClock(start = '2026-11-25T12:00:00Z'): { now: () => Date } {
  let t = Date.parse(start);
  return {
    now: () => {
      t += 1000;
      return new Date(t);
    },
  };
}

export interface Harness {
  store: Store;
  notifier: RecordingNotifier;
  fetcher: FixtureFetcher;
  ports: PipelinePorts;
  run(options?: Partial<PipelineOptions>): Promise<RunReport>;
}

export interface HarnessOptions {
  root?: string;
  store?: Store;
  notifier?: RecordingNotifier;
  clock?: { now: () => Date };
  /** Runs before each fetch answers. */
  fetchDelay?: () => Promise<void>;
}

export function pipelineHarness(options: HarnessOptions = {}): Harness {
  const store = options.store ?? new MemoryStore();
  const notifier = options.notifier ?? new RecordingNotifier();
  const fetcher = new FixtureFetcher(options.root, options.fetchDelay);
  const ports: PipelinePorts = {
    store,
    notifier,
    fetcher,
    clock: options.clock ?? steppingClock(),
    tokens: testTokens(),
    logger: silentLogger,
  };
  return {
    store,
    notifier,
    fetcher,
    ports,
    run: (overrides = {}) => runPipeline(ports, { ...DEFAULT_OPTIONS, publicUrl: HARNESS_PUBLIC_URL, ...overrides }),
  };
}
