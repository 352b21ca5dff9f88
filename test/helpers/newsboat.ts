// newsboat (Debian's), as a subscriber uses it: reload feeds into its cache, read what it stored,
// and open an article in its interface to see what it shows. The interface needs a terminal: it runs
// under `script` (util-linux), which gives it a pseudo-terminal, and the screen is read back from
// the terminal output with the control sequences taken out.
import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Newsboat {
  urls: string;
  cache: string;
  env: NodeJS.ProcessEnv;
}

/** Subscribes a fresh newsboat (its own HOME, no config) to the feeds, in this order, and reloads them. */
export async function subscribe(home: string, feeds: string[]): Promise<Newsboat> {
  const urls = path.join(home, 'urls');
  await writeFile(urls, `${feeds.join('\n')}\n`);
  const nb = { urls, cache: path.join(home, 'cache.db'), env: { ...process.env, HOME: home, TERM: 'xterm' } };
  await run('newsboat', ['-u', urls, '-c', nb.cache, '-C', '/dev/null', '-x', 'reload'], { env: nb.env });
  return nb;
}

/** Rows of newsboat's cache (SQLite), read with python's sqlite3. */
export async function cacheRows<T>(nb: Newsboat, sql: string): Promise<T[]> {
  const script = `import sqlite3, json, sys; c = sqlite3.connect(sys.argv[1]); print(json.dumps([list(r) for r in c.execute(sys.argv[2])]))`;
  const { stdout } = await run('python3', ['-c', script, nb.cache, sql]);
  return JSON.parse(stdout) as T[];
}

/**
 * The text newsboat shows for one article: the feed at `feedIndex` (0-based, in the order
 * subscribed), its article at `articleIndex` (newest first).
 */
export async function articleScreen(nb: Newsboat, feedIndex: number, articleIndex: number): Promise<string> {
  const command = `stty cols 160 rows 100; exec newsboat -u '${nb.urls}' -c '${nb.cache}' -C /dev/null`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], { env: nb.env, detached: true });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  try {
    await until(
      () => screenText(output).includes('Your feeds'),
      () => output,
    );
    // The down arrow as a terminal in application cursor mode (newsboat switches to it) sends it.
    const down = '\u001bOB';
    output = '';
    child.stdin.write(`${down.repeat(feedIndex)}\r`);
    await until(
      () => screenText(output).includes('Articles in feed'),
      () => output,
    );
    output = '';
    child.stdin.write(`${down.repeat(articleIndex)}\r`);
    await until(
      () => screenText(output).includes('Links:'),
      () => output,
    );
    await new Promise((resolve) => setTimeout(resolve, 300)); // the rest of the screen
    const screen = screenText(output);
    child.stdin.write('qqq');
    return screen;
  } finally {
    await stop(child);
  }
}

// Terminal escape sequences (they start with ESC, U+001B): control sequences, character set and keypad modes.
// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC is what the pattern finds
const CONTROL_SEQUENCE = /\u001b\[[0-9;?]*[A-Za-z]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC is what the pattern finds
const CHARACTER_SET = /\u001b[()][A-Za-z0-9]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC is what the pattern finds
const KEYPAD_MODE = /\u001b[=>]/g;

/** Terminal output as text: control sequences become line breaks, so words never run together. */
function screenText(output: string): string {
  return output.replace(CONTROL_SEQUENCE, '\n').replace(CHARACTER_SET, '').replace(KEYPAD_MODE, '').replace(/\r/g, '');
}

async function until(done: () => boolean, output: () => string, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!done()) {
    if (Date.now() - start > timeoutMs)
      throw new Error(`newsboat did not show the expected screen; it showed:\n${screenText(output()).slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits for newsboat to quit; ends its process group (script and newsboat) if it has not. */
async function stop(child: ChildProcessWithoutNullStreams): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
  }, 3000);
  await exited;
  clearTimeout(timer);
}
