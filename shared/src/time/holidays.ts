import { addDays } from './rome-time';

/** Each year's holidays computed once: every agreed time is checked against them (several days each). */
const byYear = new Map<number, ReadonlySet<string>>();

/** Italian national holidays of a year (fixed dates plus Easter Monday). */
export function italianHolidays(year: number): ReadonlySet<string> {
  let days = byYear.get(year);
  if (!days) {
    const fixed = ['01-01', '01-06', '04-25', '05-01', '06-02', '08-15', '11-01', '12-08', '12-25', '12-26'];
    const easter = easterSunday(year);
    days = new Set([...fixed.map((md) => `${year}-${md}`), easter, addDays(easter, 1)]);
    byYear.set(year, days);
  }
  return days;
}

export function isItalianHoliday(date: string): boolean {
  return italianHolidays(Number(date.slice(0, 4))).has(date);
}

/** Anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
