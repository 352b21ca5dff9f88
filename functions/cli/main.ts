// The CLI: parse flags, build the adapters, run the core, print what happened. Only wiring.
import { consoleLogger } from '../adapters/console-logger.js';
import { FsStore, StoreNotWritable } from '../adapters/fs-store.js';
import { HttpExportSource } from '../adapters/http-export-source.js';
import { LocalSiteFolder } from '../adapters/site-folder.js';
import { lockSiteFolder } from '../adapters/site-folder-lock.js';
import { HttpFetcher } from '../adapters/http-fetcher.js';
import type { PacerClock } from '../adapters/http/request-pacer.js';
import { OutboxNotifier } from '../adapters/outbox-notifier.js';
import { S3Store, createS3Client } from '../adapters/s3-store.js';
import { SnsNotifier, createSnsClient } from '../adapters/sns-notifier.js';
import { randomTokens } from '../adapters/random-tokens.js';
import { systemClock } from '../adapters/system-clock.js';
import { DEFAULTS, DEFAULT_OPTIONS } from '../pipeline/config.js';
import { errorMessage } from '../pipeline/errors.js';
import { ILO_ORIGIN } from '../pipeline/site/ilo-urls.js';
import { type PullReport, pullExports } from '../pipeline/pull/pull-exports.js';
import type { Notifier, Store } from '../pipeline/ports.js';
import { runPipeline } from '../pipeline/run-pipeline.js';
import { keys } from '../pipeline/state/store-keys.js';
import {
  type Command,
  type NotifySpec,
  type PullConfig,
  type RunConfig,
  type StoreSpec,
  UsageError,
  parseCommand,
} from './args.js';
import { recordedSettings, resolveSettings } from './deployment-settings.js';
import { describeFatalError } from './fatal-error.js';
import { type Terminal, count, progressDisplay } from './progress-display.js';
import { startPublicServer } from './public-server.js';
import { startReplicaServer } from '../../replica/replica-server.js';
import { displayPath, formatSummary } from './run-summary.js';
import { WriteRecordingStore } from './written-files.js';

export interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Raw writes to stderr when it is a terminal: the progress line is drawn there. */
  terminal?: Terminal;
  /** Milliseconds, for the time left in the progress line (default Date.now). */
  now?: () => number;
  /** The fetcher's clock: its pace and its waits between tries (default the system's; tests give a virtual one). */
  clock?: PacerClock;
}

const stdio: Output = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  ...(process.stderr.isTTY
    ? {
        terminal: {
          write: (text: string) => void process.stderr.write(text),
          get columns() {
            return process.stderr.columns || 80;
          },
        },
      }
    : {}),
};

/** Runs a command line; resolves to the exit status. `serve` resolves only when the server stops. */
export async function main(argv: string[], io: Output = stdio): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`syndicate: ${error.message}`);
      io.err(`Run 'npm run syndicate -- ${error.command ? `${error.command} ` : ''}--help' for the flags.`);
      return 2;
    }
    throw error;
  }
  try {
    switch (command.command) {
      case 'help':
        io.out(command.text);
        return 0;
      case 'serve': {
        // serve only reads: an existing folder, read-only or not; a missing one is a typo, not a new folder.
        const store =
          command.store.kind === 'fs'
            ? await FsStore.openForReading(command.store.dir)
            : await openStore(command.store);
        const server = await startPublicServer(store, command.port);
        io.out(`Serving the public files of ${describeStore(command.store)} at ${server.url}/`);
        io.out(
          `Feeds: ${server.url}/${keys.feed('en', 'rss')}  ${server.url}/${keys.feed('zh', 'atom')}  ${server.url}/${keys.feed('en', 'json')}`,
        );
        await new Promise<void>((resolve) => {
          const stop = () => void server.close().then(resolve);
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        return 0;
      }
      case 'run':
      case 'demo':
        return await run(command, io);
      case 'pull':
        return await pull(command, io);
    }
  } catch (error) {
    const fatal = describeFatalError(error);
    io.err(`syndicate: ${fatal.line}`);
    if (fatal.unexpected) {
      const verbose = 'verbose' in command && command.verbose;
      if (verbose && error instanceof Error && error.stack) io.err(error.stack);
      else io.err('(an unexpected error: run again with --verbose for its stack trace, and please report it)');
    }
    return 1;
  }
}

async function run(config: RunConfig, io: Output): Promise<number> {
  const display = progressDisplay({
    ...(io.terminal ? { terminal: io.terminal } : {}),
    err: io.err,
    verbose: config.verbose,
    now: io.now ?? Date.now,
  });
  const replica = config.command === 'demo' ? await startReplicaServer() : undefined;
  try {
    const origin = replica?.origin ?? config.origin;
    const logger = consoleLogger(config.verbose ? 'info' : 'warn', display.line);
    const opened = await openStore(config.store);
    // A store publishes with the settings its last publish recorded unless told otherwise, so a run
    // that leaves out --content summary never puts full text back. A flag that differs switches a
    // folder; a deployment's bucket only with --allow-settings-change.
    const settings = resolveSettings(
      {
        ...(config.given.publicUrl ? { publicUrl: config.publicUrl } : {}),
        ...(config.given.contentMode ? { contentMode: config.contentMode } : {}),
        allowChange: config.store.kind === 'fs' || config.allowSettingsChange,
        explicitWhenUnrecorded: config.store.kind === 's3',
      },
      await recordedSettings(opened),
      { publicUrl: config.publicUrl, contentMode: config.contentMode },
    );
    if ('recorded' in settings && settings.recorded && config.verbose) {
      io.err(`using the store's settings: public URL ${settings.publicUrl}, content ${settings.contentMode}`);
    }
    const store = new WriteRecordingStore(opened);
    const loopback = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(origin);
    const fetcher = new HttpFetcher({
      origin,
      ...(config.userAgent ? { userAgent: config.userAgent } : {}),
      // Politeness is for real sites; a mirror on this machine needs no pacing unless asked.
      requestsPerSecond: config.rate ?? (loopback ? 0 : DEFAULTS.requestsPerSecond),
      timeoutMs: config.timeoutMs,
      retries: config.retries,
      // As many requests at once as stories are ingested at once (each waits for its page).
      concurrency: config.concurrency,
      logger,
      ...(io.clock ? { clock: io.clock } : {}),
    });
    const notifier = await openNotifier(config.notify);
    const report = await runPipeline(
      { fetcher, store, notifier, clock: systemClock, tokens: randomTokens, logger, progress: display.listener },
      {
        ...DEFAULT_OPTIONS,
        publicUrl: settings.publicUrl,
        contentMode: settings.contentMode,
        ...(origin === ILO_ORIGIN ? {} : { mirrorOrigin: origin }),
        ...(config.since ? { since: config.since } : {}),
        max: config.max,
        backfill: config.backfill,
        concurrency: config.concurrency,
      },
    );
    display.finish();
    const written = store.publicFiles();
    io.out(
      config.json
        ? JSON.stringify({ ...report, publicFilesWritten: written }, null, 2)
        : formatSummary(report, { ...config, ...settings, origin }, written),
    );
    return 0;
  } finally {
    // A run that stops with an error leaves no half-drawn progress line before the message.
    display.finish();
    await replica?.close();
  }
}

async function pull(config: PullConfig, io: Output): Promise<number> {
  const source = new HttpExportSource({ from: config.from, timeoutMs: config.timeoutMs });
  const lock = await lockSiteFolder(config.out);
  let report: PullReport;
  try {
    report = await pullExports(source, new LocalSiteFolder(config.out), { from: config.from, site: config.site });
  } finally {
    await lock.release();
  }
  const where = displayPath(config.out);
  if (config.verbose) {
    for (const file of report.written) io.err(`wrote   ${file}`);
    for (const file of report.removed) io.err(`removed ${file}`);
  }
  if (report.upToDate) {
    io.out(`${where} is up to date with ${config.from} (changes.json not modified): nothing written.`);
    return 0;
  }
  const stories =
    report.storiesRemoved.length > 0
      ? `, ${count(report.storiesRemoved.length, 'story', 'stories')} removed at the source`
      : '';
  io.out(
    `Pulled ${config.from} into ${where} (${config.site}${report.walked ? ', every page walked' : ''}): ` +
      `${count(report.storiesRead, 'story', 'stories')} read${stories}, ${count(report.written.length, 'file')} written, ${count(report.removed.length, 'file')} removed; cursor at seq ${report.seq}.` +
      (report.movedFrom ? ` The folder was pulled from ${report.movedFrom} until now: its stories carry over.` : ''),
  );
  return 0;
}

async function openStore(spec: StoreSpec): Promise<Store> {
  if (spec.kind === 'fs') return FsStore.open(spec.dir);
  quietSdkWarnings();
  const store = new S3Store({ bucket: spec.bucket, prefix: spec.prefix, client: createS3Client() });
  // Fail before anything is fetched, in one line, like an unwritable data folder does.
  await store.checkReachable().catch((error: unknown) => {
    throw new StoreNotWritable(`bucket ${spec.bucket} is not reachable: ${errorMessage(error)}`);
  });
  return store;
}

async function openNotifier(spec: NotifySpec): Promise<Notifier> {
  if (spec.kind === 'outbox') return new OutboxNotifier(spec.file);
  quietSdkWarnings();
  return new SnsNotifier({ topicArn: spec.topicArn, client: createSnsClient() });
}

/**
 * The AWS SDK prints an 8-line NodeVersionSupportWarning on Node 20 (SDK releases after January 2027
 * need Node 22; ours are pinned): noise on every run of a command line tool. A user's own setting wins.
 */
function quietSdkWarnings(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}

function describeStore(spec: StoreSpec): string {
  return spec.kind === 'fs' ? spec.dir : `s3://${spec.bucket}/${spec.prefix}`;
}
