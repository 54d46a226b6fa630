import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { romeParts, romePartsByIntl, romeToUtc } from './rome-time';

/** Instants from 1990 to 2100, and every instant within two hours of the DST changes of a few years. */
const anyInstant = fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2100, 0, 1) }).map((ms) => new Date(ms));
const nearDst = fc
  .tuple(
    fc.integer({ min: 2020, max: 2035 }),
    fc.constantFrom(2, 9), // March, October: the last Sunday, 01:00 UTC
    fc.integer({ min: -2 * 3_600_000, max: 2 * 3_600_000 }),
  )
  .map(([year, month, delta]) => {
    const lastDay = new Date(Date.UTC(year, month + 1, 0));
    const lastSunday = lastDay.getUTCDate() - lastDay.getUTCDay();
    return new Date(Date.UTC(year, month, lastSunday, 1) + delta);
  });

describe('Rome wall-clock time', () => {
  it('reads every instant as Intl does, across DST changes', () => {
    fc.assert(
      fc.property(fc.oneof(anyInstant, nearDst), (at) => {
        expect(romeParts(at)).toEqual(romePartsByIntl(at));
      }),
      { numRuns: 5_000 },
    );
  });

  it('turns a Rome wall-clock time back into the instant that reads as it', () => {
    fc.assert(
      fc.property(anyInstant, (at) => {
        const p = romeParts(at);
        const minutes = p.hour * 60 + p.minute;
        const back = romeToUtc(p.date, minutes);
        const again = romeParts(back);
        // the ambiguous hour of the autumn change may map to either of its two instants; the wall clock is the same
        expect([again.date, again.hour, again.minute]).toEqual([p.date, p.hour, p.minute]);
      }),
      { numRuns: 2_000 },
    );
  });
});
