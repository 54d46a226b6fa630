import type { RotaView, RotaWeekDay } from '@valore/shared/schemas/rota';

/**
 * What the week's table edits, per operator and date: the hours of the day (two times, '' while empty), a day off, and
 * any further shifts of a split day the API holds (kept as they are when the row is saved).
 */
export interface DayDraft {
  starts: string;
  ends: string;
  off: boolean;
  extra: { starts: string; ends: string }[];
}
export type WeekDraft = Record<string, DayDraft>;

export const EMPTY_DAY: DayDraft = { starts: '', ends: '', off: false, extra: [] };

/** A YYYY-MM-DD plus `days` days (at noon UTC: no time zone moves it). */
export function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The Monday of the week a date falls in. */
export function mondayOf(iso: string): string {
  const weekday = new Date(`${iso}T12:00:00Z`).getUTCDay();
  return addDays(iso, -((weekday + 6) % 7));
}

/** Monday to Friday of the week of `monday`. */
export const weekDates = (monday: string): string[] => [0, 1, 2, 3, 4].map((n) => addDays(monday, n));

/** An operator's week as the view has it: their weekday rows by date. */
export function draftFromView(view: RotaView, userId: number, dates: readonly string[]): WeekDraft {
  const out: WeekDraft = {};
  for (const date of dates) {
    const rows = view.shifts.filter((s) => s.userId === userId && s.date === date && s.kind === 'weekday');
    const worked = rows
      .filter((r) => r.starts !== null && r.ends !== null)
      .map((r) => ({ starts: r.starts ?? '', ends: r.ends ?? '' }))
      .sort((a, b) => a.starts.localeCompare(b.starts));
    const [first, ...extra] = worked;
    out[date] = {
      starts: first?.starts ?? '',
      ends: first?.ends ?? '',
      off: rows.some((r) => r.starts === null),
      extra,
    };
  }
  return out;
}

/** Whether the operator's week holds published weekday rows (it is not planned again then). */
export function weekPublished(view: RotaView, userId: number, dates: readonly string[]): boolean {
  return view.shifts.some(
    (s) => s.userId === userId && s.kind === 'weekday' && s.status === 'published' && dates.includes(s.date),
  );
}

const filled = (d: DayDraft | undefined) => Boolean(d && (d.off || d.starts || d.ends));

/**
 * "Apply to the whole week": the first day with something on it (hours or a day off) copied to the row's other open
 * days; null when no day has anything yet.
 */
export function applyToWeek(draft: WeekDraft, openDates: readonly string[]): WeekDraft | null {
  const source = openDates.map((d) => draft[d]).find(filled);
  if (!source) return null;
  const out = { ...draft };
  for (const date of openDates) out[date] = { ...source, extra: [...source.extra] };
  return out;
}

export type DayProblem = 'incomplete' | 'order';

/** The days to send for the week (`rota.planWeek`), or what is wrong with which date. */
export function weekPayload(
  draft: WeekDraft,
  dates: readonly string[],
): { days: RotaWeekDay[] } | { problems: Record<string, DayProblem> } {
  const days: RotaWeekDay[] = [];
  const problems: Record<string, DayProblem> = {};
  for (const date of dates) {
    const d = draft[date] ?? EMPTY_DAY;
    if (d.off) {
      days.push({ date, off: true });
      continue;
    }
    if (!d.starts && !d.ends && d.extra.length === 0) continue;
    if (!d.starts || !d.ends) problems[date] = 'incomplete';
    else if (d.ends <= d.starts) problems[date] = 'order';
    else days.push({ date, starts: d.starts, ends: d.ends });
    for (const x of d.extra) days.push({ date, ...x });
  }
  return Object.keys(problems).length > 0 ? { problems } : { days };
}
