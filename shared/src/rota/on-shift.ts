import { weekdayOf } from '../time/rome-time';

/** A person's published rota rows of one date (domains/rota: rota_shifts). */
export interface RotaDayRow {
  kind: 'saturday' | 'rest';
  /** HH:MM, Europe/Rome; null for a rest day */
  starts: string | null;
  ends: string | null;
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Whether an operator is on shift at a Rome date and minute of the day, by the rota: Monday–Friday everyone, unless
 * recovering a Saturday that day (a published rest day); Saturday only with a published Saturday shift whose hours
 * hold the minute; Sunday nobody. The one rule the wallboard's adherence and the Call Me Back capacity both count by;
 * the service calendar (open or not) is the caller's to apply.
 */
export function isOnShift(date: string, minute: number, rows: readonly RotaDayRow[]): boolean {
  const weekday = weekdayOf(date);
  if (weekday >= 1 && weekday <= 5) return !rows.some((r) => r.kind === 'rest');
  if (weekday !== 6) return false;
  return rows.some(
    (r) =>
      r.kind === 'saturday' &&
      r.starts !== null &&
      r.ends !== null &&
      minutesOf(r.starts) <= minute &&
      minute < minutesOf(r.ends),
  );
}
