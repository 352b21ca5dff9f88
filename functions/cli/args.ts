// Command-line flags to a typed, validated configuration. Every mistake is one clear line. Each
// command's flags are one table, which both the parser and that command's --help are made from.
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Static, TSchema } from '@sinclair/typebox';
import type { ContentMode } from '../pipeline/config.js';
import { parseIloDate } from '../pipeline/parse/dates.js';
import type { SiteKind } from '../pipeline/pull/site-files.js';
import { ILO_ORIGIN } from '../pipeline/site/ilo-urls.js';
import { readSetting } from '../settings/setting.js';
import { SETTINGS } from '../settings/settings.js';

export class UsageError extends Error {
  /** The command whose flags were wrong, to point at its --help. */
  readonly command: string | undefined;

  constructor(message: string, command?: string) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
  }
}

/** Where `serve` listens unless told otherwise (the default public URL names it too). */
export const SERVE_PORT = 8080;

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
  /** Which of publicUrl and contentMode were given (with an S3 store, the others come from the store). */
  given: { publicUrl: boolean; contentMode: boolean };
  /** Publish with settings other than those recorded in an S3 store (every public file rendered again). */
  allowSettingsChange: boolean;
  userAgent?: string;
  /** Requests per second to the origin (0: no pacing, a mirror only; the default is 1, and none on loopback). */
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

export interface PullConfig {
  command: 'pull';
  /** Where the public files are served (the exports are under <from>/exports/v1/). */
  from: string;
  site: SiteKind;
  out: string;
  timeoutMs: number;
  verbose: boolean;
}

export type CommandName = 'run' | 'serve' | 'pull' | 'demo';
export type Command = RunConfig | ServeConfig | PullConfig | { command: 'help'; text: string };

interface FlagSpec {
  name: string;
  type: 'string' | 'boolean';
  /** What the value is called in the help ("URL", "N"). */
  value?: string;
  help: string;
  short?: string;
}

const flag = (name: string, value: string | undefined, help: string): FlagSpec =>
  value ? { name, type: 'string', value, help } : { name, type: 'boolean', help };

const DATA = flag('data', 'DIR', 'Local store folder (default ./data)');
const CONTENT = flag(
  'content',
  'full|summary',
  'Full text in feeds and exports, or title, lead and link only (default: what the\nstore was last published with, else full; an s3:// store that records none needs it)',
);
const PUBLIC_URL = flag(
  'public-url',
  'URL',
  'Where the public files are served; feed self links and notification links use it\n(default: what the store was last published with, else http://127.0.0.1:8080,\nwhere `serve` listens; an s3:// store that records none needs it)',
);
const VERBOSE = flag('verbose', undefined, 'Log every page and every step on stderr');
const JSON_REPORT = flag('json', undefined, 'Print the run report as JSON instead of the summary');
const HELP_FLAG: FlagSpec = { name: 'help', type: 'boolean', short: 'h', help: 'This help' };

const COMMANDS: Record<CommandName, { usage: string; about: string; flags: FlagSpec[]; notes?: string }> = {
  run: {
    usage: 'run [flags]',
    about: 'Discover new and changed ILO news, ingest it, publish feeds and exports, notify subscribers.',
    flags: [
      flag(
        'origin',
        'URL',
        'Fetch the ILO site from here (a mirror); outputs keep https://www.ilo.org URLs\n(default https://www.ilo.org)',
      ),
      DATA,
      flag(
        'store',
        's3://BUCKET[/PREFIX]',
        'Use an S3 bucket as the store instead (AWS credentials from the environment)',
      ),
      flag('notify', 'outbox|sns:TOPIC_ARN', 'Where notifications go (default: outbox, DIR/notifications.jsonl)'),
      PUBLIC_URL,
      flag('since', 'DATE', 'Only stories changed on or after DATE (YYYY-MM-DD)'),
      flag('max', 'N', 'At most N pages this run, the rest next run (default 200; 0 = no limit)'),
      flag('backfill', undefined, 'Ingest the whole archive over as many runs as it takes'),
      CONTENT,
      flag(
        'allow-settings-change',
        undefined,
        'With --store s3://: publish with a --public-url or --content other than the one\nrecorded in the store (every public file is rendered again). Without it such a run is refused,\nand the flags left out are taken from the store',
      ),
      flag('user-agent', 'UA', 'User-Agent sent to the origin (name your project and a contact URL)'),
      flag(
        'rate',
        'N',
        'Requests per second to the origin, above 0 (default 1; a loopback mirror is not paced\nunless you give --rate). 0 turns pacing off and is accepted only with a mirror (--origin)',
      ),
      flag(
        'concurrency',
        'N',
        'Stories ingested, and requests to the origin, at once (default 2; --rate still paces\nthem)',
      ),
      flag('timeout', 'SECONDS', 'Per-request timeout (default 20)'),
      flag('retries', 'N', 'Retries on 429, 5xx and network errors, with backoff (default 3)'),
      VERBOSE,
      JSON_REPORT,
    ],
    notes:
      'On a terminal a progress line shows pages done / total, the story being read and the time left;\n' +
      'otherwise a plain line every 10% of a run over more than 10 pages.\n\n' +
      'Exit status: 0 when the run completed (single stories may have failed; they are retried next run),\n' +
      '1 when it could not run (origin unreachable, store not writable), 2 for a bad command line.',
  },
  serve: {
    usage: 'serve [--data DIR] [--port N]',
    about: 'Serve the public files of a data folder on 127.0.0.1, for feed readers and `pull`.',
    flags: [
      flag('data', 'DIR', 'The data folder to serve (default ./data)'),
      flag('store', 's3://BUCKET[/PREFIX]', 'Serve an S3 store instead'),
      flag('port', 'N', 'Port on 127.0.0.1 (default 8080; 0 = any free port)'),
    ],
  },
  pull: {
    usage: 'pull --from URL --site hugo|jekyll --out DIR',
    about:
      "The partner's side: read the public exports over HTTP and write a Hugo content tree or Jekyll posts,\n" +
      'rewriting only what changed since the last pull (it keeps its cursor in DIR/.syndicate-pull.json).',
    flags: [
      flag(
        'from',
        'URL',
        'Where the public files are served (the exports are under URL/exports/v1/);\nonly this host is fetched',
      ),
      flag(
        'site',
        'hugo|jekyll',
        'hugo: DIR/content/news/<id>/index.en.md and index.zh-hans.md;\njekyll: DIR/_posts/YYYY-MM-DD-<id>.md and DIR/zh/_posts/YYYY-MM-DD-<id>.md',
      ),
      flag('out', 'DIR', 'The site folder to write into'),
      flag('timeout', 'SECONDS', 'Per-request timeout (default 20)'),
      flag('verbose', undefined, 'Name every file written or removed'),
    ],
    notes:
      'Exit status: 0 when the pull completed, 1 when the source answered badly (DIR is left as it was), 2 for a bad command line.',
  },
  demo: {
    usage: 'demo [--data DIR] [flags]',
    about: 'What `npm start` does: serve the bundled ILO replica on 127.0.0.1 and run against it, offline.',
    flags: [DATA, CONTENT, PUBLIC_URL, VERBOSE, JSON_REPORT],
    notes: 'Other `run` flags are refused: demo always reads the bundled replica, once, unpaced.',
  },
};

export const HELP = `Usage: npm run syndicate -- <command> [flags]

Commands
${(Object.keys(COMMANDS) as CommandName[]).map((name) => `  ${name.padEnd(7)} ${COMMANDS[name].about.split('\n')[0]}`).join('\n')}

Run 'npm run syndicate -- <command> --help' for a command's flags.`;

/** The --help text of one command, made from its flag table. */
export function commandHelp(name: CommandName): string {
  const spec = COMMANDS[name];
  const left = (f: FlagSpec) => `--${f.name}${f.value ? ` ${f.value}` : ''}`;
  const width = Math.min(28, Math.max(...spec.flags.map((f) => left(f).length)) + 2);
  const rows = [...spec.flags, HELP_FLAG].flatMap((f) => {
    const [first, ...more] = f.help.split('\n');
    const head =
      left(f).length + 2 > width
        ? [`  ${left(f)}`, `  ${''.padEnd(width)}${first}`]
        : [`  ${left(f).padEnd(width)}${first}`];
    return [...head, ...more.map((line) => `  ${''.padEnd(width)}${line}`)];
  });
  return [
    `Usage: npm run syndicate -- ${spec.usage}`,
    '',
    spec.about,
    '',
    'Flags',
    ...rows,
    ...(spec.notes ? ['', spec.notes] : []),
  ].join('\n');
}

export const DEFAULT_DATA_DIR = './data';

export function parseCommand(argv: string[]): Command {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    const topic = rest[0];
    return { command: 'help', text: isCommand(topic) ? commandHelp(topic) : HELP };
  }
  if (!isCommand(command)) throw new UsageError(`unknown command '${command}' (expected run, serve, pull or demo)`);
  const values = parse(command, rest);
  if (values.help) return { command: 'help', text: commandHelp(command) };
  switch (command) {
    case 'run':
    case 'demo':
      return parseRun(command, values);
    case 'serve':
      return parseServe(values);
    case 'pull':
      return parsePull(values);
  }
}

function isCommand(name: string | undefined): name is CommandName {
  return name !== undefined && Object.hasOwn(COMMANDS, name);
}

type Values = Record<string, string | boolean | undefined>;

function parseRun(command: 'run' | 'demo', values: Values): RunConfig {
  const v = strings(values);
  if (v.data !== undefined && v.store !== undefined)
    throw new UsageError('--data and --store name the same thing: give one of them', command);
  const store = storeSpec(v.data, v.store, command);
  const origin = url(flagValue(SETTINGS.origin, v.origin, '--origin', command));
  const rate = v.rate === undefined ? undefined : flagValue(SETTINGS.rate, v.rate, '--rate', command);
  if (rate === 0 && origin === ILO_ORIGIN) {
    throw new UsageError(
      '--rate 0 turns pacing off, which is only for a mirror of your own (--origin): give www.ilo.org a rate above 0',
      command,
    );
  }
  return {
    command,
    origin,
    store,
    notify: notifySpec(v.notify, store, command),
    publicUrl: url(flagValue(SETTINGS.publicUrl, v['public-url'], '--public-url', command)),
    ...(v.since !== undefined ? { since: sinceDate(v.since, command) } : {}),
    max: flagValue(SETTINGS.maxPages, v.max, '--max', command),
    backfill: values.backfill === true,
    contentMode: flagValue(SETTINGS.contentMode, v.content, '--content', command),
    given: { publicUrl: v['public-url'] !== undefined, contentMode: v.content !== undefined },
    allowSettingsChange: values['allow-settings-change'] === true,
    ...(v['user-agent'] !== undefined
      ? { userAgent: flagValue(SETTINGS.userAgent, v['user-agent'], '--user-agent', command) }
      : {}),
    ...(rate !== undefined ? { rate } : {}),
    concurrency: flagValue(SETTINGS.concurrency, v.concurrency, '--concurrency', command),
    timeoutMs: flagValue(SETTINGS.timeoutSeconds, v.timeout, '--timeout', command) * 1000,
    retries: flagValue(SETTINGS.retries, v.retries, '--retries', command),
    verbose: values.verbose === true,
    json: values.json === true,
  };
}

function parseServe(values: Values): ServeConfig {
  const v = strings(values);
  if (v.data !== undefined && v.store !== undefined)
    throw new UsageError('--data and --store name the same thing: give one of them', 'serve');
  return {
    command: 'serve',
    store: storeSpec(v.data, v.store, 'serve'),
    port: flagValue(SETTINGS.port, v.port, '--port', 'serve'),
  };
}

function parsePull(values: Values): PullConfig {
  const v = strings(values);
  for (const name of ['from', 'site', 'out'] as const)
    if (v[name] === undefined) throw new UsageError(`pull needs --${name} (${COMMANDS.pull.usage})`, 'pull');
  const site = flagValue(SETTINGS.site, v.site, '--site', 'pull');
  if (v.out!.trim() === '') throw new UsageError('--out needs a folder', 'pull');
  // The site root (its public URL), also when given as the exports folder or its index.
  const from = url(flagValue(SETTINGS.publicUrl, v.from, '--from', 'pull')).replace(
    /\/exports\/v1(\/index\.json)?$/,
    '',
  );
  return {
    command: 'pull',
    from,
    site,
    out: path.resolve(v.out!),
    timeoutMs: flagValue(SETTINGS.timeoutSeconds, v.timeout, '--timeout', 'pull') * 1000,
    verbose: values.verbose === true,
  };
}

function strings(values: Values): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => typeof value === 'string')) as Record<
    string,
    string | undefined
  >;
}

function parse(command: CommandName, argv: string[]): Values {
  const flags = [...COMMANDS[command].flags, HELP_FLAG];
  const options = Object.fromEntries(
    flags.map((f) => [f.name, { type: f.type, ...(f.short ? { short: f.short } : {}) }]),
  );
  const valued = new Set(flags.filter((f) => f.type === 'string').map((f) => `--${f.name}`));
  // `--max -1`: node:util reads "-1" as an option and calls the flag ambiguous; it is a (bad) value.
  const args = argv.flatMap((arg, i) =>
    valued.has(argv[i - 1] ?? '') && /^-\d/.test(arg)
      ? []
      : valued.has(arg) && /^-\d/.test(argv[i + 1] ?? '')
        ? [`${arg}=${argv[i + 1]}`]
        : [arg],
  );
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values as Values;
  } catch (error) {
    const unknown = /^Unknown option '(--?[^']+)'/.exec((error as Error).message)?.[1];
    if (unknown && command === 'demo' && COMMANDS.run.flags.some((f) => `--${f.name}` === unknown)) {
      throw new UsageError(
        `demo does not take ${unknown}: it always runs once against the bundled replica (use 'run' for ${unknown})`,
        command,
      );
    }
    // node:util says e.g. "Unknown option '--orign'. To specify a positional argument..."; keep the first sentence.
    throw new UsageError(
      (error as Error).message.split('. ')[0]!.replace(/^./, (c) => c.toLowerCase()),
      command,
    );
  }
}

function storeSpec(data: string | undefined, store: string | undefined, command: string): StoreSpec {
  if (store !== undefined) {
    const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(store);
    if (!match)
      throw new UsageError(`--store must look like s3://BUCKET or s3://BUCKET/PREFIX, got '${store}'`, command);
    const prefix = (match[2] ?? '').replace(/^\/+|\/+$/g, '');
    return { kind: 's3', bucket: match[1]!, prefix };
  }
  if (data !== undefined && data.trim() === '') throw new UsageError('--data needs a folder', command);
  return { kind: 'fs', dir: path.resolve(data ?? DEFAULT_DATA_DIR) };
}

function notifySpec(notify: string | undefined, store: StoreSpec, command: string): NotifySpec {
  if (notify === undefined || notify === 'outbox') {
    if (store.kind !== 'fs') {
      if (notify === 'outbox')
        throw new UsageError(
          '--notify outbox writes into the data folder: use it with --data, or give --notify sns:TOPIC_ARN',
          command,
        );
      throw new UsageError('with --store s3://... give --notify sns:TOPIC_ARN (the outbox is a local file)', command);
    }
    return { kind: 'outbox', file: path.join(store.dir, 'notifications.jsonl') };
  }
  const match = /^sns:(arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256})$/.exec(notify);
  if (!match)
    throw new UsageError(
      `--notify must be 'outbox' or sns:TOPIC_ARN (arn:aws:sns:REGION:ACCOUNT:NAME), got '${notify}'`,
      command,
    );
  return { kind: 'sns', topicArn: match[1]! };
}

/** A flag's value by its setting's definition (settings/settings.ts): its default when not given. */
function flagValue<S extends TSchema>(setting: S, text: string | undefined, name: string, command: string): Static<S> {
  if (text === undefined) {
    if (setting.default === undefined) throw new Error(`${name} has no default: check that it was given`);
    return setting.default as Static<S>;
  }
  const reading = readSetting(setting, text, name);
  if (!reading.ok) throw new UsageError(reading.problem, command);
  return reading.value;
}

/** A URL as the WHATWG parser writes it, without trailing slashes (paths are appended to it). */
function url(value: string): string {
  return new URL(value).toString().replace(/\/+$/, '');
}

function sinceDate(value: string, command: string): string {
  return parseIloDate(flagValue(SETTINGS.since, value, '--since', command)) ?? value;
}
