import { describe, expect, it } from 'vitest';
import { compareProportions, normalCdf, wilson } from './two-proportion';

describe('compareProportions', () => {
  it('matches a textbook case: 120/400 vs 90/400', () => {
    const r = compareProportions({ successes: 120, total: 400 }, { successes: 90, total: 400 });
    expect(r?.difference).toBeCloseTo(0.075, 6);
    // with 400 a side the score interval is close to Wald's 0.075 ± 1.96 × 0.030932
    expect(r?.low).toBeCloseTo(0.015, 2);
    expect(r?.high).toBeCloseTo(0.135, 2);
    // pooled p = .2625, z = 2.4128 → p ≈ 0.0158
    expect(r?.pValue).toBeCloseTo(0.0158, 3);
    expect(r?.significant).toBe(true);
  });

  it('calls a small difference on few contacts noise, and needs contacts on both sides', () => {
    const r = compareProportions({ successes: 6, total: 20 }, { successes: 5, total: 20 });
    expect(r?.significant).toBe(false);
    expect(r?.low).toBeLessThan(0);
    expect(r?.high).toBeGreaterThan(0);
    expect(compareProportions({ successes: 0, total: 0 }, { successes: 1, total: 2 })).toBeNull();
    // one contact a side, both converted: not a certainty (Wald would say 0 … 0)
    const one = compareProportions({ successes: 1, total: 1 }, { successes: 1, total: 1 });
    expect(one?.low).toBeLessThan(-0.5);
    expect(one?.high).toBeGreaterThan(0.5);
    expect(compareProportions({ successes: 0, total: 10 }, { successes: 0, total: 10 })?.pValue).toBe(1);
  });

  it("gives Newcombe's published interval (Statistics in Medicine 1998, 56/70 − 48/80: 0.0524 to 0.3339)", () => {
    const r = compareProportions({ successes: 56, total: 70 }, { successes: 48, total: 80 });
    expect(r?.low).toBeCloseTo(0.0524, 3);
    expect(r?.high).toBeCloseTo(0.3339, 3);
  });

  it("has Wilson's interval (Newcombe 1998, example: 81/263)", () => {
    const [low, high] = wilson(81, 263);
    expect(low).toBeCloseTo(0.2553, 3);
    expect(high).toBeCloseTo(0.3662, 3);
  });

  it('has the standard normal CDF', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1.644854)).toBeCloseTo(0.05, 6);
  });
});
