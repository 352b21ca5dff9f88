// A clock for the fetcher (its pace, Retry-After and backoff) that moves only when something waits
// on it: sleep(ms) ends at once in real time, the waits in the order they end on this clock, one per
// turn of the event loop, and now() reads the end of the latest wait. A test then checks the waits
// exactly, whatever else the machine is doing, and waits on nothing.
import type { PacerClock } from '#adapters/http/request-pacer.js';

export class VirtualClock implements PacerClock {
  /** Every wait asked for, in milliseconds, in the order asked. */
  readonly waits: number[] = [];
  private time: number;
  private readonly pending: { at: number; order: number; wake: () => void }[] = [];
  private asked = 0;
  private scheduled = false;

  constructor(start = Date.parse('2026-11-25T12:00:00Z')) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  sleep(ms: number): Promise<void> {
    this.waits.push(ms);
    return new Promise((wake) => {
      this.pending.push({ at: this.time + Math.max(0, ms), order: this.asked++, wake });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pending.sort((a, b) => a.at - b.at || a.order - b.order);
      const next = this.pending.shift();
      if (!next) return;
      this.time = Math.max(this.time, next.at);
      next.wake();
      if (this.pending.length > 0) this.schedule();
    });
  }
}
