import { adherenceOver } from '@valore/shared/rota/adherence';
import { isOnShift } from '@valore/shared/rota/on-shift';
import type { SessionUser } from '@valore/shared/schemas/auth';
import type { RotaAdherence, RotaAdherenceInput } from '@valore/shared/schemas/rota';
import { romeToUtc, weekdayOf } from '@valore/shared/time/rome-time';
import { formatMinutes, hoursInEffect, serviceHoursOn, type Weekday } from '@valore/shared/time/service-calendar';
import type { AppDeps } from '../../deps';
import { serviceCalendarFor } from '../org/service-calendars';
import { rotaSite } from './rota.service';

const MINUTE = 60_000;
const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * A day's adherence of a site's operators (docs/admin.md, "Saturday rota"): for each active operator the window the
 * rota expected them (a weekday: the site's service hours unless recovering a Saturday; a Saturday: their shift's
 * hours; shared/src/rota/on-shift.ts), and how that window was spent by their status history (operator_status_log:
 * at work, paused, absent; shared/src/rota/adherence.ts), counted up to now for today.
 */
export async function readAdherence(
  deps: AppDeps,
  user: SessionUser,
  input: RotaAdherenceInput,
): Promise<RotaAdherence> {
  const db = deps.db;
  const site = await rotaSite(db, user, input.siteId);
  const now = deps.clock.now().getTime();
  const calendar = await serviceCalendarFor(db, site.id);
  const open = serviceHoursOn(input.day, calendar);
  const dayHours = open ? hoursInEffect(input.day, calendar)[weekdayOf(input.day) as Weekday] : undefined;
  const dayStart = romeToUtc(input.day, 0).getTime();
  const dayEnd = romeToUtc(input.day, 24 * 60).getTime();
  const countedUntil = Math.min(now, dayEnd);
  const [people, rows] = await Promise.all([
    db
      .selectFrom('users')
      .select(['id', 'display_name'])
      .where('site_id', '=', site.id)
      .where('role', '=', 'operator')
      .where('active', '=', 1)
      .orderBy('display_name')
      .execute(),
    db
      .selectFrom('rota_shifts')
      .select(['user_id', 'kind', 'starts', 'ends'])
      .where('site_id', '=', site.id)
      .where('date', '=', input.day)
      .where('status', '=', 'published')
      .execute(),
  ]);
  const ids = people.map((p) => p.id);
  const changes = ids.length
    ? await db
        .selectFrom('operator_status_log')
        .select(['user_id', 'state', 'at'])
        .where('user_id', 'in', ids)
        .where('at', '<', new Date(dayEnd).toISOString())
        .where('at', '>=', new Date(dayStart - 7 * 24 * 60 * MINUTE).toISOString())
        .orderBy('at')
        .orderBy('id')
        .execute()
    : [];
  const operators = people.map((person) => {
    const own = rows.filter((r) => r.user_id === person.id);
    const window = expectedWindow(input.day, dayHours ?? null, own);
    const from = window ? romeToUtc(input.day, window.from).getTime() : 0;
    const to = window ? Math.min(romeToUtc(input.day, window.to).getTime(), countedUntil) : 0;
    const history = changes
      .filter((c) => c.user_id === person.id)
      .map((c) => ({ at: Date.parse(c.at), state: c.state }));
    const before = history.filter((c) => c.at <= from).at(-1)?.state ?? null;
    const f = adherenceOver({ from, to: Math.max(from, to) }, before, history);
    const m = (ms: number) => Math.round(ms / MINUTE);
    return {
      userId: person.id,
      name: person.display_name,
      expected: window ? { from: formatMinutes(window.from), to: formatMinutes(window.to) } : null,
      expectedMinutes: m(f.expectedMs),
      workingMinutes: m(f.workingMs),
      pausedMinutes: m(f.pausedMs),
      absentMinutes: m(f.absentMs),
      adherence: f.expectedMs > 0 ? f.workingMs / f.expectedMs : null,
    };
  });
  return {
    siteId: site.id,
    siteName: site.name,
    day: input.day,
    hours: dayHours ? { opens: formatMinutes(dayHours.opens), closes: formatMinutes(dayHours.closes) } : null,
    countedUntil: new Date(countedUntil).toISOString(),
    operators,
  };
}

/** The minutes of the day the rota expected someone: the open hours on a weekday, their shift on a Saturday. */
function expectedWindow(
  day: string,
  open: { opens: number; closes: number } | null,
  rows: readonly { kind: 'saturday' | 'rest'; starts: string | null; ends: string | null }[],
): { from: number; to: number } | null {
  if (!open) return null;
  if (weekdayOf(day) === 6) {
    const shift = rows.find((r) => r.kind === 'saturday' && r.starts !== null && r.ends !== null);
    if (!shift?.starts || !shift.ends || !isOnShift(day, minutesOf(shift.starts), rows)) return null;
    return { from: Math.max(open.opens, minutesOf(shift.starts)), to: Math.min(open.closes, minutesOf(shift.ends)) };
  }
  return isOnShift(day, open.opens, rows) ? { from: open.opens, to: open.closes } : null;
}
