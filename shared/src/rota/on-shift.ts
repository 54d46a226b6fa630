import type { RotaShiftKind } from '../schemas/rota';
import { weekdayOf } from '../time/rome-time';

/** A person's published rota rows of one date (domains/rota: rota_shifts). */
export interface RotaDayRow {
  kind: RotaShiftKind;
  /** HH:MM, Europe/Rome; null for a rest day, and for a weekday row planned as a day off */
  starts: string | null;
  ends: string | null;
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Whether a row's hours hold the minute (start included, end excluded). */
const holds = (row: RotaDayRow, minute: number) =>
  row.starts !== null && row.ends !== null && minutesOf(row.starts) <= minute && minute < minutesOf(row.ends);

/**
 * Whether an operator is on shift at a Rome date and minute of the day, by the rota. Monday–Friday: not while
 * recovering a Saturday (a published rest day); with published weekday rows that date, only inside their hours (a
 * weekday row without hours is a day off); without any, all day — so a site that plans no weekdays has everyone on
 * shift, as before weekday shifts existed. Saturday only with a published Saturday shift whose hours hold the minute;
 * Sunday nobody. The one rule the wallboard, the adherence report and the Call Me Back capacity all count by; the
 * service calendar (open or not) is the caller's to apply.
 */
export function isOnShift(date: string, minute: number, rows: readonly RotaDayRow[]): boolean {
  const weekday = weekdayOf(date);
  if (weekday >= 1 && weekday <= 5) {
    if (rows.some((r) => r.kind === 'rest')) return false;
    const planned = rows.filter((r) => r.kind === 'weekday');
    return planned.length === 0 || planned.some((r) => holds(r, minute));
  }
  if (weekday !== 6) return false;
  return rows.some((r) => r.kind === 'saturday' && holds(r, minute));
}

/**
 * The stretches of a day's open hours [opens, closes) in which `isOnShift` has the person on shift, as minutes of the
 * day, in order: the window adherence expects them (a split weekday shift gives two). Read off `isOnShift` itself at
 * every minute a row or the hours could change it, so the two can never disagree.
 */
export function onShiftWindows(
  date: string,
  open: { opens: number; closes: number } | null,
  rows: readonly RotaDayRow[],
): { from: number; to: number }[] {
  if (!open || open.closes <= open.opens) return [];
  const edges = new Set([open.opens, open.closes]);
  for (const row of rows) {
    for (const time of [row.starts, row.ends]) {
      const m = time === null ? null : minutesOf(time);
      if (m !== null && m > open.opens && m < open.closes) edges.add(m);
    }
  }
  const sorted = [...edges].sort((a, b) => a - b);
  const out: { from: number; to: number }[] = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const from = sorted[i] as number;
    const to = sorted[i + 1] as number;
    if (!isOnShift(date, from, rows)) continue;
    const last = out.at(-1);
    if (last && last.to === from) last.to = to;
    else out.push({ from, to });
  }
  return out;
}
