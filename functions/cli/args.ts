// Command-line flags to a typed, validated configuration. Every mistake is one clear line. Each
// command's flags are one table, which both the parser and that command's --help are made from.
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Static, TSchema } from '@sinclair/typebox';
import { type ContentMode, DEFAULTS } from '../pipeline/config.js';
import { errorMessage } from '../pipeline/errors.js';
import { parseIloDate } from '../pipeline/parse/dates.js';
import type { SiteKind } from '../pipeline/pull/site-files.js';
import { ILO_ORIGIN } from '../pipeline/site/ilo-urls.js';
import { readSetting, tidyUrl } from '../settings/setting.js';
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
  type: 'string' | 'boolean';
  /** What the value is called in the help ("URL", "N"). */
  value?: string;
  /** What the flag does, as one paragraph (the help wraps it). */
  help: string;
  /** What applies without the flag, said in the help as "(default ...)"; read from DEFAULTS. */
  default?: string;
  short?: string;
}

/** A setting's description (settings/settings.ts), for a flag that says no more than its setting. */
const said = (setting: TSchema): string => setting.description ?? '';

/** Every flag of every command, each described once (a command may say what the flag means there). */
const FLAGS = {
  origin: {
    type: 'string',
    value: 'URL',
    help: `Fetch the ILO site from here (a mirror); outputs keep ${ILO_ORIGIN} URLs`,
    default: DEFAULTS.origin,
  },
  data: { type: 'string', value: 'DIR', help: 'Local store folder', default: DEFAULTS.dataDir },
  store: {
    type: 'string',
    value: 's3://BUCKET[/PREFIX]',
    help: 'Use an S3 bucket as the store instead (AWS credentials from the environment)',
  },
  notify: {
    type: 'string',
    value: 'outbox|sns:TOPIC_ARN',
    help: 'Where notifications go',
    default: ': outbox, DIR/notifications.jsonl',
  },
  'public-url': {
    type: 'string',
    value: 'URL',
    help: said(SETTINGS.publicUrl),
    default: `: what the store was last published with, else ${DEFAULTS.publicUrl}, where \`serve\` listens; an s3:// store that records none needs it`,
  },
  since: { type: 'string', value: 'DATE', help: 'Only stories changed on or after DATE (YYYY-MM-DD)' },
  max: {
    type: 'string',
    value: 'N',
    help: 'At most N pages this run, the rest next run',
    default: `${DEFAULTS.maxPages}; 0 = no limit`,
  },
  backfill: { type: 'boolean', help: 'Ingest the whole archive over as many runs as it takes' },
  content: {
    type: 'string',
    value: 'full|summary',
    help: said(SETTINGS.contentMode),
    default: `: what the store was last published with, else ${DEFAULTS.contentMode}; an s3:// store that records none needs it`,
  },
  'allow-settings-change': {
    type: 'boolean',
    help: 'With --store s3://: publish with a --public-url or --content other than the one recorded in the store (every public file is rendered again). Without it such a run is refused, and the flags left out are taken from the store',
  },
  'user-agent': {
    type: 'string',
    value: 'UA',
    help: said(SETTINGS.userAgent),
  },
  rate: {
    type: 'string',
    value: 'N',
    help: 'Requests per second to the origin; 0 turns pacing off and is accepted only with a mirror (--origin)',
    default: `${DEFAULTS.requestsPerSecond}; a loopback mirror is not paced unless you give --rate`,
  },
  concurrency: {
    type: 'string',
    value: 'N',
    help: said(SETTINGS.concurrency),
    default: `${DEFAULTS.concurrency}; --rate still paces them`,
  },
  timeout: {
    type: 'string',
    value: 'SECONDS',
    help: said(SETTINGS.timeoutSeconds),
    default: String(DEFAULTS.timeoutSeconds),
  },
  retries: {
    type: 'string',
    value: 'N',
    help: 'Retries on 429, 5xx and network errors, with backoff',
    default: String(DEFAULTS.retries),
  },
  verbose: { type: 'boolean', help: 'Log every page and every step on stderr' },
  json: { type: 'boolean', help: 'Print the run report as JSON instead of the summary' },
  port: {
    type: 'string',
    value: 'N',
    help: 'Port on 127.0.0.1',
    default: `${DEFAULTS.servePort}; 0 = any free port`,
  },
  from: {
    type: 'string',
    value: 'URL',
    help: 'Where the public files are served (the exports are under URL/exports/v1/); only this host is fetched',
  },
  site: {
    type: 'string',
    value: 'hugo|jekyll',
    help: 'hugo: DIR/content/news/<id>/index.en.md and index.zh-hans.md; jekyll: DIR/_posts/YYYY-MM-DD-<id>.md and DIR/zh/_posts/YYYY-MM-DD-<id>.md',
  },
  out: { type: 'string', value: 'DIR', help: 'The site folder to write into' },
  help: { type: 'boolean', short: 'h', help: 'This help' },
} as const satisfies Record<string, FlagSpec>;

type FlagName = keyof typeof FLAGS;

interface CommandSpec {
  about: string;
  /** The flags it takes, in the order its help lists them (--help is added to every command). */
  flags: FlagName[];
  /** Flags it cannot run without (named in its usage line). */
  required?: FlagName[];
  /** What a flag means for this command, where that differs from FLAGS (the default still comes from there). */
  meaning?: Partial<Record<FlagName, string>>;
  notes?: string;
}

const COMMANDS: Record<CommandName, CommandSpec> = {
  run: {
    about: 'Discover new and changed ILO news, ingest it, publish feeds and exports, notify subscribers.',
    flags: [
      'origin',
      'data',
      'store',
      'notify',
      'public-url',
      'since',
      'max',
      'backfill',
      'content',
      'allow-settings-change',
      'user-agent',
      'rate',
      'concurrency',
      'timeout',
      'retries',
      'verbose',
      'json',
    ],
    notes:
      'On a terminal a progress line shows pages done / total, the story being read and the time left;\n' +
      'otherwise a plain line every 10% of a run over more than 10 pages.\n\n' +
      'Exit status: 0 when the run completed (single stories may have failed; they are retried next run),\n' +
      '1 when it could not run (origin unreachable, store not writable), 2 for a bad command line.',
  },
  serve: {
    about: 'Serve the public files of a data folder on 127.0.0.1, for feed readers and `pull`.',
    flags: ['data', 'store', 'port'],
    meaning: { data: 'The data folder to serve', store: 'Serve an S3 store instead' },
  },
  pull: {
    about:
      "The partner's side: read the public exports over HTTP and write a Hugo content tree or Jekyll posts,\n" +
      'rewriting only what changed since the last pull (it keeps its cursor in DIR/.syndicate-pull.json).',
    flags: ['from', 'site', 'out', 'timeout', 'verbose'],
    required: ['from', 'site', 'out'],
    meaning: { verbose: 'Name every file written or removed' },
    notes:
      'Exit status: 0 when the pull completed, 1 when the source answered badly (DIR is left as it was), 2 for a bad command line.',
  },
  demo: {
    about: 'What `npm start` does: serve the bundled ILO replica on 127.0.0.1 and run against it, offline.',
    flags: ['data', 'content', 'public-url', 'verbose', 'json'],
    notes: 'Other `run` flags are refused: demo always reads the bundled replica, once, unpaced.',
  },
};

const HELP_WIDTH = 100;

/** `--name VALUE` as the help and the usage line write it. */
function flagSyntax(name: FlagName): string {
  const spec: FlagSpec = FLAGS[name];
  return `--${name}${spec.value ? ` ${spec.value}` : ''}`;
}

/** The usage line of a command: its required flags, then the others (named when there are few). */
function usage(name: CommandName, { optional = true } = {}): string {
  const { flags, required = [] } = COMMANDS[name];
  const others = optional ? flags.filter((flag) => !required.includes(flag)) : [];
  const rest = others.length <= 3 ? others.map((flag) => `[${flagSyntax(flag)}]`) : ['[flags]'];
  return [name, ...required.map(flagSyntax), ...rest].join(' ');
}

/** Words into lines of at most `width` characters (a longer word gets a line of its own). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}

const HELP = `Usage: npm run syndicate -- <command> [flags]

Commands
${(Object.keys(COMMANDS) as CommandName[]).map((name) => `  ${name.padEnd(7)} ${COMMANDS[name].about.split('\n')[0]}`).join('\n')}

Run 'npm run syndicate -- <command> --help' for a command's flags.`;

/** The --help text of one command, made from the flag table. */
function commandHelp(name: CommandName): string {
  const command = COMMANDS[name];
  const names: FlagName[] = [...command.flags, 'help'];
  const left = (flag: FlagName) => {
    const short: string | undefined = (FLAGS[flag] as FlagSpec).short;
    return short ? `-${short}, ${flagSyntax(flag)}` : flagSyntax(flag);
  };
  const column = Math.min(28, Math.max(...names.map((flag) => left(flag).length)) + 2);
  const rows = names.flatMap((flag) => {
    const spec: FlagSpec = FLAGS[flag];
    const said = command.meaning?.[flag] ?? spec.help;
    const text =
      spec.default === undefined ? said : `${said} (default${spec.default.startsWith(':') ? '' : ' '}${spec.default})`;
    const [first = '', ...more] = wrap(text, HELP_WIDTH - column - 2);
    const head =
      left(flag).length + 2 > column
        ? [`  ${left(flag)}`, `  ${''.padEnd(column)}${first}`]
        : [`  ${left(flag).padEnd(column)}${first}`];
    return [...head, ...more.map((line) => `  ${''.padEnd(column)}${line}`)];
  });
  return [
    `Usage: npm run syndicate -- ${usage(name)}`,
    '',
    command.about,
    '',
    'Flags',
    ...rows,
    ...(command.notes ? ['', command.notes] : []),
  ].join('\n');
}

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
  const origin = tidyUrl(flagValue(SETTINGS.origin, v.origin, '--origin', command));
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
    publicUrl: tidyUrl(flagValue(SETTINGS.publicUrl, v['public-url'], '--public-url', command)),
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
  const required = (name: 'from' | 'site' | 'out'): string => {
    const value = v[name];
    if (value === undefined)
      throw new UsageError(`pull needs --${name} (${usage('pull', { optional: false })})`, 'pull');
    return value;
  };
  const [fromText, siteText, out] = [required('from'), required('site'), required('out')] as const;
  const site = flagValue(SETTINGS.site, siteText, '--site', 'pull');
  if (out.trim() === '') throw new UsageError('--out needs a folder', 'pull');
  // The site root (its public URL), also when given as the exports folder or its index.
  const from = tidyUrl(flagValue(SETTINGS.publicUrl, fromText, '--from', 'pull')).replace(
    /\/exports\/v1(\/index\.json)?$/,
    '',
  );
  return {
    command: 'pull',
    from,
    site,
    out: path.resolve(out),
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
  const flags: FlagName[] = [...COMMANDS[command].flags, 'help'];
  const options = Object.fromEntries(
    flags.map((name) => {
      const spec: FlagSpec = FLAGS[name];
      return [name, { type: spec.type, ...(spec.short ? { short: spec.short } : {}) }];
    }),
  );
  const valued = new Set(flags.filter((name) => FLAGS[name].type === 'string').map((name) => `--${name}`));
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
    const message = errorMessage(error);
    const unknown = /^Unknown option '(--?[^']+)'/.exec(message)?.[1];
    if (unknown && command === 'demo' && COMMANDS.run.flags.some((name) => `--${name}` === unknown)) {
      throw new UsageError(
        `demo does not take ${unknown}: it always runs once against the bundled replica (use 'run' for ${unknown})`,
        command,
      );
    }
    // node:util says e.g. "Unknown option '--orign'. To specify a positional argument..."; keep the first sentence.
    const firstSentence = message.split('. ', 1)[0] ?? message;
    throw new UsageError(
      firstSentence.replace(/^./, (c) => c.toLowerCase()),
      command,
    );
  }
}

function storeSpec(data: string | undefined, store: string | undefined, command: string): StoreSpec {
  if (store !== undefined) {
    const [, bucket, keyPrefix = ''] = /^s3:\/\/([^/]*)(?:\/(.*))?$/.exec(store) ?? [];
    if (bucket === undefined || !readSetting(SETTINGS.bucket, bucket, '--store').ok)
      throw new UsageError(`--store must look like s3://BUCKET or s3://BUCKET/PREFIX, got '${store}'`, command);
    return { kind: 's3', bucket, prefix: keyPrefix.replace(/^\/+|\/+$/g, '') };
  }
  if (data !== undefined && data.trim() === '') throw new UsageError('--data needs a folder', command);
  return { kind: 'fs', dir: path.resolve(data ?? DEFAULTS.dataDir) };
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
  const topicArn = notify.startsWith('sns:') ? notify.slice('sns:'.length) : undefined;
  if (topicArn === undefined || !readSetting(SETTINGS.topicArn, topicArn, '--notify').ok)
    throw new UsageError(
      `--notify must be 'outbox' or sns:TOPIC_ARN (arn:aws:sns:REGION:ACCOUNT:NAME), got '${notify}'`,
      command,
    );
  return { kind: 'sns', topicArn };
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

function sinceDate(value: string, command: string): string {
  return parseIloDate(flagValue(SETTINGS.since, value, '--since', command)) ?? value;
}
