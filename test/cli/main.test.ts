// The command line in process, through main(argv, io): per-command help, range messages, what demo
// refuses, the progress it draws on a terminal (or not), and a summary that counts every file.
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PullConfig, type RunConfig, type ServeConfig, parseCommand } from '#cli/args.js';
import { type Output, main } from '#cli/main.js';
import { startReplicaServer } from '#replica/replica-server.js';
import { isPublicKey } from '#pipeline/publish/public-paths.js';
import { tempDir } from '#test/helpers/temp-dir.js';
import { assertIsError } from '#pipeline/errors.js';

interface Captured extends Output {
  stdout: string[];
  stderr: string[];
  screen: string[];
}

function capture(options: { terminal?: boolean } = {}): Captured {
  const io: Captured = {
    stdout: [],
    stderr: [],
    screen: [],
    out: (text) => void io.stdout.push(text),
    err: (text) => void io.stderr.push(text),
  };
  if (options.terminal) {
    io.terminal = { write: (text) => void io.screen.push(text), columns: 100 };
    // On a terminal, whole lines land on the screen too, between progress redraws.
    io.err = (text) => {
      io.stderr.push(text);
      io.screen.push(`${text}\n`);
    };
  }
  return io;
}

async function cli(argv: string[], options: { terminal?: boolean } = {}): Promise<Captured & { code: number }> {
  const io = capture(options);
  const code = await main(argv, io);
  return Object.assign(io, { code });
}

describe('--help', () => {
  it("lists the commands at the top level and points at each command's help", async () => {
    const { code, stdout } = await cli(['--help']);
    expect(code).toBe(0);
    for (const command of ['run', 'serve', 'pull', 'demo'])
      expect(stdout.join('\n')).toMatch(new RegExp(`^  ${command} +\\S`, 'm'));
    expect(stdout.join('\n')).toContain("Run 'npm run syndicate -- <command> --help'");
    expect(stdout.join('\n')).not.toContain('--max');
  });

  it.each([
    ['run', ['--origin URL', '--max N', '--rate N', '--since DATE', '--verbose', 'Exit status'], ['--port']],
    ['serve', ['--data DIR', '--port N'], ['--max', '--origin']],
    ['demo', ['--data DIR', '--content', '--json'], ['--origin', '--max', '--store']],
    [
      'pull',
      ['--from URL', '--site hugo|jekyll', '--out DIR', '--timeout SECONDS', 'Exit status'],
      ['--max', '--data'],
    ],
  ])("%s --help shows that command's flags only", async (command, present, absent) => {
    for (const argv of [
      [command, '--help'],
      [command, '-h'],
      ['help', command],
    ]) {
      const { code, stdout, stderr } = await cli(argv);
      expect(code, argv.join(' ')).toBe(0);
      expect(stderr).toEqual([]);
      const text = stdout.join('\n');
      expect(text.startsWith(`Usage: npm run syndicate -- ${command}`)).toBe(true);
      for (const flag of present) expect(text, flag).toContain(flag);
      for (const flag of absent) expect(text, flag).not.toContain(flag);
    }
  });
});

describe('--help and the parser: one flag table', () => {
  const commands = ['run', 'serve', 'pull', 'demo'] as const;
  const help = (command: string) => (parseCommand([command, '--help']) as { text: string }).text;
  /** The flags a command's help lists, as they start its rows. */
  const listed = (command: string) =>
    [...help(command).matchAll(/^ {2}(?:-h, )?--([a-z-]+)/gm)].map((match) => match[1]!);
  const refused = (command: string, flag: string) => {
    try {
      const needed = command === 'pull' ? ['--from', 'http://127.0.0.1:9', '--site', 'hugo', '--out', 'o'] : [];
      parseCommand([command, `--${flag}`, 'x', ...needed]);
      return false;
    } catch (error) {
      assertIsError(error);
      return /^(unknown option|demo does not take)/.test(error.message);
    }
  };

  /** A flag's row of a command's help, on one line. */
  const rowOf = (command: string, flag: string) =>
    (
      help(command)
        .split(/\n(?= {2}-)/)
        .find((row) => row.trimStart().startsWith(`--${flag} `)) ?? ''
    ).replace(/\s+/g, ' ');

  it.each(commands)('%s: every flag it takes is in its help once, and every flag in its help is taken', (command) => {
    const flags = listed(command);
    expect(new Set(flags).size, flags.join(' ')).toBe(flags.length);
    expect(flags.at(-1)).toBe('help');
    for (const flag of flags) expect(refused(command, flag), `--${flag}`).toBe(false);
    const elsewhere = commands.flatMap((other) => listed(other)).filter((flag) => !flags.includes(flag));
    for (const flag of elsewhere) expect(refused(command, flag), `--${flag}`).toBe(true);
  });

  it('says the defaults a command gets without the flag', () => {
    const run = parseCommand(['run']) as RunConfig;
    expect(rowOf('run', 'origin')).toContain(`(default ${run.origin})`);
    expect(rowOf('run', 'max')).toContain(`(default ${run.max};`);
    expect(rowOf('run', 'concurrency')).toContain(`(default ${run.concurrency};`);
    expect(rowOf('run', 'timeout')).toContain(`(default ${run.timeoutMs / 1000})`);
    expect(rowOf('run', 'retries')).toContain(`(default ${run.retries})`);
    expect(rowOf('run', 'public-url')).toContain(`else ${run.publicUrl},`);
    expect(rowOf('run', 'content')).toContain(`else ${run.contentMode};`);
    expect(rowOf('run', 'data')).toContain(
      `(default ./${path.relative(process.cwd(), (run.store as { dir: string }).dir)})`,
    );
    const serve = parseCommand(['serve']) as ServeConfig;
    expect(rowOf('serve', 'port')).toContain(`(default ${serve.port};`);
    expect(rowOf('serve', 'data')).toMatch(/^ --data DIR The data folder to serve \(default \.\/data\)/);
    const pull = parseCommand(['pull', '--from', 'http://127.0.0.1:9', '--site', 'hugo', '--out', 'o']) as PullConfig;
    expect(rowOf('pull', 'timeout')).toContain(`(default ${pull.timeoutMs / 1000})`);
  });

  it("matches the README's command line: every flag named there, with the default the help says", async () => {
    const readme = await readFile(path.join(import.meta.dirname, '../../README.md'), 'utf8');
    const section = readme.slice(
      readme.indexOf('\n## Command line\n'),
      readme.indexOf('Every command has its own help'),
    );
    for (const command of commands) {
      for (const flag of listed(command).filter((name) => name !== 'help'))
        expect(section, `${command} --${flag}`).toMatch(new RegExp(`--${flag}\\b`));
    }
    // A row of the run's flags: the line that starts with the flag and the lines that continue it.
    const readmeRow = (flag: string) =>
      section.match(new RegExp(`^ {6}--${flag}\\b.*(?:\\n {20,}.*)*`, 'm'))?.[0].replace(/\s+/g, ' ') ?? '';
    const defaults = listed('run').flatMap((flag) => {
      const said = /\(default ([^:;)][^;)]*)[;)]/.exec(rowOf('run', flag));
      return said ? [[flag, said[1]!] as const] : [];
    });
    expect(defaults.map(([flag]) => flag)).toEqual([
      'origin',
      'data',
      'max',
      'rate',
      'concurrency',
      'timeout',
      'retries',
    ]);
    for (const [flag, value] of defaults) expect(readmeRow(flag), `--${flag}`).toContain(`default ${value}`);
  });

  it('keeps every row within 100 columns', () => {
    for (const command of commands) {
      const rows = help(command).split('\n\nFlags\n')[1]!.split('\n\n')[0]!.split('\n');
      for (const row of rows) expect(row.length, row).toBeLessThanOrEqual(100);
    }
  });
});

describe('bad command lines', () => {
  it.each([
    [['run', '--max', '-1'], "--max must be a whole number from 0 to 1000000, got '-1'"],
    [['run', '--max=-1'], "--max must be a whole number from 0 to 1000000, got '-1'"],
    [['run', '--concurrency', '-3'], "--concurrency must be a whole number from 1 to 16, got '-3'"],
    [
      ['run', '--rate', '-0.5', '--origin', 'http://127.0.0.1:9'],
      "--rate must be a number of requests per second from 0 to 100, got '-0.5'",
    ],
    [['run', '--timeout', '0'], "--timeout must be a whole number of seconds from 1 to 600, got '0'"],
    [['run', '--content', 'teaser'], "--content must be 'full' or 'summary', got 'teaser'"],
    [['run', '--user-agent', 'bot'], '--user-agent must be 8 to 300 printable ASCII characters'],
    [['run', '--since', 'soon'], "--since must be a date like 2025-01-31, got 'soon'"],
    [
      ['run', '--public-url', 'https://feeds.example.org/?x=1'],
      "--public-url must be an http(s) URL without a query or fragment, got 'https://feeds.example.org/?x=1'",
    ],
    [
      ['run', '--origin', 'https://mirror.example.org/ilo'],
      "--origin must be an http(s) origin like https://www.ilo.org, got 'https://mirror.example.org/ilo'",
    ],
    [
      ['pull', '--from', 'http://127.0.0.1:9', '--site', 'wordpress', '--out', 'x'],
      "--site must be 'hugo' or 'jekyll', got 'wordpress'",
    ],
    [['serve', '--port', '-1'], "--port must be a whole number from 0 to 65535, got '-1'"],
    [
      ['run', '--rate', '0'],
      '--rate 0 turns pacing off, which is only for a mirror of your own (--origin): give www.ilo.org a rate above 0',
    ],
    [
      ['demo', '--origin', 'http://127.0.0.1:9'],
      "demo does not take --origin: it always runs once against the bundled replica (use 'run' for --origin)",
    ],
    [
      ['demo', '--max', '3'],
      "demo does not take --max: it always runs once against the bundled replica (use 'run' for --max)",
    ],
    [
      ['demo', '--store', 's3://bucket'],
      "demo does not take --store: it always runs once against the bundled replica (use 'run' for --store)",
    ],
    [['demo', '--bogus'], "unknown option '--bogus'"],
  ])('%j: exit 2 and one line naming the problem', async (argv, message) => {
    const { code, stderr, stdout } = await cli(argv);
    expect(code).toBe(2);
    expect(stdout).toEqual([]);
    expect(stderr).toEqual([`syndicate: ${message}`, `Run 'npm run syndicate -- ${argv[0]} --help' for the flags.`]);
  });

  it('accepts --rate 0 for a mirror, where it turns pacing off', () => {
    expect(parseCommand(['run', '--origin', 'http://127.0.0.1:9', '--rate', '0'])).toMatchObject({ rate: 0 });
    expect(parseCommand(['run', '--rate', '0.5'])).toMatchObject({ rate: 0.5 });
  });
});

describe('demo in process', () => {
  let data: { dir: string; cleanup: () => Promise<void> };
  let plain: Captured & { code: number };

  beforeAll(async () => {
    data = await tempDir('cli-main-');
    plain = await cli(['demo', '--data', path.join(data.dir, 'plain')]);
  });
  afterAll(async () => {
    await data.cleanup();
  });

  it('counts every public file it wrote, by kind, with singulars where there is one', async () => {
    expect(plain.code, plain.stderr.join('\n')).toBe(0);
    const files = (await readdir(path.join(data.dir, 'plain'), { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) =>
        path.relative(path.join(data.dir, 'plain'), path.join(entry.parentPath, entry.name)).split(path.sep).join('/'),
      )
      .filter(isPublicKey);
    const articles = files.filter(
      (file) => file.startsWith('articles/') || file.startsWith('exports/v1/articles/'),
    ).length;
    const feeds = files.filter((file) => file.startsWith('feeds/')).length;
    const others = files.length - articles - feeds;
    expect(articles).toBe(6 + 9 + 6); // meta.json, one .md per language, the export record
    const summary = plain.stdout.join('\n');
    expect(summary).toContain(
      `  published   ${files.length} files written (${articles} article files, ${feeds} feed files, ${others} index files), 6 notifications sent`,
    );
    expect(summary).toContain('sitemap: 2 pages read');
    expect(summary).toContain('3 pages came with their other-language twin');
    expect(summary).not.toMatch(/\b1 \w+s\b/);
    // A first run has no earlier settings: nothing is "rendered again".
    expect(summary).not.toContain('rendered again');
  });

  it('keeps a folder in the content mode it was last published in when --content is left out, until a run asks for another', async () => {
    const folder = path.join(data.dir, 'modes');
    const body = 'Srinivas Reddy, Chief of ILO’s Skills and Employability Branch';
    const seedEn = path.join(folder, 'articles/ilo-partners-microsoft-strengthen-ai-skilling-china/en.md');
    expect((await cli(['demo', '--data', folder, '--content', 'summary'])).code).toBe(0);
    expect(await readFile(seedEn, 'utf8')).not.toContain(body);
    const forgotten = await cli(['demo', '--data', folder]);
    expect(forgotten.stdout.join('\n')).toContain('  published   0 files written');
    expect(await readFile(seedEn, 'utf8')).not.toContain(body);
    const back = await cli(['demo', '--data', folder, '--content', 'full']);
    expect(back.stdout.join('\n')).toMatch(/6 stories rendered again/);
    expect(await readFile(seedEn, 'utf8')).toContain(body);
  });

  it('prints no progress lines for a run of 10 pages or fewer when stderr is not a terminal', () => {
    expect(plain.stderr).toEqual([]);
  });

  it('says so when a rerun writes nothing', async () => {
    const again = await cli(['demo', '--data', path.join(data.dir, 'plain')]);
    expect(again.stdout.join('\n')).toContain('  published   0 files written, 0 notifications sent');
  });

  it('logs every page with --verbose', async () => {
    const { code, stderr } = await cli(['demo', '--data', path.join(data.dir, 'verbose'), '--verbose']);
    expect(code).toBe(0);
    const pages = stderr.filter((line) => line.startsWith('page '));
    expect(pages).toHaveLength(9);
    expect(pages.map((line) => /^page (\d+)\/9 /.exec(line)?.[1])).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
    ]);
    expect(pages.filter((line) => / new [a-z0-9-]+: https:\/\/www\.ilo\.org\//.test(line))).toHaveLength(6);
    expect(pages.filter((line) => line.includes(' came with its twin: '))).toHaveLength(3);
    expect(stderr).toContain('publishing feeds and exports');
  });

  it('draws one progress line on a terminal, redrawn in place, then clears it before the summary', async () => {
    let t = 0;
    const io = capture({ terminal: true });
    io.now = () => (t += 500);
    const code = await main(['demo', '--data', path.join(data.dir, 'tty')], io);
    expect(code).toBe(0);
    const draws = io.screen.filter((text) => text.startsWith('\r\x1b[K') && text.length > 4);
    expect(draws.length).toBeGreaterThanOrEqual(9);
    for (const text of draws) expect(text).not.toContain('\n');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the progress line starts with the terminal's erase-line sequence (ESC [K)
    expect(draws.some((text) => /^\r\x1b\[K9\/9 pages \(100%\), ETA 0s/.test(text))).toBe(true);
    expect(
      draws.some((text) =>
        // biome-ignore lint/suspicious/noControlCharactersInRegex: the progress line starts with the terminal's erase-line sequence (ESC [K)
        /^\r\x1b\[K\d\/9 pages \(\d+%\), ETA (\d+s|--) {2}ilo-partners-microsoft-strengthen-ai-skilling-china/.test(
          text,
        ),
      ),
    ).toBe(true);
    expect(draws.some((text) => text.includes('publishing feeds and exports'))).toBe(true);
    expect(io.screen.at(-1)).toBe('\r\x1b[K'); // cleared
    expect(io.stdout.join('\n')).toContain('6 new, 0 updated');
  });
});

describe('run --concurrency', () => {
  it('fetches as many story pages at once as stories are ingested at once (the fetcher kept its own 2)', async () => {
    // The replica holds the first story pages it is asked for until 4 are open at once, or until no
    // new one came for 3 s (so a run that never opens 4 still ends): the most ever open is counted.
    let open = 0;
    let most = 0;
    let holding = true;
    const held: (() => void)[] = [];
    let quiet: NodeJS.Timeout | undefined;
    const releaseAll = () => {
      holding = false;
      clearTimeout(quiet);
      for (const release of held.splice(0)) release();
    };
    const replica = await startReplicaServer({
      hook: async (request, response) => {
        if (!/\/resource\/news\/(?!all-news)/.test(request.url ?? '')) return false;
        most = Math.max(most, ++open);
        response.once('close', () => open--);
        if (holding) {
          const wait = new Promise<void>((resolve) => held.push(resolve));
          if (held.length >= 4) releaseAll();
          else {
            clearTimeout(quiet);
            quiet = setTimeout(releaseAll, 3_000);
          }
          await wait;
        }
        return false;
      },
    });
    const data = await tempDir('cli-concurrency-');
    try {
      const { code, stderr } = await cli([
        'run',
        '--origin',
        replica.origin,
        '--data',
        data.dir,
        '--concurrency',
        '4',
        '--rate',
        '0',
        '--json',
      ]);
      expect(code, stderr.join('\n')).toBe(0);
      expect(most).toBe(4);
    } finally {
      releaseAll();
      await replica.close();
      await data.cleanup();
    }
  });
});
