import {
  DEFAULT_SERVICE_CALENDAR,
  calendarFromSpec,
  type ServiceCalendar,
  type ServiceCalendarSpec,
} from '@valore/shared/time/service-calendar';
import type { Executor } from '../../db/database';

/**
 * The one place a site's service calendar is read (docs/admin.md, "Sites and teams"): the site's own when an admin
 * set one, else the centre's default. Every rule about when a customer may be called reads it here — the time an
 * operator agrees (callbacks, lead follow-ups), the times a customer may move a callback to, the reschedule after a
 * missed appointment — for the site the promise belongs to; web and app requests, which belong to no site, keep the
 * default. It is read in the caller's transaction (one primary-key read), so a change applies to the next request on
 * every node, with nothing cached to go stale.
 */
export async function siteCalendarSpec(db: Executor, siteId: number): Promise<ServiceCalendarSpec | null> {
  const row = await db.selectFrom('sites').select('service_calendar').where('id', '=', siteId).executeTakeFirst();
  return row?.service_calendar ? (JSON.parse(row.service_calendar) as ServiceCalendarSpec) : null;
}

/** The service calendar of a site; null (no site: a web or app request) gives the centre's default. */
export async function serviceCalendarFor(db: Executor, siteId: number | null): Promise<ServiceCalendar> {
  const spec = siteId === null ? null : await siteCalendarSpec(db, siteId);
  return spec ? calendarFromSpec(spec) : DEFAULT_SERVICE_CALENDAR;
}
