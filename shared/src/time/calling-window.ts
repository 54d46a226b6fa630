import { isItalianHoliday } from './holidays';

/**
 * When outbound campaign calls may be placed: intervals per weekday ('0' = Sunday … '6' = Saturday) in local
 * wall-clock time of `timeZone`, end exclusive, optionally never on Italian national holidays.
 */
export interface CallingWindow {
  timeZone: string;
  days: Partial<Record<WeekdayKey, [string, string][]>>;
  excludeNationalHolidays: boolean;
}
export type WeekdayKey = '0' | '1' | '2' | '3' | '4' | '5' | '6';
export const WEEKDAY_KEYS: readonly WeekdayKey[] = ['0', '1', '2', '3', '4', '5', '6'];

/** The Italian telemarketing code: weekdays 09:00–20:00, Saturday 10:00–19:00, never Sundays or national holidays. */
export const DEFAULT_CALLING_WINDOW: CallingWindow = {
  timeZone: 'Europe/Rome',
  days: {
    '1': [['09:00', '20:00']],
    '2': [['09:00', '20:00']],
    '3': [['09:00', '20:00']],
    '4': [['09:00', '20:00']],
    '5': [['09:00', '20:00']],
    '6': [['10:00', '19:00']],
  },
  excludeNationalHolidays: true,
};

/** 'HH:MM' → minutes since midnight ('24:00' allowed as an end). */
export function minutesOf(hhmm: string): number {
  const [h = 'x', m = 'x'] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

interface LocalParts {
  date: string;
  weekday: number;
  /** seconds since local midnight */
  seconds: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when the time zone name is one Intl knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

type FullLocalParts = LocalParts & { year: number; month: number; day: number };

/**
 * The last answer per time zone, by epoch second: the parts have a resolution of one second, so every instant of
 * the same second has the same parts. The queue asks this for each active campaign on every claim, and Intl's
 * formatToParts costs ~10 µs a call. (Returned objects are shared: callers only read them.)
 */
const lastParts = new Map<string, { second: number; parts: FullLocalParts }>();

function localParts(timeZone: string, at: Date): FullLocalParts {
  const second = Math.floor(at.getTime() / 1000);
  const last = lastParts.get(timeZone);
  if (last?.second === second) return last.parts;
  const parts = computeLocalParts(timeZone, at);
  if (lastParts.size >= 100) lastParts.clear();
  lastParts.set(timeZone, { second, parts });
  return parts;
}

function computeLocalParts(timeZone: string, at: Date): FullLocalParts {
  const p: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(at)) p[part.type] = part.value;
  return {
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    date: `${p.year}-${p.month}-${p.day}`,
    weekday: WEEKDAYS[p.weekday ?? 'Mon'] ?? 1,
    seconds: Number(p.hour) * 3600 + Number(p.minute) * 60 + Number(p.second),
  };
}

function offsetMinutes(timeZone: string, at: Date): number {
  const p = localParts(timeZone, at);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, 0, 0, p.seconds);
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

/** The UTC instant of a local wall-clock time in `timeZone`. */
function localToUtc(timeZone: string, date: string, minutesOfDay: number): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d, 0, minutesOfDay);
  let utc = guess - offsetMinutes(timeZone, new Date(guess)) * 60_000;
  utc = guess - offsetMinutes(timeZone, new Date(utc)) * 60_000;
  return new Date(utc);
}

function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

function weekdayOf(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

function intervalsOn(window: CallingWindow, date: string, weekday: number): [string, string][] {
  if (window.excludeNationalHolidays && isItalianHoliday(date)) return [];
  return window.days[String(weekday) as WeekdayKey] ?? [];
}

/** The local calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function localDateIn(timeZone: string, at: Date): string {
  return localParts(timeZone, at).date;
}

export function isInsideCallingWindow(window: CallingWindow, at: Date): boolean {
  const local = localParts(window.timeZone, at);
  const minute = local.seconds / 60;
  return intervalsOn(window, local.date, local.weekday).some(
    ([from, to]) => minute >= minutesOf(from) && minute < minutesOf(to),
  );
}

/** The next instant at or after `at` when calls are allowed, or null when the window never opens in the next 3 weeks. */
export function nextWindowOpening(window: CallingWindow, at: Date): Date | null {
  if (isInsideCallingWindow(window, at)) return at;
  const today = localParts(window.timeZone, at).date;
  for (let i = 0; i <= 21; i++) {
    const date = addDays(today, i);
    const starts = intervalsOn(window, date, weekdayOf(date))
      .map(([from]) => localToUtc(window.timeZone, date, minutesOf(from)))
      .filter((start) => start.getTime() > at.getTime())
      .sort((a, b) => a.getTime() - b.getTime());
    if (starts[0]) return starts[0];
  }
  return null;
}
