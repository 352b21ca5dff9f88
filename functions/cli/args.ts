// Command-line flags to a typed, validated configuration. Every mistake is one clear line.
import path from 'node:path';
import { parseArgs } from 'node:util';

type ParseArgsOptionsConfig = NonNullable<Parameters<typeof parseArgs>[0]>['options'] & {};
import { DEFAULT_OPTIONS, type ContentMode } from '../pipeline/config.js';
import { parseIloDate } from '../pipeline/extract/dates.js';
import { ILO_ORIGIN } from '../pipeline/site/ilo-urls.js';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type StoreSpec = { kind: 'fs'; dir: string } | { kind: 's3'; bucket: string; prefix: string };
export type NotifySpec = { kind: 'outbox'; file: string } | { kind: 'sns'; topicArn: string };

export interface RunConfig {
  command: 'run' | 'demo';
  origin: string;
  store: StoreSpec;
  notify: NotifySpec;
  publicUrl: string;
  since?: string;
  max: number;
  backfill: boolean;
  contentMode: ContentMode;
  userAgent?: string;
  /** Requests per second to the origin (0: no pacing; the default is 1, and none on loopback). */
  rate?: number;
  concurrency: number;
  timeoutMs: number;
  /** Retries of a request that failed on 429, 5xx or the network. */
  retries: number;
  verbose: boolean;
  json: boolean;
}

export interface ServeConfig {
  command: 'serve';
  store: StoreSpec;
  port: number;
}

export type Command = RunConfig | ServeConfig | { command: 'help' };

const RUN_FLAGS = {
  origin: { type: 'string' },
  data: { type: 'string' },
  store: { type: 'string' },
  notify: { type: 'string' },
  'public-url': { type: 'string' },
  since: { type: 'string' },
  max: { type: 'string' },
  backfill: { type: 'boolean' },
  content: { type: 'string' },
  'user-agent': { type: 'string' },
  rate: { type: 'string' },
  concurrency: { type: 'string' },
  timeout: { type: 'string' },
  retries: { type: 'string' },
  verbose: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const SERVE_FLAGS = {
  data: { type: 'string' },
  store: { type: 'string' },
  port: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const DEFAULT_DATA_DIR = './data';

export function parseCommand(argv: string[]): Command {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') return { command: 'help' };
  if (command === 'run' || command === 'demo') return parseRun(command, rest);
  if (command === 'serve') return parseServe(rest);
  throw new UsageError(`unknown command '${command}' (expected run, serve or demo)`);
}

function parseRun(command: 'run' | 'demo', argv: string[]): RunConfig | { command: 'help' } {
  const { values } = parse(argv, RUN_FLAGS);
  if (values.help) return { command: 'help' };
  if (values.data !== undefined && values.store !== undefined) throw new UsageError('--data and --store name the same thing: give one of them');
  const store = storeSpec(values.data, values.store);
  return {
    command,
    origin: values.origin === undefined ? ILO_ORIGIN : httpUrl('--origin', values.origin),
    store,
    notify: notifySpec(values.notify, store),
    publicUrl: values['public-url'] === undefined ? DEFAULT_OPTIONS.publicUrl : httpUrl('--public-url', values['public-url']),
    ...(values.since !== undefined ? { since: sinceDate(values.since) } : {}),
    max: values.max === undefined ? DEFAULT_OPTIONS.max : integer('--max', values.max, 0, 1_000_000),
    backfill: values.backfill ?? false,
    contentMode: contentMode(values.content),
    ...(values['user-agent'] !== undefined ? { userAgent: userAgent(values['user-agent']) } : {}),
    ...(values.rate !== undefined ? { rate: number('--rate', values.rate, 0, 100) } : {}),
    concurrency: values.concurrency === undefined ? DEFAULT_OPTIONS.concurrency : integer('--concurrency', values.concurrency, 1, 16),
    timeoutMs: values.timeout === undefined ? 20_000 : integer('--timeout', values.timeout, 1, 600) * 1000,
    retries: values.retries === undefined ? 3 : integer('--retries', values.retries, 0, 10),
    verbose: values.verbose ?? false,
    json: values.json ?? false,
  };
}

function parseServe(argv: string[]): ServeConfig | { command: 'help' } {
  const { values } = parse(argv, SERVE_FLAGS);
  if (values.help) return { command: 'help' };
  if (values.data !== undefined && values.store !== undefined) throw new UsageError('--data and --store name the same thing: give one of them');
  return {
    command: 'serve',
    store: storeSpec(values.data, values.store),
    port: values.port === undefined ? 8080 : integer('--port', values.port, 0, 65535),
  };
}

function parse<T extends ParseArgsOptionsConfig>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  } catch (error) {
    // node:util says e.g. "Unknown option '--orign'. To specify a positional argument..."; keep the first sentence.
    throw new UsageError((error as Error).message.split('. ')[0]!.replace(/^./, (c) => c.toLowerCase()));
  }
}

function storeSpec(data: string | undefined, store: string | undefined): StoreSpec {
  if (store !== undefined) {
    const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(store);
    if (!match) throw new UsageError(`--store must look like s3://BUCKET or s3://BUCKET/PREFIX, got '${store}'`);
    const prefix = (match[2] ?? '').replace(/^\/+|\/+$/g, '');
    return { kind: 's3', bucket: match[1]!, prefix };
  }
  if (data !== undefined && data.trim() === '') throw new UsageError('--data needs a folder');
  return { kind: 'fs', dir: path.resolve(data ?? DEFAULT_DATA_DIR) };
}

function notifySpec(notify: string | undefined, store: StoreSpec): NotifySpec {
  if (notify === undefined || notify === 'outbox') {
    if (store.kind !== 'fs') {
      if (notify === 'outbox') throw new UsageError('--notify outbox writes into the data folder: use it with --data, or give --notify sns:TOPIC_ARN');
      throw new UsageError('with --store s3://... give --notify sns:TOPIC_ARN (the outbox is a local file)');
    }
    return { kind: 'outbox', file: path.join(store.dir, 'notifications.jsonl') };
  }
  const match = /^sns:(arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256})$/.exec(notify);
  if (!match) throw new UsageError(`--notify must be 'outbox' or sns:TOPIC_ARN (arn:aws:sns:REGION:ACCOUNT:NAME), got '${notify}'`);
  return { kind: 'sns', topicArn: match[1]! };
}

function httpUrl(flag: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${flag} must be an http(s) URL, got '${value}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${flag} must be an http(s) URL, got '${value}'`);
  if (url.search || url.hash) throw new UsageError(`${flag} must not have a query or fragment, got '${value}'`);
  return url.toString().replace(/\/+$/, '');
}

function sinceDate(value: string): string {
  const parsed = parseIloDate(value);
  if (!parsed) throw new UsageError(`--since must be a date like 2025-01-31, got '${value}'`);
  return parsed;
}

function integer(flag: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got '${value}'`);
  const n = Number(value);
  if (n < min || n > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got '${value}'`);
  return n;
}

function number(flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw new UsageError(`${flag} must be a number from ${min} to ${max}, got '${value}'`);
  return n;
}

function contentMode(value: string | undefined): ContentMode {
  if (value === undefined) return 'full';
  if (value === 'full' || value === 'summary') return value;
  throw new UsageError(`--content must be 'full' or 'summary', got '${value}'`);
}

function userAgent(value: string): string {
  if (!/^[\x20-\x7E]{8,300}$/.test(value)) throw new UsageError('--user-agent must be 8 to 300 printable ASCII characters');
  return value;
}

export const HELP = `Usage: npm run syndicate -- <command> [flags]

Commands
  run     Discover new and changed ILO news, ingest, publish feeds and exports, notify.
  serve   Serve the public files of a data folder on 127.0.0.1 for feed readers.
  demo    What \`npm start\` does: serve the bundled ILO replica and run against it, offline.

run flags
  --origin URL        Fetch the ILO site from here (a mirror); outputs keep https://www.ilo.org URLs.
                      Default https://www.ilo.org
  --data DIR          Local store folder (default ./data)
  --store s3://BUCKET[/PREFIX]   Use an S3 bucket as the store instead (AWS credentials from the environment)
  --notify outbox|sns:TOPIC_ARN  Where notifications go (default: outbox, DIR/notifications.jsonl)
  --public-url URL    Where the public files are served; feed self links are built on it
                      (default http://127.0.0.1:8080, where \`serve\` listens)
  --since DATE        Only stories changed on or after DATE (YYYY-MM-DD)
  --max N             At most N pages this run, the rest next run (default 200; 0 = no limit)
  --backfill          Ingest the whole archive over as many runs as it takes
  --content full|summary   Full text in feeds and exports, or title, lead and link only (default full)
  --user-agent UA     User-Agent sent to the origin (name your project and a contact URL)
  --rate N            Requests per second to the origin (default 1; no pacing on a loopback mirror)
  --concurrency N     Stories ingested at once (default 2)
  --timeout SECONDS   Per-request timeout (default 20)
  --retries N         Retries on 429, 5xx and network errors, with backoff (default 3)
  --verbose           Log every step on stderr
  --json              Print the run report as JSON instead of the summary

serve flags
  --data DIR          The data folder to serve (default ./data)
  --port N            Port on 127.0.0.1 (default 8080)

Exit status: 0 when the run completed (single stories may have failed; they are retried next run),
1 when it could not run (origin unreachable, store not writable), 2 for a bad command line.`;
