import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { romeParts, romePartsByIntl, romeToUtc, sameRomeDay } from './rome-time';

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

  it("judges 'today' on Rome's calendar, not the machine's zone", () => {
    // 00:03 and 23:33 UTC either side of midnight are 01:03 and 00:33 in Rome, the same day there
    expect(sameRomeDay(new Date('2026-12-05T00:03:00Z'), new Date('2026-12-04T23:33:00Z'))).toBe(true);
    // 22:59 and 23:01 UTC in winter: 23:59 and 00:01 in Rome, two days
    expect(sameRomeDay(new Date('2026-12-04T22:59:00Z'), new Date('2026-12-04T23:01:00Z'))).toBe(false);
    // in summer Rome's midnight is 22:00 UTC
    expect(sameRomeDay(new Date('2026-07-01T21:59:00Z'), new Date('2026-07-01T22:01:00Z'))).toBe(false);
    fc.assert(
      fc.property(anyInstant, anyInstant, (a, b) => {
        expect(sameRomeDay(a, b)).toBe(romePartsByIntl(a).date === romePartsByIntl(b).date);
      }),
      { numRuns: 2_000 },
    );
  });
});
