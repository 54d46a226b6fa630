import { describe, expect, it } from 'vitest';
import { DEFAULT_CALLING_WINDOW, isInsideCallingWindow, nextWindowOpening, type CallingWindow } from './calling-window';

const inside = (iso: string, w: CallingWindow = DEFAULT_CALLING_WINDOW) => isInsideCallingWindow(w, new Date(iso));
const next = (iso: string, w: CallingWindow = DEFAULT_CALLING_WINDOW) =>
  nextWindowOpening(w, new Date(iso))?.toISOString() ?? null;

describe('the default calling window (Italian telemarketing code)', () => {
  it('opens weekdays at 09:00 and closes at 20:00 Rome time, in winter (UTC+1)', () => {
    expect(inside('2026-12-02T07:59:59Z')).toBe(false); // Wed 08:59:59
    expect(inside('2026-12-02T08:00:00Z')).toBe(true); // Wed 09:00
    expect(inside('2026-12-02T18:59:59Z')).toBe(true); // Wed 19:59:59
    expect(inside('2026-12-02T19:00:00Z')).toBe(false); // Wed 20:00
  });

  it('follows the summer-time shift (UTC+2 after the last Sunday of March)', () => {
    expect(inside('2026-03-27T08:00:00Z')).toBe(true); // Fri 09:00 CET
    expect(inside('2026-03-30T06:59:00Z')).toBe(false); // Mon 08:59 CEST
    expect(inside('2026-03-30T07:00:00Z')).toBe(true); // Mon 09:00 CEST
    expect(inside('2026-03-30T17:59:00Z')).toBe(true); // Mon 19:59 CEST
    expect(inside('2026-03-30T18:00:00Z')).toBe(false); // Mon 20:00 CEST
  });

  it('has shorter Saturday hours and never calls on Sunday', () => {
    expect(inside('2026-12-05T08:30:00Z')).toBe(false); // Sat 09:30
    expect(inside('2026-12-05T09:00:00Z')).toBe(true); // Sat 10:00
    expect(inside('2026-12-05T18:00:00Z')).toBe(false); // Sat 19:00
    expect(inside('2026-12-06T11:00:00Z')).toBe(false); // Sun noon
  });

  it('stays closed on national holidays, Easter Monday included', () => {
    expect(inside('2026-12-08T10:00:00Z')).toBe(false); // Immacolata, a Tuesday
    expect(inside('2026-04-06T10:00:00Z')).toBe(false); // Easter Monday 2026
    expect(inside('2026-12-25T10:00:00Z')).toBe(false);
    expect(inside('2026-12-08T10:00:00Z', { ...DEFAULT_CALLING_WINDOW, excludeNationalHolidays: false })).toBe(true);
  });

  it('finds the next opening across a weekend and the spring DST change', () => {
    expect(next('2026-03-28T18:30:00Z')).toBe('2026-03-30T07:00:00.000Z'); // Sat 19:30 CET → Mon 09:00 CEST
  });

  it('finds the next opening across the autumn DST change', () => {
    expect(next('2026-10-24T17:30:00Z')).toBe('2026-10-26T08:00:00.000Z'); // Sat 19:30 CEST → Mon 09:00 CET
  });

  it('skips holidays when looking for the next opening', () => {
    expect(next('2026-04-04T17:30:00Z')).toBe('2026-04-07T07:00:00.000Z'); // Sat before Easter → Tue
    expect(next('2026-12-24T19:30:00Z')).toBe('2026-12-28T08:00:00.000Z'); // Christmas Eve evening → Mon 28
    expect(next('2026-12-07T19:30:00Z')).toBe('2026-12-09T08:00:00.000Z'); // Mon evening → Wed (8 Dec is a holiday)
  });

  it('returns the instant itself when inside, and opens later the same day before hours', () => {
    expect(next('2026-12-02T10:00:00Z')).toBe('2026-12-02T10:00:00.000Z');
    expect(next('2026-12-02T06:00:00Z')).toBe('2026-12-02T08:00:00.000Z');
  });
});

describe('a custom calling window', () => {
  const split: CallingWindow = {
    timeZone: 'Europe/London',
    days: {
      '1': [
        ['09:00', '12:30'],
        ['14:00', '18:00'],
      ],
    },
    excludeNationalHolidays: false,
  };
  it('honours split intervals in its own time zone', () => {
    expect(inside('2026-12-07T12:00:00Z', split)).toBe(true); // Mon 12:00 London
    expect(inside('2026-12-07T13:00:00Z', split)).toBe(false); // lunch break
    expect(next('2026-12-07T13:00:00Z', split)).toBe('2026-12-07T14:00:00.000Z');
    expect(next('2026-12-07T18:00:00Z', split)).toBe('2026-12-14T09:00:00.000Z');
  });
  it('never opens when no day has hours', () => {
    expect(next('2026-12-07T13:00:00Z', { ...split, days: {} })).toBeNull();
  });
});
