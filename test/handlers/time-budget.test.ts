import { describe, expect, it } from 'vitest';
import { TimeBudget } from '#handlers/time-budget.js';

describe('TimeBudget', () => {
  const context = (ms: number) => {
    let left = ms;
    return { getRemainingTimeInMillis: () => left, spend: (t: number) => (left -= t) };
  };

  it('keeps back 10% (1 to 10 s) and starts work only while a quarter of the time (2 to 30 s) is left', () => {
    const lambda = context(120_000);
    const budget = new TimeBudget(lambda, 1_000_000);
    expect([budget.reserveMs, budget.minimumToStartMs, budget.deadline]).toEqual([10_000, 30_000, 1_000_000 + 110_000]);
    lambda.spend(79_000);
    expect(budget.canStart()).toBe(true);
    lambda.spend(2_000);
    expect(budget.canStart()).toBe(false);
    const short = new TimeBudget(context(6_000), 0);
    expect([short.reserveMs, short.minimumToStartMs, short.deadline]).toEqual([1_000, 2_000, 5_000]);
  });
});
