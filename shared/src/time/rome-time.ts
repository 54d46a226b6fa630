/** Europe/Rome wall-clock helpers built on Intl (no time-zone database shipped). */
export const ROME_TZ = 'Europe/Rome';

const partsFormatter = new Intl.DateTimeFormat('en-GB', {
  timeZone: ROME_TZ,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  weekday: 'short',
});

export interface RomeParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
  /** YYYY-MM-DD in Rome */
  date: string;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** Rome's wall clock read by Intl: the reference, and how each hour's offset is learnt. */
function romePartsByIntl(at: Date): RomeParts {
  const p: Record<string, string> = {};
  for (const part of partsFormatter.formatToParts(at)) p[part.type] = part.value;
  const year = Number(p.year);
  const month = Number(p.month);
  const day = Number(p.day);
  return {
    year,
    month,
    day,
    hour: Number(p.hour),
    minute: Number(p.minute),
    second: Number(p.second),
    weekday: WEEKDAYS[p.weekday ?? 'Mon'] ?? 1,
    date: `${p.year}-${p.month}-${p.day}`,
  };
}

const HOUR_MS = 3_600_000;
/** Rome's offset from UTC (minutes) for each UTC hour seen; it changes only on the hour (EU DST: 01:00 UTC). */
const offsetOfHour = new Map<number, number>();

/** Rome's offset from UTC at `at`, in minutes (60 or 120): learnt from Intl once per UTC hour, then remembered. */
function romeOffsetMinutes(at: Date): number {
  const hour = Math.floor(at.getTime() / HOUR_MS);
  let offset = offsetOfHour.get(hour);
  if (offset === undefined) {
    const start = new Date(hour * HOUR_MS);
    const p = romePartsByIntl(start);
    offset = Math.round((Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - start.getTime()) / 60_000);
    if (offsetOfHour.size >= 10_000) offsetOfHour.clear(); // bounded: a server sees a few hours a day
    offsetOfHour.set(hour, offset);
  }
  return offset;
}

const pad = (n: number) => (n < 10 ? `0${n}` : String(n));

/**
 * Rome's wall clock at an instant. Computed from the hour's offset (Intl's formatToParts, ~10 µs a call, was a few
 * per cent of the server's CPU under load: issue 15); `romePartsByIntl` is the reference it is tested against.
 */
export function romeParts(at: Date): RomeParts {
  const local = new Date(at.getTime() + romeOffsetMinutes(at) * 60_000);
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth() + 1;
  const day = local.getUTCDate();
  return {
    year,
    month,
    day,
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    weekday: local.getUTCDay(),
    date: `${year}-${pad(month)}-${pad(day)}`,
  };
}

export { romePartsByIntl };

/** Whether two instants fall on the same date on Rome's calendar (whatever the zone of the machine reading them). */
export function sameRomeDay(a: Date, b: Date): boolean {
  return romeParts(a).date === romeParts(b).date;
}

/** The UTC instant of a Rome wall-clock time (date YYYY-MM-DD, minutes since midnight). */
export function romeToUtc(date: string, minutesOfDay: number): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d, 0, minutesOfDay);
  // Rome is UTC+1 or UTC+2: correct the guess by the offset observed at it (twice, across a DST edge).
  let utc = guess - offsetMinutes(new Date(guess)) * 60_000;
  utc = guess - offsetMinutes(new Date(utc)) * 60_000;
  return new Date(utc);
}

function offsetMinutes(at: Date): number {
  return romeOffsetMinutes(at);
}

/** Adds whole days to a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Weekday (0 = Sunday) of a YYYY-MM-DD date. */
export function weekdayOf(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}
