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

/**
 * When the service is open: hours per weekday (a missing weekday is closed) and the local holidays closed every year.
 * National holidays are always closed.
 */
export interface ServiceCalendar {
  hours: Partial<Record<Weekday, ServiceHours>>;
  localHolidays: readonly LocalHoliday[];
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

/**
 * A calendar as an admin sets it and the API carries it: one set of hours for Monday–Friday (the source's homogeneous
 * schedule), Saturday's or none, and the local holidays. Times are "HH:MM" in Europe/Rome.
 */
export interface ServiceCalendarSpec {
  weekdays: { opens: string; closes: string };
  saturday: { opens: string; closes: string } | null;
  localHolidays: LocalHoliday[];
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
export const formatMinutes = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

export function calendarFromSpec(spec: ServiceCalendarSpec): ServiceCalendar {
  const weekdays = { opens: toMinutes(spec.weekdays.opens), closes: toMinutes(spec.weekdays.closes) };
  return {
    hours: {
      1: weekdays,
      2: weekdays,
      3: weekdays,
      4: weekdays,
      5: weekdays,
      ...(spec.saturday
        ? { 6: { opens: toMinutes(spec.saturday.opens), closes: toMinutes(spec.saturday.closes) } }
        : {}),
    },
    localHolidays: spec.localHolidays,
  };
}

export function specOfCalendar(calendar: ServiceCalendar): ServiceCalendarSpec {
  const weekdays = calendar.hours[1] ?? { opens: 0, closes: 0 };
  const saturday = calendar.hours[6];
  return {
    weekdays: { opens: formatMinutes(weekdays.opens), closes: formatMinutes(weekdays.closes) },
    saturday: saturday ? { opens: formatMinutes(saturday.opens), closes: formatMinutes(saturday.closes) } : null,
    localHolidays: [...calendar.localHolidays],
  };
}

/** The opening interval of a Rome date (YYYY-MM-DD) as UTC instants, or null when the service is closed that day. */
export function serviceHoursOn(
  date: string,
  calendar: ServiceCalendar = DEFAULT_SERVICE_CALENDAR,
): { opensAt: Date; closesAt: Date } | null {
  if (isItalianHoliday(date)) return null;
  const monthDay = date.slice(5);
  if (calendar.localHolidays.some((h) => h.date === monthDay)) return null;
  const hours = calendar.hours[weekdayOf(date) as Weekday];
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
  const fmt = formatMinutes;
  const names = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
  const locals = calendar.localHolidays.length
    ? ` and ${calendar.localHolidays.map((h) => `${h.date} (${h.name})`).join(', ')}`
    : '';
  const tail = ` (Europe/Rome), except national holidays${locals}`;
  // identical weekdays collapse, the usual reading
  const weekdays = [1, 2, 3, 4, 5].map((d) => calendar.hours[d as Weekday]);
  const first = weekdays[0];
  if (first && weekdays.every((h) => h && h.opens === first.opens && h.closes === first.closes)) {
    const sat = calendar.hours[6];
    return (
      `Monday–Friday ${fmt(first.opens)}–${fmt(first.closes)}` +
      (sat ? `, Saturday ${fmt(sat.opens)}–${fmt(sat.closes)}` : ', closed on Saturday') +
      tail
    );
  }
  const parts: string[] = [];
  for (let d = 0; d < 7; d++) {
    const h = calendar.hours[d as Weekday];
    if (h) parts.push(`${names[d]} ${fmt(h.opens)}–${fmt(h.closes)}`);
  }
  return parts.join(', ') + tail;
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
