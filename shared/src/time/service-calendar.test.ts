import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SERVICE_CALENDAR,
  calendarFromSpec,
  specOfCalendar,
  describeServiceCalendar,
  isWithinServiceCalendar,
  nextServiceOpening,
  serviceHoursOn,
} from './service-calendar';

const open = (iso: string) => isWithinServiceCalendar(new Date(iso));

describe('the service calendar (weekdays 07:30–19:30, Saturday 07:30–15:12, Europe/Rome)', () => {
  it('is open on a winter Tuesday from 07:30 to just before 19:30 Rome time (UTC+1)', () => {
    expect(open('2026-12-01T06:29:59Z')).toBe(false); // 07:29:59 in Rome
    expect(open('2026-12-01T06:30:00Z')).toBe(true); // 07:30
    expect(open('2026-12-01T18:29:59Z')).toBe(true); // 19:29:59
    expect(open('2026-12-01T18:30:00Z')).toBe(false); // 19:30: closed
  });

  it('follows summer time: 07:30 in Rome is 05:30 UTC in July', () => {
    expect(open('2026-07-01T05:29:00Z')).toBe(false);
    expect(open('2026-07-01T05:30:00Z')).toBe(true);
    expect(open('2026-07-01T17:29:00Z')).toBe(true);
  });

  it('closes early on Saturday (15:12) and stays closed on Sunday', () => {
    expect(open('2026-12-05T14:11:00Z')).toBe(true); // Saturday 15:11
    expect(open('2026-12-05T14:12:00Z')).toBe(false); // Saturday 15:12
    expect(open('2026-12-06T10:00:00Z')).toBe(false); // Sunday 11:00
    expect(serviceHoursOn('2026-12-06')).toBeNull();
  });

  it('is closed on national holidays, Easter Monday included', () => {
    expect(open('2026-12-08T10:00:00Z')).toBe(false); // Immacolata, a Tuesday
    expect(open('2026-04-06T10:00:00Z')).toBe(false); // Easter Monday 2026
    expect(open('2026-12-25T10:00:00Z')).toBe(false);
  });

  it('finds the next opening: Saturday evening → Monday 07:30, skipping a holiday Tuesday', () => {
    expect(nextServiceOpening(new Date('2026-12-05T18:00:00Z'))?.toISOString()).toBe('2026-12-07T06:30:00.000Z');
    expect(nextServiceOpening(new Date('2026-12-07T19:00:00Z'))?.toISOString()).toBe('2026-12-09T06:30:00.000Z');
    const inside = new Date('2026-12-01T10:00:00Z');
    expect(nextServiceOpening(inside)).toEqual(inside);
  });

  it('describes itself for error messages', () => {
    expect(describeServiceCalendar()).toBe(
      'Monday–Friday 07:30–19:30, Saturday 07:30–15:12 (Europe/Rome), except national holidays',
    );
  });
});

describe('a site’s own calendar', () => {
  const rome = calendarFromSpec({
    weekdays: { opens: '08:00', closes: '19:30' },
    saturday: null,
    localHolidays: [{ date: '06-29', name: 'Santi Pietro e Paolo' }],
  });

  it('closes on its patron saint every year, keeps its own hours, and closes on Saturday when it has none', () => {
    expect(serviceHoursOn('2026-06-29', rome)).toBeNull(); // a Monday
    expect(serviceHoursOn('2027-06-29', rome)).toBeNull(); // a Tuesday
    expect(serviceHoursOn('2026-06-29')).not.toBeNull(); // elsewhere an ordinary Monday
    expect(isWithinServiceCalendar(new Date('2026-12-01T06:45:00Z'), rome)).toBe(false); // 07:45: not yet
    expect(isWithinServiceCalendar(new Date('2026-12-01T07:00:00Z'), rome)).toBe(true); // 08:00
    expect(serviceHoursOn('2026-12-05', rome)).toBeNull(); // Saturday
    // Saturday evening → Monday 08:00
    expect(nextServiceOpening(new Date('2026-12-04T19:00:00Z'), rome)?.toISOString()).toBe('2026-12-07T07:00:00.000Z');
  });

  it('describes itself with its local holidays, and round-trips through the form an admin edits', () => {
    expect(describeServiceCalendar(rome)).toBe(
      'Monday–Friday 08:00–19:30, closed on Saturday (Europe/Rome), except national holidays and 06-29 (Santi Pietro e Paolo)',
    );
    expect(calendarFromSpec(specOfCalendar(DEFAULT_SERVICE_CALENDAR))).toEqual(DEFAULT_SERVICE_CALENDAR);
    expect(specOfCalendar(rome)).toEqual({
      weekdays: { opens: '08:00', closes: '19:30' },
      saturday: null,
      localHolidays: [{ date: '06-29', name: 'Santi Pietro e Paolo' }],
    });
  });
});
