import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calendarFromSpec, DEFAULT_SERVICE_CALENDAR, serviceHoursOn } from '../time/service-calendar';
import { weekdayOf } from '../time/rome-time';
import { generateSaturdayRotation, neededOn, openSaturdays, type RotaGroup, type Rotation } from './saturday-rotation';

const countsOf = (rota: Rotation, group: RotaGroup) =>
  group.people.map((p) => rota.shifts.filter((s) => s.personId === p).length);

/** Groups of 2–14 people (distinct ids), each needing a count or a share. */
const groupsArb = fc
  .array(
    fc.record({
      size: fc.integer({ min: 2, max: 14 }),
      need: fc.oneof(
        fc.integer({ min: 1, max: 4 }).map((count) => ({ count })),
        fc.double({ min: 0.1, max: 0.5, noNaN: true }).map((share) => ({ share })),
      ),
    }),
    { minLength: 1, maxLength: 6 },
  )
  .map((specs) => {
    let next = 1;
    return specs.map((s, i): RotaGroup => ({
      id: `D${i + 1}`,
      people: Array.from({ length: s.size }, () => next++),
      need: s.need,
    }));
  });
/** A Monday to start from, over two years (holidays, changes of time and Saturdays that are holidays included). */
const fromArb = fc.integer({ min: 0, max: 104 }).map((w) => {
  const d = new Date(Date.UTC(2026, 0, 5 + 7 * w));
  return d.toISOString().slice(0, 10);
});

describe('the Saturday rotation', () => {
  it('over 8 weeks covers every open Saturday of every group with exactly the people it needs, each once', () => {
    fc.assert(
      fc.property(groupsArb, fromArb, (groups, from) => {
        const rota = generateSaturdayRotation({ groups, from, weeks: 8 });
        expect(rota.shortfalls).toEqual([]);
        for (const date of rota.saturdays) {
          for (const group of groups) {
            const on = rota.shifts.filter((s) => s.date === date && s.groupId === group.id);
            expect(on).toHaveLength(neededOn(group));
            expect(new Set(on.map((s) => s.personId)).size).toBe(on.length);
            expect(on.every((s) => group.people.includes(s.personId))).toBe(true);
          }
        }
      }),
    );
  });

  it('is fair: over 8 weeks nobody in a group has more than one Saturday above the mean (nor one below)', () => {
    fc.assert(
      fc.property(groupsArb, fromArb, (groups, from) => {
        const rota = generateSaturdayRotation({ groups, from, weeks: 8 });
        for (const group of groups) {
          const counts = countsOf(rota, group);
          const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
          expect(Math.max(...counts)).toBeLessThanOrEqual(Math.ceil(mean));
          expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it('books each Saturday’s weekly rest on an open weekday of the following week', () => {
    fc.assert(
      fc.property(groupsArb, fromArb, (groups, from) => {
        const rota = generateSaturdayRotation({ groups, from, weeks: 8 });
        for (const shift of rota.shifts) {
          const days = (Date.parse(shift.restDay) - Date.parse(shift.date)) / 86_400_000;
          expect(days).toBeGreaterThanOrEqual(2);
          expect(days).toBeLessThanOrEqual(6);
          expect(weekdayOf(shift.restDay)).toBeGreaterThanOrEqual(1);
          expect(weekdayOf(shift.restDay)).toBeLessThanOrEqual(5);
          expect(serviceHoursOn(shift.restDay)).not.toBeNull();
        }
      }),
    );
  });

  it('never rosters someone on a day off; a Saturday without enough people is reported, never filled by guess', () => {
    fc.assert(
      fc.property(
        groupsArb,
        fromArb,
        fc.array(fc.tuple(fc.integer({ min: 1, max: 84 }), fc.integer({ min: 0, max: 7 })), { maxLength: 120 }),
        (groups, from, offs) => {
          const saturdays = openSaturdays(from, 8, DEFAULT_SERVICE_CALENDAR);
          const unavailable = new Set(offs.map(([p, w]) => `${p}:${saturdays[w % Math.max(1, saturdays.length)]}`));
          const rota = generateSaturdayRotation({ groups, from, weeks: 8, unavailable });
          for (const shift of rota.shifts) expect(unavailable.has(`${shift.personId}:${shift.date}`)).toBe(false);
          for (const date of rota.saturdays) {
            for (const group of groups) {
              const available = group.people.filter((p) => !unavailable.has(`${p}:${date}`)).length;
              const assigned = rota.shifts.filter((s) => s.date === date && s.groupId === group.id).length;
              expect(assigned).toBe(Math.min(neededOn(group), available));
              const shortfall = rota.shortfalls.find((s) => s.date === date && s.groupId === group.id);
              expect(shortfall ?? null).toEqual(
                available < neededOn(group) ? { date, groupId: group.id, needed: neededOn(group), assigned } : null,
              );
            }
          }
        },
      ),
    );
  });

  it('gives the same rota for the same input', () => {
    fc.assert(
      fc.property(groupsArb, fromArb, (groups, from) => {
        expect(generateSaturdayRotation({ groups, from, weeks: 8 })).toEqual(
          generateSaturdayRotation({ groups, from, weeks: 8 }),
        );
      }),
    );
  });
});

describe('the Saturdays and the people a group needs', () => {
  it('skips a Saturday that is a holiday (Santo Stefano 2026), and every Saturday of a calendar closed on Saturday', () => {
    expect(openSaturdays('2026-12-14', 3, DEFAULT_SERVICE_CALENDAR)).toEqual(['2026-12-19', '2027-01-02']);
    const noSaturday = calendarFromSpec({
      weekdays: { opens: '08:00', closes: '19:00' },
      saturday: null,
      localHolidays: [],
    });
    expect(
      generateSaturdayRotation({
        groups: [{ id: 'RM', people: [1, 2], need: { count: 1 } }],
        from: '2026-12-14',
        weeks: 4,
        calendar: noSaturday,
      }),
    ).toEqual({
      saturdays: [],
      shifts: [],
      shortfalls: [],
    });
  });

  it('rounds a share up, at least one and at most the whole group: 15% of 13 is 2, 20% of 10 is 2', () => {
    const g = (size: number, need: RotaGroup['need']): RotaGroup => ({
      id: 'T',
      people: Array.from({ length: size }, (_, i) => i + 1),
      need,
    });
    expect(neededOn(g(13, { share: 0.15 }))).toBe(2);
    expect(neededOn(g(10, { share: 0.2 }))).toBe(2);
    expect(neededOn(g(3, { share: 0.01 }))).toBe(1);
    expect(neededOn(g(2, { count: 5 }))).toBe(2);
  });

  it('carries fairness over from the last rota: who worked more Saturdays before waits', () => {
    const group: RotaGroup = { id: 'NA', people: [1, 2, 3, 4], need: { count: 2 } };
    const rota = generateSaturdayRotation({
      groups: [group],
      from: '2027-01-04',
      weeks: 1,
      history: new Map([
        [1, 3],
        [2, 3],
      ]),
    });
    expect(rota.shifts.map((s) => s.personId).sort()).toEqual([3, 4]);
  });

  it('two people per district in turn: four people over four Saturdays work two each, never three in a row', () => {
    const rota = generateSaturdayRotation({
      groups: [{ id: 'Roma Sud', people: [11, 12, 13, 14], need: { count: 2 } }],
      from: '2027-01-04',
      weeks: 4,
    });
    expect(rota.saturdays).toEqual(['2027-01-09', '2027-01-16', '2027-01-23', '2027-01-30']);
    const byDate = rota.saturdays.map((d) =>
      rota.shifts
        .filter((s) => s.date === d)
        .map((s) => s.personId)
        .sort(),
    );
    expect(byDate).toEqual([
      [11, 12],
      [13, 14],
      [11, 12],
      [13, 14],
    ]);
    // the recoveries: Monday and Tuesday of the next week
    expect(rota.shifts.slice(0, 2).map((s) => s.restDay)).toEqual(['2027-01-11', '2027-01-12']);
  });
});
