import type { RotaConflict, RotaShiftKind, RotaView } from '../schemas/rota';
import { addDays, romeToUtc } from '../time/rome-time';
import { serviceHoursOn, type ServiceCalendar } from '../time/service-calendar';

/**
 * What stops a rota period from being published (docs/admin.md, "Saturday rota" and "Weekday shifts"), in one pure
 * function: the same rows give the same conflicts in any order. The server judges each view with it
 * (domains/rota/rota.view.ts); `rota.publish` is refused while any stands.
 *
 * - shortfall / over_coverage: a team short of people or with more than it needs on an open Saturday (once a need is
 *   stored), anyone booked on a Saturday that is not open;
 * - rest_missing: a Saturday without its rest day in the following Monday–Friday;
 * - unfair: within a team, more Saturdays than the team's mean rounded up;
 * - overlap: two shifts of one person on one date whose hours meet, or a shift on a date the person rests (a rest day
 *   or a day off);
 * - outside_hours: a shift starting before the site opens or ending after it closes that day, or on a day it is closed
 *   (a holiday, a closure: the service calendar's `serviceHoursOn`);
 * - rest_rule: less than 11 hours between the end of a day's last shift and the start of the next day's first, or
 *   more than 6 working days in a row (days with a shift).
 */

/** A rota row as the rules read it (rota_shifts). */
export interface RotaRow {
  id: number;
  userId: number;
  name: string;
  teamId: number | null;
  date: string;
  kind: RotaShiftKind;
  /** HH:MM Europe/Rome; null for a rest day or a day off */
  starts: string | null;
  ends: string | null;
  /** a rest day: the Saturday shift it recovers */
  restOf: number | null;
}

export interface ConflictInput {
  teams: readonly RotaView['teams'][number][];
  /** the open Saturdays of the period */
  openSaturdays: readonly string[];
  /** the period's rows: every conflict reported involves one of them */
  shifts: readonly RotaRow[];
  /** rows of the days around the period, read only to judge the period's own (the rest before a Monday, a streak) */
  context?: readonly RotaRow[];
  /** whether coverage is judged (a need is stored) */
  judgeCoverage: boolean;
  calendar: ServiceCalendar;
}

/** Minimum rest between two days' shifts, and the longest run of working days. */
export const MIN_REST_HOURS = 11;
export const MAX_DAYS_IN_A_ROW = 6;

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
/** A row with hours: a Saturday shift, or a weekday shift (not a day off). */
const working = (r: RotaRow): r is RotaRow & { starts: string; ends: string } =>
  r.kind !== 'rest' && r.starts !== null && r.ends !== null;
const hoursOf = (r: RotaRow) => (working(r) ? `${r.starts}–${r.ends}` : r.kind === 'rest' ? 'rest day' : 'day off');
const byId = (a: RotaRow, b: RotaRow) => a.id - b.id;

export function rotaConflicts(input: ConflictInput): RotaConflict[] {
  const own = new Set(input.shifts.map((s) => s.id));
  const all = [...input.shifts, ...(input.context ?? []).filter((r) => !own.has(r.id))];
  const conflicts = [
    ...saturdayConflicts(input),
    ...unfairness(input.teams),
    ...overlaps(all),
    ...outsideHours(input.shifts, input.calendar),
    ...restRules(all),
  ].filter((c) => c.shiftIds.length === 0 || c.shiftIds.some((id) => own.has(id)));
  return conflicts.sort(compareConflicts);
}

/** A total order, so the answer never depends on the order the rows came in. */
function compareConflicts(a: RotaConflict, b: RotaConflict): number {
  return (
    (a.date ?? '9999').localeCompare(b.date ?? '9999') ||
    a.kind.localeCompare(b.kind) ||
    (a.teamId ?? 0) - (b.teamId ?? 0) ||
    (a.userId ?? 0) - (b.userId ?? 0) ||
    compareIds(a.shiftIds, b.shiftIds) ||
    a.message.localeCompare(b.message)
  );
}

function compareIds(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0);
  return a.length - b.length;
}

/** The Saturday rules: coverage, Saturdays that are not open, and each Saturday's rest day. */
function saturdayConflicts(input: ConflictInput): RotaConflict[] {
  const conflicts: RotaConflict[] = [];
  const open = new Set(input.openSaturdays);
  const saturdayRows = input.shifts.filter((r) => r.kind === 'saturday');
  const teamName = (id: number | null) => input.teams.find((t) => t.id === id)?.name ?? 'No team';
  const onDate = (teamId: number | null, date: string) =>
    saturdayRows.filter((r) => r.teamId === teamId && r.date === date);

  // days booked that are not open Saturdays (any team, whatever the need)
  const closedKeys = new Set(saturdayRows.filter((r) => !open.has(r.date)).map((r) => `${r.teamId ?? ''}|${r.date}`));
  for (const key of closedKeys) {
    const [team, date = ''] = key.split('|');
    const teamId = team ? Number(team) : null;
    const booked = onDate(teamId, date);
    conflicts.push({
      kind: 'over_coverage',
      date,
      teamId,
      userId: null,
      shiftIds: booked.map((r) => r.id).sort((a, b) => a - b),
      message: `${teamName(teamId)}: ${booked.length} booked on ${date}, which is not an open Saturday of the site's calendar`,
    });
  }
  if (input.judgeCoverage) {
    for (const team of input.teams) {
      for (const date of input.openSaturdays) {
        const n = onDate(team.id, date).length;
        const base = { date, teamId: team.id, userId: null, shiftIds: [] };
        if (n < team.needed) {
          conflicts.push({
            ...base,
            kind: 'shortfall',
            message: `${team.name}: ${n} of ${team.needed} people on Saturday ${date}`,
          });
        } else if (n > team.needed) {
          conflicts.push({
            ...base,
            kind: 'over_coverage',
            message: `${team.name}: ${n} people on Saturday ${date}, ${team.needed} needed`,
          });
        }
      }
    }
  }
  const all = [...input.shifts, ...(input.context ?? [])];
  for (const shift of saturdayRows) {
    const first = addDays(shift.date, 2);
    const last = addDays(shift.date, 6);
    const rested = all.some((r) => r.kind === 'rest' && r.restOf === shift.id && r.date >= first && r.date <= last);
    if (!rested) {
      conflicts.push({
        kind: 'rest_missing',
        date: shift.date,
        teamId: shift.teamId,
        userId: shift.userId,
        shiftIds: [shift.id],
        message: `${shift.name} works on Saturday ${shift.date} without a rest day from ${first} to ${last}`,
      });
    }
  }
  return conflicts;
}

/** Within a team, anyone with more Saturdays in the period than the team's mean rounded up. */
function unfairness(teams: ConflictInput['teams']): RotaConflict[] {
  const out: RotaConflict[] = [];
  for (const team of teams) {
    if (team.people.length === 0) continue;
    const total = team.people.reduce((sum, p) => sum + p.saturdays, 0);
    // the small epsilon keeps an exact mean (6 / 3) from rounding up through floating point
    const fair = Math.ceil(total / team.people.length - 1e-9);
    for (const person of team.people) {
      if (person.saturdays > fair) {
        out.push({
          kind: 'unfair',
          date: null,
          teamId: team.id,
          userId: person.userId,
          shiftIds: [],
          message: `${person.name} has ${person.saturdays} Saturdays in the period, more than ${fair} (the mean of ${team.name} rounded up)`,
        });
      }
    }
  }
  return out;
}

/** The rows of each person, by person. */
function byPerson(rows: readonly RotaRow[]): Map<number, RotaRow[]> {
  const out = new Map<number, RotaRow[]>();
  for (const row of rows) out.set(row.userId, [...(out.get(row.userId) ?? []), row]);
  return out;
}

/** Whether two rows of one person on one date clash: hours that meet, or work on a day of rest. */
export function rowsOverlap(a: RotaRow, b: RotaRow): boolean {
  if (a.userId !== b.userId || a.date !== b.date || a.id === b.id) return false;
  if (working(a) && working(b))
    return minutesOf(a.starts) < minutesOf(b.ends) && minutesOf(b.starts) < minutesOf(a.ends);
  return working(a) !== working(b);
}

/** Every pair of a person's rows on a date that overlap, once, the lower id first. */
export function overlaps(rows: readonly RotaRow[]): RotaConflict[] {
  const out: RotaConflict[] = [];
  for (const own of byPerson(rows).values()) {
    const sorted = [...own].sort(byId);
    sorted.forEach((a, i) => {
      for (const b of sorted.slice(i + 1)) {
        if (!rowsOverlap(a, b)) continue;
        out.push({
          kind: 'overlap',
          date: a.date,
          teamId: a.teamId,
          userId: a.userId,
          shiftIds: [a.id, b.id],
          message: `${a.name} has two overlapping entries on ${a.date}: ${hoursOf(a)} and ${hoursOf(b)}`,
        });
      }
    });
  }
  return out;
}

/** Shifts outside the open hours of their day, or on a day the site is closed. */
export function outsideHours(rows: readonly RotaRow[], calendar: ServiceCalendar): RotaConflict[] {
  const out: RotaConflict[] = [];
  for (const row of rows) {
    if (!working(row)) continue;
    const hours = serviceHoursOn(row.date, calendar);
    // a Saturday booked on a day that is not an open Saturday is over_coverage already (saturdayConflicts)
    if (!hours && row.kind === 'saturday') continue;
    const base = { kind: 'outside_hours' as const, date: row.date, teamId: row.teamId, userId: row.userId };
    if (!hours) {
      out.push({
        ...base,
        shiftIds: [row.id],
        message: `${row.name} works ${hoursOf(row)} on ${row.date}, when the site is closed (a holiday or a closure)`,
      });
      continue;
    }
    const starts = romeToUtc(row.date, minutesOf(row.starts));
    const ends = romeToUtc(row.date, minutesOf(row.ends));
    if (starts < hours.opensAt || ends > hours.closesAt) {
      out.push({
        ...base,
        shiftIds: [row.id],
        message: `${row.name} works ${hoursOf(row)} on ${row.date}, outside the site's hours that day`,
      });
    }
  }
  return out;
}

/** Too little rest between two days' shifts, and too many working days in a row. */
export function restRules(rows: readonly RotaRow[]): RotaConflict[] {
  const out: RotaConflict[] = [];
  for (const own of byPerson(rows).values()) {
    const days = new Map<string, (RotaRow & { starts: string; ends: string })[]>();
    for (const row of own.filter(working).sort(byId)) days.set(row.date, [...(days.get(row.date) ?? []), row]);
    const dates = [...days.keys()].sort();
    for (const date of dates) {
      const next = days.get(addDays(date, 1));
      if (!next) continue;
      const last = [...(days.get(date) ?? [])].sort((a, b) => minutesOf(b.ends) - minutesOf(a.ends) || a.id - b.id)[0];
      const first = [...next].sort((a, b) => minutesOf(a.starts) - minutesOf(b.starts) || a.id - b.id)[0];
      if (!last || !first) continue;
      const restMs =
        romeToUtc(first.date, minutesOf(first.starts)).getTime() - romeToUtc(last.date, minutesOf(last.ends)).getTime();
      if (restMs >= MIN_REST_HOURS * 3_600_000) continue;
      const rest = Math.max(0, Math.round(restMs / 60_000));
      out.push({
        kind: 'rest_rule',
        date: first.date,
        teamId: first.teamId,
        userId: first.userId,
        shiftIds: [last.id, first.id].sort((a, b) => a - b),
        message:
          `${first.name} rests ${Math.floor(rest / 60)} h ${String(rest % 60).padStart(2, '0')} between ${last.date} ` +
          `${last.ends} and ${first.date} ${first.starts}: at least ${MIN_REST_HOURS} hours`,
      });
    }
    // runs of consecutive working days longer than the limit: one conflict per run, on its first day over it
    let run: string[] = [];
    for (const date of [...dates, '']) {
      if (run.length > 0 && date === addDays(run.at(-1) ?? '', 1)) {
        run.push(date);
        continue;
      }
      if (run.length > MAX_DAYS_IN_A_ROW) {
        const ids = run.flatMap((d) => (days.get(d) ?? []).map((r) => r.id)).sort((a, b) => a - b);
        const who = days.get(run[0] ?? '')?.[0];
        out.push({
          kind: 'rest_rule',
          date: run[MAX_DAYS_IN_A_ROW] ?? null,
          teamId: who?.teamId ?? null,
          userId: who?.userId ?? null,
          shiftIds: ids,
          message: `${who?.name ?? ''} works ${run.length} days in a row from ${run[0]} to ${run.at(-1)}: at most ${MAX_DAYS_IN_A_ROW}`,
        });
      }
      run = date ? [date] : [];
    }
  }
  return out;
}
