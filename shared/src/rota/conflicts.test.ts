import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RotaConflict } from '../schemas/rota';
import { DEFAULT_SERVICE_CALENDAR, type ServiceCalendar } from '../time/service-calendar';
import { rotaConflicts, rowsOverlap, type ConflictInput, type RotaRow } from './conflicts';

/** Open every day, all day: only the rules under test speak. */
const ALWAYS_OPEN: ServiceCalendar = {
  hours: Object.fromEntries([0, 1, 2, 3, 4, 5, 6].map((d) => [d, { opens: 0, closes: 24 * 60 }])),
  localHolidays: [],
};

let nextId = 1;
/** `hours`: 'HH:MM-HH:MM', or 'rest' (a rest day) or 'off' (a day off). */
function row(userId: number, date: string, hours: string, extra: Partial<RotaRow> = {}): RotaRow {
  const [starts, ends] = hours === 'rest' || hours === 'off' ? [null, null] : hours.split('-');
  return {
    id: nextId++,
    userId,
    name: `P${userId}`,
    teamId: null,
    date,
    kind: hours === 'rest' ? 'rest' : 'weekday',
    starts: starts ?? null,
    ends: ends ?? null,
    restOf: null,
    ...extra,
  };
}

function conflicts(shifts: RotaRow[], more: Partial<ConflictInput> = {}): RotaConflict[] {
  return rotaConflicts({
    teams: [],
    openSaturdays: [],
    shifts,
    judgeCoverage: false,
    calendar: ALWAYS_OPEN,
    ...more,
  });
}
const kinds = (list: RotaConflict[]) => list.map((c) => c.kind);

describe('rota conflicts: overlap', () => {
  it('flags two shifts of a person on a date whose hours meet, not ones that only touch or are on other dates', () => {
    const a = row(1, '2027-01-11', '08:00-14:00');
    const b = row(1, '2027-01-11', '13:00-19:00');
    const c = row(1, '2027-01-11', '14:00-15:00'); // touches a, overlaps b
    const d = row(2, '2027-01-11', '08:00-14:00'); // someone else
    const e = row(1, '2027-01-12', '08:00-14:00'); // another day
    const found = conflicts([a, b, c, d, e]).filter((x) => x.kind === 'overlap');
    expect(found.map((x) => x.shiftIds)).toEqual([
      [a.id, b.id],
      [b.id, c.id],
    ]);
    expect(found[0]).toMatchObject({ date: '2027-01-11', userId: 1 });
    expect(found[0]?.message).toContain('08:00–14:00 and 13:00–19:00');
  });

  it('flags a shift on a date the person rests (a rest day or a day off), not two days of rest', () => {
    const work = row(1, '2027-01-13', '08:00-14:00');
    const rest = row(1, '2027-01-13', 'rest');
    const off = row(1, '2027-01-13', 'off');
    expect(conflicts([work, rest]).map((x) => x.shiftIds)).toEqual([[work.id, rest.id]]);
    expect(conflicts([work, off]).map((x) => x.shiftIds)).toEqual([[work.id, off.id]]);
    expect(conflicts([rest, off])).toEqual([]);
  });

  it('reports a clash with a row around the period only when one of the period’s rows is in it', () => {
    const rest = row(1, '2027-01-13', 'rest');
    const work = row(1, '2027-01-13', '08:00-14:00');
    expect(conflicts([work], { context: [rest] }).map((x) => x.shiftIds)).toEqual([[rest.id, work.id]]);
    const a = row(2, '2027-01-20', '08:00-14:00');
    const b = row(2, '2027-01-20', '09:00-10:00');
    expect(conflicts([work, rest], { context: [a, b] }).map((x) => x.shiftIds)).toEqual([[rest.id, work.id]]);
  });
});

describe('rota conflicts: outside the open hours', () => {
  it('flags a weekday shift before opening or after closing, or on a holiday, by the site calendar', () => {
    const early = row(1, '2027-01-11', '07:00-13:00');
    const late = row(2, '2027-01-11', '13:00-20:00');
    const inside = row(3, '2027-01-11', '07:30-19:30');
    const holiday = row(4, '2027-01-06', '09:00-12:00'); // Epiphany
    const off = row(5, '2027-01-06', 'off');
    const found = conflicts([early, late, inside, holiday, off], { calendar: DEFAULT_SERVICE_CALENDAR });
    expect(found.filter((c) => c.kind === 'outside_hours').map((c) => c.shiftIds)).toEqual([
      [holiday.id],
      [early.id],
      [late.id],
    ]);
    expect(found.find((c) => c.shiftIds[0] === holiday.id)?.message).toContain('closed');
  });

  it('follows a closure and the Saturday hours in effect', () => {
    const calendar: ServiceCalendar = {
      ...DEFAULT_SERVICE_CALENDAR,
      closures: [{ from: '2027-01-12', to: '2027-01-12', reason: 'Lavori' }],
    };
    const closed = row(1, '2027-01-12', '09:00-12:00');
    const saturday = row(2, '2027-01-16', '07:30-16:00', { kind: 'saturday' });
    expect(
      conflicts([closed, saturday], { calendar })
        .filter((c) => c.kind === 'outside_hours')
        .map((c) => c.shiftIds),
    ).toEqual([[closed.id], [saturday.id]]);
  });
});

describe('rota conflicts: rest rules', () => {
  it('flags less than 11 hours between a day’s last shift and the next day’s first', () => {
    const late = row(1, '2027-01-11', '12:00-21:00');
    const early = row(1, '2027-01-12', '07:30-12:00');
    const found = conflicts([late, early]);
    expect(kinds(found)).toEqual(['rest_rule']);
    expect(found[0]).toMatchObject({ date: '2027-01-12', userId: 1, shiftIds: [late.id, early.id] });
    expect(found[0]?.message).toContain('10 h 30');
    // exactly 11 hours is enough
    expect(conflicts([row(2, '2027-01-11', '12:00-20:30'), row(2, '2027-01-12', '07:30-12:00')])).toEqual([]);
  });

  it('flags more than 6 working days in a row, once per run', () => {
    const days = ['2027-01-10', '2027-01-11', '2027-01-12', '2027-01-13', '2027-01-14', '2027-01-15', '2027-01-16'];
    const run = days.map((d) => row(1, d, '08:00-14:00'));
    const found = conflicts(run);
    expect(kinds(found)).toEqual(['rest_rule']);
    expect(found[0]).toMatchObject({ date: '2027-01-16', userId: 1 });
    expect(found[0]?.shiftIds).toEqual(run.map((r) => r.id));
    expect(found[0]?.message).toContain('7 days in a row');
    // six are allowed, and a day of rest breaks the run
    expect(conflicts(run.slice(0, 6))).toEqual([]);
    expect(conflicts([...run.slice(0, 3), ...run.slice(4)])).toEqual([]);
  });
});

describe('rota conflicts: the Saturday rules stay', () => {
  it('flags a Saturday without its rest day, and coverage once a need is stored', () => {
    const saturday = row(1, '2027-01-16', '07:30-15:12', { kind: 'saturday', teamId: 7 });
    const team = { id: 7, name: 'Team A', needed: 2, people: [{ userId: 1, name: 'P1', saturdays: 1 }] };
    const found = conflicts([saturday], { teams: [team], openSaturdays: ['2027-01-16'], judgeCoverage: true });
    expect(kinds(found)).toEqual(['rest_missing', 'shortfall']);
    const rest = row(1, '2027-01-19', 'rest', { restOf: saturday.id });
    expect(
      kinds(conflicts([saturday, rest], { teams: [team], openSaturdays: ['2027-01-16'], judgeCoverage: true })),
    ).toEqual(['shortfall']);
  });
});

describe('rota conflicts: properties', () => {
  const DATES = ['2027-01-11', '2027-01-12', '2027-01-13'];
  const arbRow = fc.record({
    userId: fc.integer({ min: 1, max: 3 }),
    date: fc.constantFrom(...DATES),
    kind: fc.constantFrom('weekday' as const, 'saturday' as const, 'rest' as const),
    off: fc.boolean(),
    start: fc.integer({ min: 0, max: 46 }),
    length: fc.integer({ min: 1, max: 20 }),
  });
  const hhmm = (halfHours: number) =>
    `${String(Math.floor(halfHours / 2)).padStart(2, '0')}:${halfHours % 2 ? '30' : '00'}`;
  const arbRows = fc.array(arbRow, { maxLength: 14 }).map((list) =>
    list.map((r, i): RotaRow => {
      const resting = r.kind === 'rest' || (r.kind === 'weekday' && r.off);
      return {
        id: i + 1,
        userId: r.userId,
        name: `P${r.userId}`,
        teamId: null,
        date: r.date,
        kind: r.kind,
        starts: resting ? null : hhmm(r.start),
        ends: resting ? null : hhmm(Math.min(48, r.start + r.length)).replace('24:00', '23:59'),
        restOf: null,
      };
    }),
  );
  const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));
  /** The oracle: the same person and date, and hours that share a minute, or work beside a day of rest. */
  function clash(a: RotaRow, b: RotaRow): boolean {
    if (a.userId !== b.userId || a.date !== b.date) return false;
    const works = (r: RotaRow) => r.kind !== 'rest' && r.starts !== null && r.ends !== null;
    if (works(a) && works(b)) {
      // two intervals share a minute when one of them starts inside the other
      const inside = (m: number, r: RotaRow) => minutes(r.starts ?? '') <= m && m < minutes(r.ends ?? '');
      return inside(minutes(a.starts ?? ''), b) || inside(minutes(b.starts ?? ''), a);
    }
    return works(a) !== works(b);
  }
  const overlapPairs = (list: RotaConflict[]) =>
    list
      .filter((c) => c.kind === 'overlap')
      .map((c) => c.shiftIds.join('-'))
      .sort();

  it('reports every overlapping pair of a person’s shifts, and nothing else', () => {
    fc.assert(
      fc.property(arbRows, (rows) => {
        const expected: string[] = [];
        rows.forEach((a, i) => {
          for (const b of rows.slice(i + 1)) if (clash(a, b)) expected.push(`${a.id}-${b.id}`);
        });
        expect(overlapPairs(conflicts(rows))).toEqual(expected.sort());
        for (const a of rows) for (const b of rows) if (a.id !== b.id) expect(rowsOverlap(a, b)).toBe(clash(a, b));
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same conflicts whatever the order of the rows', () => {
    fc.assert(
      fc.property(
        arbRows.chain((rows) => fc.tuple(fc.constant(rows), fc.shuffledSubarray(rows, { minLength: rows.length }))),
        ([rows, shuffled]) => {
          const calendar = DEFAULT_SERVICE_CALENDAR;
          expect(conflicts(shuffled, { calendar })).toEqual(conflicts(rows, { calendar }));
        },
      ),
      { numRuns: 300 },
    );
  });
});
