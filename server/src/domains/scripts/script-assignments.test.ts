import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pickVersion } from './script-assignments';

describe('pickVersion', () => {
  it('splits 1,000 contacts by the weights, within ±5 points', () => {
    for (const [a, b] of [
      [50, 50],
      [80, 20],
      [90, 10],
    ] as const) {
      const splits = [
        { version: '1.0.0', weight: a },
        { version: '1.1.0', weight: b },
      ];
      let first = 0;
      for (let i = 0; i < 1_000; i++) if (pickVersion(splits, `callback:customer:${1_000 + i}`) === '1.0.0') first += 1;
      expect(Math.abs(first / 10 - a), `${a}/${b}: ${first} of 1,000`).toBeLessThanOrEqual(5);
    }
  });

  it('gives a contact the same version every time, and only versions of the split', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 4 }),
        (key, weights) => {
          const splits = weights.map((weight, i) => ({ version: `1.${i}.0`, weight }));
          const picked = pickVersion(splits, key);
          expect(pickVersion(splits, key)).toBe(picked);
          expect(splits.map((s) => s.version)).toContain(picked);
        },
      ),
    );
    expect(pickVersion([{ version: '1.0.0', weight: 100 }], 'anyone')).toBe('1.0.0');
  });
});
