// Politeness per host: at most `concurrency` requests at once and at least `intervalMs` between
// the starts of two requests. Crawl-delay from robots.txt can widen the interval, never narrow it.

/** Time as the pacer sees it: injected, so tests can check the pace without waiting on the wall clock. */
export interface PacerClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export class RequestPacer {
  private nextStart = 0;
  private lastStart = 0;
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private intervalMs: number,
    private readonly concurrency: number,
    private readonly clock: PacerClock = systemPacerClock,
  ) {}

  widenInterval(ms: number): void {
    this.intervalMs = Math.max(this.intervalMs, ms);
    // The next start was booked with the old interval (e.g. right after robots.txt, whose answer
    // carried the Crawl-delay): push it out too, so the wider gap holds from the last request on.
    this.nextStart = Math.max(this.nextStart, this.lastStart + this.intervalMs);
  }

  /** Runs `task` when a slot is free and the pace allows. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      const now = this.clock.now();
      const start = Math.max(now, this.nextStart);
      this.nextStart = start + this.intervalMs;
      this.lastStart = start;
      if (start > now) await this.clock.sleep(start - now);
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export const systemPacerClock: PacerClock = { now: () => Date.now(), sleep };
