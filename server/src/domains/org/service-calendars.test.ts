import { describe, expect, it } from 'vitest';
import { followedDistrict } from './service-calendars';

const weekSpec = { weekly: { mon: [['09:00', '18:00']] } };
const week = JSON.stringify(weekSpec);
const saturday = JSON.stringify({ weekly: { sat: [['09:00', '13:00']] } });

describe('followedDistrict: the one choice of the district a site follows', () => {
  it('takes the first district by code that has a calendar, whatever the order read', () => {
    const rows = [
      { code: 'RM2', name: 'Roma Sud', calendar: saturday },
      { code: 'RM0', name: 'Roma Est', calendar: null },
      { code: 'RM1', name: 'Roma Nord', calendar: week },
    ];
    for (const order of [rows, [...rows].reverse(), [rows[1]!, rows[2]!, rows[0]!]]) {
      expect(followedDistrict(order)).toEqual({ code: 'RM1', name: 'Roma Nord', calendar: weekSpec });
    }
  });

  it('is null when no district of the province has a calendar (the centre default applies)', () => {
    expect(followedDistrict([])).toBeNull();
    expect(followedDistrict([{ code: 'MI1', name: 'Lombardia Centro', calendar: null }])).toBeNull();
  });
});
