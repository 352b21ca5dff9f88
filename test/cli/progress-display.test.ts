// The progress of a long run, as a person sees it: plain lines in a log, one line in place on a terminal.
import { describe, expect, it } from 'vitest';
import { progressDisplay, timeLeft } from '#cli/progress-display.js';
import type { RunProgress } from '#pipeline/ports.js';

/** A run of `total` pages, each taking `secondsEach`, fed to a display. */
function simulate(
  total: number,
  options: { terminal?: boolean; verbose?: boolean; secondsEach?: number; columns?: number } = {},
) {
  let t = 0;
  const lines: string[] = [];
  const screen: string[] = [];
  const display = progressDisplay({
    ...(options.terminal
      ? { terminal: { write: (text: string) => void screen.push(text), columns: options.columns ?? 80 } }
      : {}),
    err: (text) => void lines.push(text),
    verbose: options.verbose ?? false,
    now: () => t,
  });
  const emit = (event: RunProgress) => display.listener(event);
  emit({ stage: 'ingest', total });
  for (let i = 0; i < total; i++) {
    const url = `https://www.ilo.org/resource/news/story-number-${i + 1}`;
    emit({ stage: 'page-start', url, done: i, total });
    t += (options.secondsEach ?? 2) * 1000;
    const failed = i % 7 === 6;
    emit({
      stage: 'page-done',
      url,
      done: i + 1,
      total,
      ...(failed
        ? { outcome: 'failed', reason: 'timeout: no answer' }
        : { outcome: 'new', id: `story-number-${i + 1}` }),
    });
  }
  emit({ stage: 'publish' });
  display.finish();
  return { lines, screen, display };
}

describe('progressDisplay', () => {
  it('writes a plain line every 10% of a long run when stderr is not a terminal, with the time left', () => {
    const { lines, screen } = simulate(40);
    expect(screen).toEqual([]);
    expect(lines[0]).toBe('reading 40 pages');
    expect(lines.slice(1)).toEqual([
      'progress: 4/40 pages (10%), ETA 1m12s',
      'progress: 8/40 pages (20%), ETA 1m04s',
      'progress: 12/40 pages (30%), ETA 56s',
      'progress: 16/40 pages (40%), ETA 48s',
      'progress: 20/40 pages (50%), ETA 40s',
      'progress: 24/40 pages (60%), ETA 32s',
      'progress: 28/40 pages (70%), ETA 24s',
      'progress: 32/40 pages (80%), ETA 16s',
      'progress: 36/40 pages (90%), ETA 8s',
      'progress: 40/40 pages (100%), ETA 0s',
    ]);
  });

  it('is silent for a short run in a log', () => {
    expect(simulate(10).lines).toEqual([]);
  });

  it('keeps one line on a terminal: done / total, time left, the current story; log lines go above it', () => {
    let t = 0;
    const screen: string[] = [];
    const display = progressDisplay({
      terminal: { write: (text) => void screen.push(text), columns: 60 },
      err: (text) => void screen.push(`${text}\n`),
      verbose: false,
      now: () => t,
    });
    display.listener({ stage: 'ingest', total: 300 });
    display.listener({
      stage: 'page-start',
      url: 'https://www.ilo.org/zh-hans/resource/news/%E5%9B%BD%E9%99%85%E5%8A%B3%E5%B7%A5%E7%BB%84%E7%BB%87',
      done: 0,
      total: 300,
    });
    expect(screen.at(-1)).toBe('\r\x1b[K0/300 pages (0%), ETA --  国际劳工组织');
    t = 90_000;
    display.listener({
      stage: 'page-done',
      url: 'https://www.ilo.org/resource/news/x',
      done: 30,
      total: 300,
      outcome: 'new',
      id: 'x',
    });
    expect(screen.at(-1)).toBe('\r\x1b[K30/300 pages (10%), ETA 13m30s  国际劳工组织');
    display.line('warn: story failed');
    expect(screen.slice(-3)).toEqual([
      '\r\x1b[K',
      'warn: story failed\n',
      '\r\x1b[K30/300 pages (10%), ETA 13m30s  国际劳工组织',
    ]);
    display.listener({
      stage: 'page-start',
      url: `https://www.ilo.org/resource/news/${'very-long-slug-'.repeat(10)}`,
      done: 30,
      total: 300,
    });
    const drawn = screen.at(-1)!.slice(4);
    expect(drawn.length).toBeLessThanOrEqual(59); // never wraps
    expect(drawn.endsWith('…')).toBe(true);
    display.finish();
    expect(screen.at(-1)).toBe('\r\x1b[K');
  });

  it('logs each page with --verbose, failures with their reason', () => {
    const { lines } = simulate(7, { verbose: true });
    expect(lines).toEqual([
      'reading 7 pages',
      ...Array.from(
        { length: 6 },
        (_, i) => `page ${i + 1}/7 new story-number-${i + 1}: https://www.ilo.org/resource/news/story-number-${i + 1}`,
      ),
      'page 7/7 failed: https://www.ilo.org/resource/news/story-number-7 (timeout: no answer)',
      'publishing feeds and exports',
    ]);
  });
});

describe('timeLeft', () => {
  it('extrapolates the pace so far', () => {
    expect(timeLeft(0, 10_000, 0, 5)).toBe('ETA --');
    expect(timeLeft(0, 10_000, 5, 10)).toBe('ETA 10s');
    expect(timeLeft(0, 60_000, 1, 100)).toBe('ETA 1h39m');
  });
});
