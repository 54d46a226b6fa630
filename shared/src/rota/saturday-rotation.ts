import { DEFAULT_SERVICE_CALENDAR, serviceHoursOn, type ServiceCalendar } from '../time/service-calendar';
import { addDays, weekdayOf } from '../time/rome-time';

/**
 * The Saturday rota of the source: Saturdays are covered by a rotating share of the people (two per district for the
 * field service, 15–20% of a team for second-level support), and whoever works a Saturday recovers the weekly rest
 * on a weekday of the following week. This spreads the Saturdays fairly and books the recoveries; it is pure (the
 * same input gives the same rota), so a team lead can generate, look, change the share and generate again.
 */

/** A group covered on Saturdays (a district, a team) and how many of its people each open Saturday needs. */
export interface RotaGroup {
  id: string;
  people: readonly number[];
  /** people needed each open Saturday: a number, or a share of the group rounded up (0.15 → 15%) */
  need: { count: number } | { share: number };
}

export interface RotationInput {
  groups: readonly RotaGroup[];
  /** the first day of the period (YYYY-MM-DD, Europe/Rome) */
  from: string;
  /** weeks covered from `from` */
  weeks: number;
  calendar?: ServiceCalendar;
  /** Saturdays each person already worked before the period (fairness carries over from the last rota) */
  history?: ReadonlyMap<number, number>;
  /** days a person cannot work (leave, training): `${personId}:${YYYY-MM-DD}` */
  unavailable?: ReadonlySet<string>;
}

export interface SaturdayShift {
  date: string;
  personId: number;
  groupId: string;
  /** the weekday of the following week on which the person recovers the weekly rest */
  restDay: string;
}

/** A Saturday a group cannot cover: fewer people available than it needs. */
export interface RotaShortfall {
  date: string;
  groupId: string;
  needed: number;
  assigned: number;
}

export interface Rotation {
  /** the open Saturdays of the period (a national or local holiday, a closure or no Saturday hours: not listed) */
  saturdays: string[];
  shifts: SaturdayShift[];
  shortfalls: RotaShortfall[];
}

/** How many people a group needs on a Saturday: the count, or the share of its size rounded up (at least one). */
export function neededOn(group: RotaGroup): number {
  const n = 'count' in group.need ? group.need.count : Math.ceil(group.need.share * group.people.length - 1e-9);
  return Math.max(1, Math.min(group.people.length, Math.floor(n)));
}

/** The open Saturdays from `from` for `weeks` weeks, as the calendar has them. */
export function openSaturdays(from: string, weeks: number, calendar: ServiceCalendar): string[] {
  const first = addDays(from, (6 - weekdayOf(from) + 7) % 7);
  const out: string[] = [];
  for (let w = 0; w < weeks; w++) {
    const date = addDays(first, 7 * w);
    if (serviceHoursOn(date, calendar)) out.push(date);
  }
  return out;
}

/**
 * Spreads the open Saturdays of the period: each Saturday, each group takes the people it needs among those available
 * who have worked the fewest Saturdays (history included), then those who worked one longest ago, then by a rotation
 * of the group's order that moves each week (so ties do not always fall on the same people). With everyone available,
 * Saturdays within a group never differ by more than one between two people.
 */
export function generateSaturdayRotation(input: RotationInput): Rotation {
  const calendar = input.calendar ?? DEFAULT_SERVICE_CALENDAR;
  const saturdays = openSaturdays(input.from, input.weeks, calendar);
  const worked = new Map<number, number>();
  const lastWorked = new Map<number, number>();
  const shifts: SaturdayShift[] = [];
  const shortfalls: RotaShortfall[] = [];
  saturdays.forEach((date, week) => {
    // the recoveries of one Saturday take the next week's weekdays in turn across groups too
    let restTurn = 0;
    for (const group of input.groups) {
      const needed = neededOn(group);
      const count = (p: number) => (input.history?.get(p) ?? 0) + (worked.get(p) ?? 0);
      const size = group.people.length;
      const candidates = group.people
        .map((personId, index) => ({ personId, turn: (index - week + size * input.weeks) % size }))
        .filter(({ personId }) => !input.unavailable?.has(`${personId}:${date}`))
        .sort(
          (a, b) =>
            count(a.personId) - count(b.personId) ||
            (lastWorked.get(a.personId) ?? -1) - (lastWorked.get(b.personId) ?? -1) ||
            a.turn - b.turn,
        );
      const chosen = candidates.slice(0, needed);
      const rests = restDays(date, chosen.length, calendar, restTurn);
      restTurn += chosen.length;
      chosen.forEach(({ personId }, i) => {
        worked.set(personId, (worked.get(personId) ?? 0) + 1);
        lastWorked.set(personId, week);
        shifts.push({ date, personId, groupId: group.id, restDay: rests[i] ?? addDays(date, 2) });
      });
      if (chosen.length < needed) shortfalls.push({ date, groupId: group.id, needed, assigned: chosen.length });
    }
  });
  return { saturdays, shifts, shortfalls };
}

/**
 * The weekly rest recovered for `n` people who worked a Saturday: open weekdays of the following week (Monday to
 * Friday), one each in turn from `offset`, so no weekday is short of many people; a week with none open falls back to
 * Monday.
 */
export function restDays(saturday: string, n: number, calendar: ServiceCalendar, offset = 0): string[] {
  const week = [2, 3, 4, 5, 6].map((d) => addDays(saturday, d)).filter((d) => serviceHoursOn(d, calendar));
  const days = week.length ? week : [addDays(saturday, 2)];
  return Array.from({ length: n }, (_, i) => days[(offset + i) % days.length] ?? addDays(saturday, 2));
}
