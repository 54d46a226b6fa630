import { adherenceOver, type AdherenceFigures } from '@valore/shared/rota/adherence';
import { onShiftWindows } from '@valore/shared/rota/on-shift';
import type { SessionUser } from '@valore/shared/schemas/auth';
import type { RotaAdherence, RotaAdherenceInput } from '@valore/shared/schemas/rota';
import { romeToUtc, weekdayOf } from '@valore/shared/time/rome-time';
import { formatMinutes, hoursInEffect, serviceHoursOn, type Weekday } from '@valore/shared/time/service-calendar';
import type { AppDeps } from '../../deps';
import { serviceCalendarFor } from '../org/service-calendars';
import { rotaSite } from './rota.service';

const MINUTE = 60_000;

/**
 * A day's adherence of a site's operators (docs/admin.md, "Saturday rota", "Weekday shifts"): for each active operator
 * the windows the rota expected them (`onShiftWindows`, read off `isOnShift`: a weekday, their planned hours, else the
 * site's service hours, none while recovering a Saturday; a Saturday, their shift's hours; shared/src/rota/on-shift.ts),
 * and how those were spent by their status history (operator_status_log: at work, paused, absent;
 * shared/src/rota/adherence.ts), counted up to now for today. `expected` spans the first window to the last.
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
    const windows = open && dayHours ? onShiftWindows(input.day, dayHours, own) : [];
    const history = changes
      .filter((c) => c.user_id === person.id)
      .map((c) => ({ at: Date.parse(c.at), state: c.state }));
    const f: AdherenceFigures = { expectedMs: 0, workingMs: 0, pausedMs: 0, absentMs: 0 };
    for (const window of windows) {
      const from = romeToUtc(input.day, window.from).getTime();
      const to = Math.min(romeToUtc(input.day, window.to).getTime(), countedUntil);
      const before = history.filter((c) => c.at <= from).at(-1)?.state ?? null;
      const part = adherenceOver({ from, to: Math.max(from, to) }, before, history);
      f.expectedMs += part.expectedMs;
      f.workingMs += part.workingMs;
      f.pausedMs += part.pausedMs;
      f.absentMs += part.absentMs;
    }
    const first = windows[0];
    const last = windows.at(-1);
    const m = (ms: number) => Math.round(ms / MINUTE);
    return {
      userId: person.id,
      name: person.display_name,
      expected: first && last ? { from: formatMinutes(first.from), to: formatMinutes(last.to) } : null,
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
