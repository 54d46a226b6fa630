import { describe, expect, it } from 'vitest';
import { wilson } from '../metrics/two-proportion';
import { cohortEffect, cohortVerdict } from './cohort';

describe('does training pay: the cohort before and after', () => {
  it('pools the contacts of the cohort on each side, with Wilson’s interval and the difference', () => {
    const effect = cohortEffect([
      { before: { handled: 100, value: 10 }, after: { handled: 100, value: 20 } },
      { before: { handled: 100, value: 10 }, after: { handled: 100, value: 20 } },
    ]);
    expect(effect.operators).toBe(2);
    expect(effect.before).toMatchObject({ handled: 200, value: 20, rate: 0.1 });
    expect(effect.after).toMatchObject({ handled: 200, value: 40, rate: 0.2 });
    const [low, high] = wilson(20, 200);
    expect(effect.before.low).toBeCloseTo(low, 12);
    expect(effect.before.high).toBeCloseTo(high, 12);
    expect(effect.before.low).toBeCloseTo(0.0659, 3);
    expect(effect.before.high).toBeCloseTo(0.1496, 3);
    expect(effect.difference?.estimate).toBeCloseTo(0.1, 12);
    // Newcombe's hybrid interval for 40/200 − 20/200, by hand from the two Wilson intervals:
    // after [0.15045, 0.26086], before [0.06567, 0.14941] → 0.1 − √(0.04955² + 0.04941²), 0.1 + √(0.06086² + 0.03433²)
    expect(effect.difference?.low).toBeCloseTo(0.03003, 4);
    expect(effect.difference?.high).toBeCloseTo(0.16987, 4);
    expect(effect.difference?.significant).toBe(true);
  });

  it('has no rate and no difference for a side without contacts', () => {
    const effect = cohortEffect([{ before: { handled: 0, value: 0 }, after: { handled: 10, value: 3 } }]);
    expect(effect.before).toEqual({ handled: 0, value: 0, rate: null, low: null, high: null });
    expect(effect.after.rate).toBeCloseTo(0.3, 12);
    expect(effect.difference).toBeNull();
    expect(cohortEffect([])).toMatchObject({ operators: 0, difference: null });
  });

  it('never counts more value outcomes than contacts, and calls a small change noise', () => {
    const effect = cohortEffect([{ before: { handled: 5, value: 9 }, after: { handled: 20, value: 5 } }]);
    expect(effect.before).toMatchObject({ handled: 5, value: 5, rate: 1 });
    const noise = cohortEffect([{ before: { handled: 50, value: 10 }, after: { handled: 50, value: 12 } }]);
    expect(noise.difference?.significant).toBe(false);
    expect(noise.difference?.low).toBeLessThan(0);
    expect(noise.difference?.high).toBeGreaterThan(0);
  });
});

describe('the verdict in plain words', () => {
  it('calls a change better or worse only when the whole interval is on one side of 0', () => {
    expect(cohortVerdict({ estimate: 0.1, low: 0.03, high: 0.17, significant: true })).toBe('better');
    expect(cohortVerdict({ estimate: -0.1, low: -0.17, high: -0.03, significant: true })).toBe('worse');
    expect(cohortVerdict({ estimate: 0.04, low: -0.01, high: 0.09, significant: false })).toBe('unclear');
    // a flag that disagrees with the interval never makes a change of it
    expect(cohortVerdict({ estimate: 0.04, low: -0.01, high: 0.09, significant: true })).toBe('unclear');
    expect(cohortVerdict({ estimate: 0, low: 0, high: 0.05, significant: false })).toBe('unclear');
    expect(cohortVerdict(null)).toBe('no_data');
  });
});
