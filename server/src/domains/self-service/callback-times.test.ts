import { describe, expect, it } from 'vitest';
import { DEFAULT_CALLING_WINDOW } from '@valore/shared/time/calling-window';
import { romeParts } from '@valore/shared/time/rome-time';
import { calendarFromSpec, isWithinServiceCalendar } from '@valore/shared/time/service-calendar';
import { callbackMoveTimes } from './callback-times';

const rome = (iso: string) => {
  const p = romeParts(new Date(iso));
  return `${p.date} ${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
};

describe('the times a customer may move a callback to', () => {
  // Friday 27 November 2026, 17:10 in Rome
  const now = new Date('2026-11-27T16:10:00Z');
  const days = callbackMoveTimes(now, { days: 4, leadMinutes: 30, maxDays: 30 });

  it('are half hours inside the service calendar, from a little after now', () => {
    const all = days.flatMap((d) => d.times);
    expect(all.every((t) => isWithinServiceCalendar(new Date(t)))).toBe(true);
    expect(rome(all[0] ?? '')).toBe('2026-11-27 18:00');
    expect(days[0]?.times.map(rome)).toEqual(['2026-11-27 18:00', '2026-11-27 18:30', '2026-11-27 19:00']);
  });

  it('skip Sunday, stop Saturday at its early closing and start Monday at 07:30', () => {
    expect(days.map((d) => d.date)).toEqual(['2026-11-27', '2026-11-28', '2026-11-30']);
    const saturday = days[1]?.times.map(rome) ?? [];
    expect(saturday[0]).toBe('2026-11-28 07:30');
    expect(saturday.at(-1)).toBe('2026-11-28 15:00');
    expect(days[2]?.times.map(rome).slice(0, 2)).toEqual(['2026-11-30 07:30', '2026-11-30 08:00']);
  });

  it('skip national holidays', () => {
    // Monday 7 December 2026, then Tuesday 8 December (Immacolata)
    const around = callbackMoveTimes(new Date('2026-12-06T12:00:00Z'), { days: 3, leadMinutes: 30, maxDays: 30 });
    expect(around.map((d) => d.date)).toEqual(['2026-12-07']);
  });

  it('keep a campaign callback inside the calling window', () => {
    const monday = callbackMoveTimes(now, {
      days: 4,
      leadMinutes: 30,
      maxDays: 30,
      callingWindow: DEFAULT_CALLING_WINDOW,
    });
    expect(monday.find((d) => d.date === '2026-11-30')?.times.map(rome)[0]).toBe('2026-11-30 09:00');
    expect(monday.find((d) => d.date === '2026-11-28')?.times.map(rome)[0]).toBe('2026-11-28 10:00');
  });
});

describe('the times offered for a callback of a site with its own calendar', () => {
  it('leave out its local holiday and its closed Saturday, and start at its opening', () => {
    const calendar = calendarFromSpec({
      weekdays: { opens: '09:00', closes: '18:00' },
      saturday: null,
      localHolidays: [{ date: '11-30', name: 'Sant’Andrea' }],
    });
    const days = callbackMoveTimes(new Date('2026-11-27T16:10:00Z'), {
      days: 5,
      leadMinutes: 30,
      maxDays: 30,
      calendar,
    });
    // Friday closes at 18:00 (already past 17:40), Saturday closed, Sunday closed, Monday the patron saint
    expect(days.map((d) => d.date)).toEqual(['2026-12-01']);
    expect(days[0]?.times.map(rome).slice(0, 1)).toEqual(['2026-12-01 09:00']);
    expect(days[0]?.times.map(rome).at(-1)).toBe('2026-12-01 17:30');
  });
});
