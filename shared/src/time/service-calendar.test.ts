import { describe, expect, it } from 'vitest';
import {
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
