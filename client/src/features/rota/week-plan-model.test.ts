import { describe, expect, it } from 'vitest';
import type { RotaView } from '@valore/shared/schemas/rota';
import {
  applyToWeek,
  draftFromView,
  EMPTY_DAY,
  mondayOf,
  weekDates,
  weekPayload,
  weekPublished,
} from './week-plan-model';

const DATES = weekDates('2027-01-11');

function view(shifts: Partial<RotaView['shifts'][number]>[]): RotaView {
  return {
    siteId: 1,
    siteName: 'Sede',
    from: '2027-01-11',
    weeks: 1,
    need: null,
    saturdays: [],
    weekdays: [],
    teams: [],
    conflicts: [],
    published: false,
    shifts: shifts.map((s, i) => ({
      id: i + 1,
      userId: 7,
      name: 'Op',
      teamId: null,
      date: '2027-01-11',
      kind: 'weekday',
      starts: null,
      ends: null,
      status: 'draft',
      ...s,
    })),
  };
}

describe('the week table’s model', () => {
  it('finds the Monday of any day, and the week’s Monday to Friday', () => {
    expect(mondayOf('2027-01-11')).toBe('2027-01-11');
    expect(mondayOf('2027-01-17')).toBe('2027-01-11'); // Sunday
    expect(mondayOf('2027-01-13')).toBe('2027-01-11');
    expect(DATES).toEqual(['2027-01-11', '2027-01-12', '2027-01-13', '2027-01-14', '2027-01-15']);
  });

  it('reads an operator’s rows by date: hours, a day off, a split day; their rest days are not theirs to edit', () => {
    const v = view([
      { date: '2027-01-11', starts: '14:00', ends: '18:00' },
      { date: '2027-01-11', starts: '08:00', ends: '12:00' },
      { date: '2027-01-12' },
      { date: '2027-01-13', kind: 'rest' },
      { date: '2027-01-14', userId: 8, starts: '08:00', ends: '12:00' },
    ]);
    const draft = draftFromView(v, 7, DATES);
    expect(draft['2027-01-11']).toEqual({
      starts: '08:00',
      ends: '12:00',
      off: false,
      extra: [{ starts: '14:00', ends: '18:00' }],
    });
    expect(draft['2027-01-12']).toEqual({ ...EMPTY_DAY, off: true });
    expect(draft['2027-01-13']).toEqual(EMPTY_DAY);
    expect(draft['2027-01-14']).toEqual(EMPTY_DAY);
    expect(weekPublished(v, 7, DATES)).toBe(false);
    expect(weekPublished(view([{ status: 'published' }]), 7, DATES)).toBe(true);
  });

  it('applies the first day filled to the other open days', () => {
    const draft = { '2027-01-12': { ...EMPTY_DAY, starts: '09:00', ends: '17:00' } };
    const open = DATES.filter((d) => d !== '2027-01-13');
    const all = applyToWeek(draft, open);
    expect(all && Object.keys(all).sort()).toEqual(open);
    expect(all?.['2027-01-15']).toEqual({ ...EMPTY_DAY, starts: '09:00', ends: '17:00' });
    expect(applyToWeek({}, open)).toBeNull();
  });

  it('sends hours and days off, leaves empty days out, and names the days that are not complete', () => {
    const draft = {
      '2027-01-11': { ...EMPTY_DAY, starts: '08:00', ends: '12:00', extra: [{ starts: '14:00', ends: '18:00' }] },
      '2027-01-12': { ...EMPTY_DAY, off: true, starts: '08:00' },
    };
    expect(weekPayload(draft, DATES)).toEqual({
      days: [
        { date: '2027-01-11', starts: '08:00', ends: '12:00' },
        { date: '2027-01-11', starts: '14:00', ends: '18:00' },
        { date: '2027-01-12', off: true },
      ],
    });
    expect(
      weekPayload(
        {
          '2027-01-11': { ...EMPTY_DAY, starts: '08:00' },
          '2027-01-12': { ...EMPTY_DAY, starts: '12:00', ends: '08:00' },
        },
        DATES,
      ),
    ).toEqual({ problems: { '2027-01-11': 'incomplete', '2027-01-12': 'order' } });
  });
});
