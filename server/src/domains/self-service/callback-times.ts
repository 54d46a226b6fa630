import { isInsideCallingWindow, type CallingWindow } from '@valore/shared/time/calling-window';
import { addDays, romeParts } from '@valore/shared/time/rome-time';
import { serviceHoursOn, type ServiceCalendar } from '@valore/shared/time/service-calendar';

const HALF_HOUR_MS = 30 * 60_000;

/** One Rome day of the move form: its date (YYYY-MM-DD) and the instants (ISO, UTC) the customer may pick. */
export interface CallbackDay {
  date: string;
  times: string[];
}

/**
 * The times a customer may move a callback to: every half hour of the next `days` Rome days that is inside the
 * service calendar (holidays and Sundays have none), at least `leadMinutes` from now, at most `maxDays` ahead and,
 * for a campaign's callback, inside the campaign's calling window. moveCallback re-checks the chosen one with the
 * promise rule; offering only these keeps a customer without JavaScript from picking one it would refuse.
 */
export function callbackMoveTimes(
  now: Date,
  opts: {
    days: number;
    leadMinutes: number;
    maxDays: number;
    callingWindow?: CallingWindow | null;
    /** the calendar of the callback's site (the default for a web or app request) */
    calendar?: ServiceCalendar;
  },
): CallbackDay[] {
  const earliest = now.getTime() + opts.leadMinutes * 60_000;
  const latest = now.getTime() + opts.maxDays * 86_400_000;
  const today = romeParts(now).date;
  const out: CallbackDay[] = [];
  for (let i = 0; i < opts.days; i++) {
    const date = addDays(today, i);
    const hours = serviceHoursOn(date, opts.calendar);
    if (!hours) continue;
    const times: string[] = [];
    // the first whole or half hour at or after opening (07:30 stays 07:30)
    const first = Math.ceil(hours.opensAt.getTime() / HALF_HOUR_MS) * HALF_HOUR_MS;
    for (let t = first; t < hours.closesAt.getTime(); t += HALF_HOUR_MS) {
      if (t < earliest || t > latest) continue;
      if (opts.callingWindow && !isInsideCallingWindow(opts.callingWindow, new Date(t))) continue;
      times.push(new Date(t).toISOString());
    }
    if (times.length > 0) out.push({ date, times });
  }
  return out;
}
