// How a run shows its progress to a person. On a terminal: one line kept up to date in place
// (pages done / total, the story being read, time left); elsewhere (a log, a pipe): a plain line
// every 10% of a run over more than 10 pages. With --verbose, also one line per page. Log lines go
// through `line` so they never land in the middle of the progress line.
import type { RunProgress } from '../pipeline/ports.js';

export interface Terminal {
  write(text: string): void;
  columns: number;
}

export interface ProgressOptions {
  /** Present when stderr is a terminal. */
  terminal?: Terminal;
  /** A whole line on stderr (the newline is added by the writer). */
  err: (text: string) => void;
  verbose: boolean;
  /** Milliseconds, for the time left. */
  now: () => number;
}

export interface ProgressDisplay {
  listener: (event: RunProgress) => void;
  /** A log line, printed above the progress line. */
  line: (text: string) => void;
  /** Clears the progress line (before the summary). */
  finish: () => void;
}

const PLAIN_MIN_PAGES = 10;
const CLEAR = '\r\x1b[K';

export function progressDisplay(options: ProgressOptions): ProgressDisplay {
  const { terminal, err, verbose, now } = options;
  let total = 0;
  let done = 0;
  let started = now();
  let current = '';
  let status = '';
  let lastDecile = 0;

  const draw = () => {
    if (!terminal || status === '') return;
    terminal.write(`${CLEAR}${fitToColumns(status, terminal.columns)}`);
  };
  const line = (text: string) => {
    if (terminal && status !== '') terminal.write(CLEAR);
    err(text);
    draw();
  };
  const describe = () =>
    `${done}/${total} ${plural(total, 'page')} (${Math.floor((done / Math.max(total, 1)) * 100)}%), ${timeLeft(started, now(), done, total)}`;

  const listener = (event: RunProgress) => {
    switch (event.stage) {
      case 'ingest':
        total = event.total;
        started = now();
        if (total === 0) return;
        if (!terminal && (verbose || total > PLAIN_MIN_PAGES)) err(`reading ${total} ${plural(total, 'page')}`);
        break;
      case 'page-start':
        current = storyName(event.url);
        break;
      case 'page-done': {
        done = event.done;
        if (verbose) {
          const what = event.outcome === 'covered' ? 'came with its twin' : event.outcome;
          line(
            `page ${event.done}/${event.total} ${what}${event.id ? ` ${event.id}` : ''}: ${readableUrl(event.url)}${event.reason ? ` (${event.reason})` : ''}`,
          );
        }
        if (!terminal && !verbose && total > PLAIN_MIN_PAGES) {
          const decile = Math.floor((done * 10) / total);
          if (decile > lastDecile) {
            lastDecile = decile;
            err(`progress: ${describe()}`);
          }
        }
        break;
      }
      case 'publish':
        current = '';
        if (terminal && total > 0) {
          status = `${done}/${total} ${plural(total, 'page')} read; publishing feeds and exports...`;
          draw();
        } else if (verbose) err('publishing feeds and exports');
        return;
    }
    if (terminal && total > 0) {
      status = `${describe()}${current ? `  ${current}` : ''}`;
      draw();
    }
  };

  return {
    listener,
    line,
    finish: () => {
      if (terminal && status !== '') terminal.write(CLEAR);
      status = '';
    },
  };
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return n === 1 ? word : many;
}

/** "1 page", "2 pages". */
export function count(n: number, word: string, many?: string): string {
  return `${n} ${plural(n, word, many)}`;
}

/** "ETA 1m05s" from the pace so far; "ETA --" before the first page is done. */
export function timeLeft(started: number, now: number, done: number, total: number): string {
  if (done === 0) return 'ETA --';
  const seconds = Math.max(0, Math.round((((now - started) / done) * (total - done)) / 1000));
  if (seconds < 60) return `ETA ${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `ETA ${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `ETA ${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** The story a URL names, readable: its last path segment, decoded. */
function storyName(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.split('/').filter(Boolean).at(-1) ?? url);
  } catch {
    return url;
  }
}

function readableUrl(url: string): string {
  try {
    return decodeURI(url);
  } catch {
    return url;
  }
}

/** Cuts the line to the terminal's width, so it never wraps (a wrapped line cannot be redrawn). */
function fitToColumns(text: string, columns: number): string {
  const width = Math.max(20, columns - 1);
  let used = 0;
  let out = '';
  for (const char of text) {
    const w = /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/.test(char)
      ? 2
      : 1;
    if (used + w > width) return `${out.slice(0, -1)}…`;
    out += char;
    used += w;
  }
  return out;
}
