import { isItalianHoliday } from './holidays';
import { addDays, romeParts, romeToUtc, weekdayOf } from './rome-time';

/** Opening hours of one weekday, in minutes since midnight (Europe/Rome), half-open: [opens, closes). */
export interface ServiceHours {
  opens: number;
  closes: number;
}

export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** A day the service is closed every year in one place, e.g. a city's patron saint ("06-29" in Rome). */
export interface LocalHoliday {
  /** MM-DD */
  date: string;
  name: string;
}

export type WeekHours = Partial<Record<Weekday, ServiceHours>>;

/** Hours that replace the calendar's from a date on, e.g. the source's "to-be" schedule from the day it starts. */
export interface CalendarVersion {
  name: string;
  /** the first day (YYYY-MM-DD, Europe/Rome) these hours apply */
  from: string;
  hours: WeekHours;
}

/** Days the service is closed once, e.g. a site shut for works: from and to included (YYYY-MM-DD, Europe/Rome). */
export interface Closure {
  from: string;
  to: string;
  reason: string;
}

/**
 * When the service is open: hours per weekday (a missing weekday is closed) and the local holidays closed every year;
 * optionally later versions of the hours, each from its effective date, and one-off closures. National holidays are
 * always closed. `serviceHoursOn` is the one reader of all of it.
 */
export interface ServiceCalendar {
  /** the name of the first version of the hours (e.g. "As-is"); versions name the later ones */
  name?: string;
  hours: WeekHours;
  localHolidays: readonly LocalHoliday[];
  /** later hours, ascending by `from`; the last one begun applies */
  versions?: readonly CalendarVersion[];
  closures?: readonly Closure[];
}

const hm = (h: number, m: number) => h * 60 + m;

/**
 * The operating calendar of the source: weekdays 07:30–19:30, Saturday 07:30–15:12 (covered by a rotating share of
 * staff), closed on Sundays and national holidays. A site may have its own (admin.sites.setCalendar, docs/admin.md).
 */
export const DEFAULT_SERVICE_CALENDAR: ServiceCalendar = {
  hours: {
    1: { opens: hm(7, 30), closes: hm(19, 30) },
    2: { opens: hm(7, 30), closes: hm(19, 30) },
    3: { opens: hm(7, 30), closes: hm(19, 30) },
    4: { opens: hm(7, 30), closes: hm(19, 30) },
    5: { opens: hm(7, 30), closes: hm(19, 30) },
    6: { opens: hm(7, 30), closes: hm(15, 12) },
  },
  localHolidays: [],
};

/** Hours as an admin sets them: one set for Monday–Friday (the source's homogeneous schedule), Saturday's or none. */
export interface CalendarHoursSpec {
  weekdays: { opens: string; closes: string };
  saturday: { opens: string; closes: string } | null;
}

/** A later version of the hours, named, from its effective date (YYYY-MM-DD). */
export interface CalendarVersionSpec extends CalendarHoursSpec {
  name: string;
  effectiveFrom: string;
}

/**
 * A calendar as an admin sets it and the API carries it: the hours (named, e.g. "As-is"), the local holidays, later
 * versions of the hours each from its effective date (e.g. "To-be" from the day it starts) and one-off closures.
 * Times are "HH:MM" in Europe/Rome.
 */
export interface ServiceCalendarSpec extends CalendarHoursSpec {
  name?: string;
  localHolidays: LocalHoliday[];
  versions?: CalendarVersionSpec[];
  closures?: Closure[];
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
export const formatMinutes = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

function weekHoursOf(spec: CalendarHoursSpec): WeekHours {
  const weekdays = { opens: toMinutes(spec.weekdays.opens), closes: toMinutes(spec.weekdays.closes) };
  return {
    1: weekdays,
    2: weekdays,
    3: weekdays,
    4: weekdays,
    5: weekdays,
    ...(spec.saturday ? { 6: { opens: toMinutes(spec.saturday.opens), closes: toMinutes(spec.saturday.closes) } } : {}),
  };
}

function hoursSpecOf(hours: WeekHours): CalendarHoursSpec {
  const weekdays = hours[1] ?? { opens: 0, closes: 0 };
  const saturday = hours[6];
  return {
    weekdays: { opens: formatMinutes(weekdays.opens), closes: formatMinutes(weekdays.closes) },
    saturday: saturday ? { opens: formatMinutes(saturday.opens), closes: formatMinutes(saturday.closes) } : null,
  };
}

export function calendarFromSpec(spec: ServiceCalendarSpec): ServiceCalendar {
  const versions = [...(spec.versions ?? [])]
    .sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom))
    .map((v) => ({ name: v.name, from: v.effectiveFrom, hours: weekHoursOf(v) }));
  return {
    ...(spec.name ? { name: spec.name } : {}),
    hours: weekHoursOf(spec),
    localHolidays: spec.localHolidays,
    ...(versions.length ? { versions } : {}),
    ...(spec.closures?.length ? { closures: spec.closures } : {}),
  };
}

export function specOfCalendar(calendar: ServiceCalendar): ServiceCalendarSpec {
  return {
    ...(calendar.name ? { name: calendar.name } : {}),
    ...hoursSpecOf(calendar.hours),
    localHolidays: [...calendar.localHolidays],
    ...(calendar.versions?.length
      ? { versions: calendar.versions.map((v) => ({ name: v.name, effectiveFrom: v.from, ...hoursSpecOf(v.hours) })) }
      : {}),
    ...(calendar.closures?.length ? { closures: calendar.closures.map((c) => ({ ...c })) } : {}),
  };
}

/** The hours in effect on a Rome date (YYYY-MM-DD): the last version begun by then, else the first hours. */
export function hoursInEffect(date: string, calendar: ServiceCalendar = DEFAULT_SERVICE_CALENDAR): WeekHours {
  let hours = calendar.hours;
  for (const version of calendar.versions ?? []) if (version.from <= date) hours = version.hours;
  return hours;
}

/** The closure a Rome date falls in, if any. */
export function closureOn(date: string, calendar: ServiceCalendar = DEFAULT_SERVICE_CALENDAR): Closure | null {
  return calendar.closures?.find((c) => c.from <= date && date <= c.to) ?? null;
}

/** The opening interval of a Rome date (YYYY-MM-DD) as UTC instants, or null when the service is closed that day. */
export function serviceHoursOn(
  date: string,
  calendar: ServiceCalendar = DEFAULT_SERVICE_CALENDAR,
): { opensAt: Date; closesAt: Date } | null {
  if (isItalianHoliday(date)) return null;
  const monthDay = date.slice(5);
  if (calendar.localHolidays.some((h) => h.date === monthDay)) return null;
  if (closureOn(date, calendar)) return null;
  const hours = hoursInEffect(date, calendar)[weekdayOf(date) as Weekday];
  if (!hours) return null;
  return { opensAt: romeToUtc(date, hours.opens), closesAt: romeToUtc(date, hours.closes) };
}

/** Whether the service is open at this instant (closing time itself is outside). */
export function isWithinServiceCalendar(at: Date, calendar: ServiceCalendar = DEFAULT_SERVICE_CALENDAR): boolean {
  const hours = serviceHoursOn(romeParts(at).date, calendar);
  return hours !== null && at >= hours.opensAt && at < hours.closesAt;
}

/** The next instant, at or after `from`, when the service is open; null if none within `maxDays`. */
export function nextServiceOpening(
  from: Date,
  calendar: ServiceCalendar = DEFAULT_SERVICE_CALENDAR,
  maxDays = 14,
): Date | null {
  if (isWithinServiceCalendar(from, calendar)) return from;
  const start = romeParts(from).date;
  for (let i = 0; i <= maxDays; i++) {
    const hours = serviceHoursOn(addDays(start, i), calendar);
    if (hours && hours.opensAt >= from) return hours.opensAt;
  }
  return null;
}

/** A short human description of the calendar, for error messages. */
export function describeServiceCalendar(calendar: ServiceCalendar = DEFAULT_SERVICE_CALENDAR): string {
  const locals = calendar.localHolidays.length
    ? ` and ${calendar.localHolidays.map((h) => `${h.date} (${h.name})`).join(', ')}`
    : '';
  const closures = (calendar.closures ?? []).map(
    (c) => `; closed ${c.from === c.to ? c.from : `${c.from} to ${c.to}`} (${c.reason})`,
  );
  const versions = (calendar.versions ?? []).map((v) => `; from ${v.from} (${v.name}): ${describeHours(v.hours)}`);
  return `${describeHours(calendar.hours)}${versions.join('')} (Europe/Rome), except national holidays${locals}${closures.join('')}`;
}

function describeHours(hours: WeekHours): string {
  const fmt = formatMinutes;
  const names = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
  // identical weekdays collapse, the usual reading
  const weekdays = [1, 2, 3, 4, 5].map((d) => hours[d as Weekday]);
  const first = weekdays[0];
  if (first && weekdays.every((h) => h && h.opens === first.opens && h.closes === first.closes)) {
    const sat = hours[6];
    return (
      `Monday–Friday ${fmt(first.opens)}–${fmt(first.closes)}` +
      (sat ? `, Saturday ${fmt(sat.opens)}–${fmt(sat.closes)}` : ', closed on Saturday')
    );
  }
  const parts: string[] = [];
  for (let d = 0; d < 7; d++) {
    const h = hours[d as Weekday];
    if (h) parts.push(`${names[d]} ${fmt(h.opens)}–${fmt(h.closes)}`);
  }
  return parts.join(', ');
}

const HALF_HOUR = 30 * 60_000;

/**
 * The first half-hour (:00 or :30; Rome's offset is whole hours) at least `afterMs` after `from` at which the service
 * is open; null if none within two weeks. What an agreed callback or follow-up time can be (the console's picker,
 * tests that need a valid agreed time).
 */
export function nextServiceHalfHour(
  from: Date,
  afterMs = 0,
  calendar: ServiceCalendar = DEFAULT_SERVICE_CALENDAR,
): Date | null {
  let t = Math.ceil((from.getTime() + afterMs) / HALF_HOUR) * HALF_HOUR;
  for (let i = 0; i < 14 * 48; i++, t += HALF_HOUR) {
    const at = new Date(t);
    if (isWithinServiceCalendar(at, calendar)) return at;
  }
  return null;
}

/** Every open half-hour of the service calendar from `from` (exclusive) for `days` days: the choices a picker offers. */
export function serviceHalfHours(
  from: Date,
  days: number,
  calendar: ServiceCalendar = DEFAULT_SERVICE_CALENDAR,
): Date[] {
  const out: Date[] = [];
  const end = from.getTime() + days * 86_400_000;
  for (let t = Math.floor(from.getTime() / HALF_HOUR) * HALF_HOUR + HALF_HOUR; t <= end; t += HALF_HOUR) {
    const at = new Date(t);
    if (isWithinServiceCalendar(at, calendar)) out.push(at);
  }
  return out;
}
