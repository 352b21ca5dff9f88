// An invocation's time, as Lambda gives it (getRemainingTimeInMillis). Part of it is kept back for
// reporting the batch, sending the publish request and flushing metrics; new work starts only while
// enough is left for it; and the fetcher is told the deadline, so a page that hangs, or a Retry-After
// longer than the time left, ends the page rather than the invocation (Lambda would kill it at its
// timeout and retry the whole batch, pages already stored included).
export interface RemainingTime {
  getRemainingTimeInMillis(): number;
}

export class TimeBudget {
  /** Kept back at the end: 10% of the invocation, 1 to 10 seconds. */
  readonly reserveMs: number;
  /** A new page starts only with at least this much left: 25% of the invocation, 2 to 30 seconds. */
  readonly minimumToStartMs: number;
  /** Epoch ms by which the work must be done (the fetcher's deadline). */
  readonly deadline: number;

  constructor(
    private readonly context: RemainingTime,
    now: number = Date.now(),
  ) {
    const total = context.getRemainingTimeInMillis();
    this.reserveMs = clamp(total * 0.1, 1_000, 10_000);
    this.minimumToStartMs = clamp(total * 0.25, 2_000, 30_000);
    this.deadline = now + total - this.reserveMs;
  }

  /** Time left for work, the reserve excluded. */
  left(): number {
    return this.context.getRemainingTimeInMillis() - this.reserveMs;
  }

  canStart(): boolean {
    return this.left() >= this.minimumToStartMs;
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(value)));
}
