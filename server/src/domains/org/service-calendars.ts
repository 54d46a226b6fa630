import {
  DEFAULT_SERVICE_CALENDAR,
  calendarFromSpec,
  type ServiceCalendar,
  type ServiceCalendarSpec,
} from '@valore/shared/time/service-calendar';
import type { Executor } from '../../db/database';
import { precompiled } from '../../db/precompiled';

/** Where a site's calendar comes from: its own, else its district's, else the centre's default (both null). */
export interface SiteCalendarSources {
  own: ServiceCalendarSpec | null;
  /** the first district of the site's province (by code) that has a calendar; Roma belongs to two */
  district: { code: string; name: string; calendar: ServiceCalendarSpec } | null;
}

const parse = (json: string | null) => (json ? (JSON.parse(json) as ServiceCalendarSpec) : null);

/** A district a site's province belongs to, with its calendar as stored (JSON, or null: none set). */
export interface DistrictCalendarRow {
  code: string;
  name: string;
  calendar: string | null;
}

/**
 * The district whose calendar a site without its own follows: among its province's districts (Roma belongs to two),
 * the first by code that has a calendar; null when none has. The one choice, for the rules and for the admin's table.
 */
export function followedDistrict(districts: readonly DistrictCalendarRow[]): SiteCalendarSources['district'] {
  const chosen = districts
    .filter((d) => d.calendar !== null)
    .reduce<DistrictCalendarRow | null>((first, d) => (first === null || d.code < first.code ? d : first), null);
  const calendar = parse(chosen?.calendar ?? null);
  return chosen && calendar ? { code: chosen.code, name: chosen.name, calendar } : null;
}

/**
 * The one place a site's service calendar is read (docs/admin.md, "Sites and teams"): the site's own when one is set,
 * else the calendar of its district (from the site's province, `followedDistrict`) when an admin set one, else the
 * centre's default. Every rule about when a customer may be called reads it here — the time an operator agrees
 * (callbacks, lead follow-ups), the times a customer may move a callback to, the reschedule after a missed appointment
 * — for the site the promise belongs to; web and app requests, which belong to no site, keep the default. One read in
 * the caller's transaction, so a change applies to the next request on every node, with nothing cached to go stale.
 */
export async function siteCalendarSources(db: Executor, siteId: number): Promise<SiteCalendarSources> {
  const rows = await siteWithDistricts.execute(db, { siteId });
  const [site] = rows;
  if (!site) return { own: null, district: null };
  const districts = rows.flatMap((r) =>
    r.code === null ? [] : [{ code: r.code, name: r.name ?? '', calendar: r.calendar }],
  );
  return { own: parse(site.own), district: followedDistrict(districts) };
}

/**
 * The site's own calendar and its province's districts in one statement, built once (db/precompiled.ts): every
 * completion that agrees a time reads it, and two builder-made queries were a tenth of a completion's server time.
 * One row per district (one row with null district columns when the province has none); none when no such site.
 */
const siteWithDistricts = precompiled((db, v: { siteId: number }) =>
  db
    .selectFrom('sites as s')
    .leftJoin('district_provinces as dp', 'dp.province_code', 's.province_code')
    .leftJoin('districts as d', 'd.code', 'dp.district_code')
    .where('s.id', '=', v.siteId)
    .select(['s.service_calendar as own', 'd.code', 'd.name', 'd.service_calendar as calendar']),
);

/** The calendar in effect at a site (its own, else its district's), or null for the centre's default. */
export async function siteCalendarSpec(db: Executor, siteId: number): Promise<ServiceCalendarSpec | null> {
  const { own, district } = await siteCalendarSources(db, siteId);
  return own ?? district?.calendar ?? null;
}

/** The service calendar of a site; null (no site: a web or app request) gives the centre's default. */
export async function serviceCalendarFor(db: Executor, siteId: number | null): Promise<ServiceCalendar> {
  const spec = siteId === null ? null : await siteCalendarSpec(db, siteId);
  return spec ? calendarFromSpec(spec) : DEFAULT_SERVICE_CALENDAR;
}
