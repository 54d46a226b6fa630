import type { AdminDistrict, DistrictCalendarInput } from '@valore/shared/schemas/admin';
import type { SessionUser } from '@valore/shared/schemas/auth';
import type { ServiceCalendarSpec } from '@valore/shared/time/service-calendar';
import type { AppDeps } from '../../deps';
import type { Executor } from '../../db/database';
import { DomainError } from '../../errors';
import { insertAudit } from '../audit/audit.repository';
import { adminChange } from './admin-change';

const parse = (json: string | null) => (json ? (JSON.parse(json) as ServiceCalendarSpec) : null);

/**
 * The districts with their service calendars (admin.districts.*, docs/admin.md "Calendars"): a district's calendar
 * applies to its sites that have none of their own (org/service-calendars.ts reads it), e.g. the field service's
 * Monday–Saturday hours of a district.
 */
export async function listDistricts(db: Executor): Promise<AdminDistrict[]> {
  const districts = await db
    .selectFrom('districts as d')
    .innerJoin('macro_areas as m', 'm.code', 'd.macro_area_code')
    .select(['d.code', 'd.name', 'm.name as macro', 'd.service_calendar'])
    .orderBy('d.name')
    .execute();
  const provinces = await db
    .selectFrom('district_provinces')
    .select(['district_code', 'province_code'])
    .orderBy('province_code')
    .execute();
  const sites = await db
    .selectFrom('sites')
    .select(['id', 'name', 'province_code', 'service_calendar'])
    .orderBy('name')
    .execute();
  return districts.map((d) => {
    const codes = provinces.filter((p) => p.district_code === d.code).map((p) => p.province_code);
    return {
      code: d.code,
      name: d.name,
      macroArea: d.macro,
      provinces: codes,
      calendar: parse(d.service_calendar),
      sites: sites
        .filter((s) => codes.includes(s.province_code))
        .map((s) => ({ id: s.id, name: s.name, ownCalendar: s.service_calendar !== null })),
    };
  });
}

/**
 * Sets a district's calendar (null: back to none). Its sites without their own follow it from their next request;
 * promises already made keep their time. Idempotent with a requestId; audited with the calendar before and after.
 */
export async function setDistrictCalendar(
  deps: AppDeps,
  admin: SessionUser,
  input: DistrictCalendarInput,
  ip: string | null,
): Promise<AdminDistrict> {
  const at = deps.clock.now().toISOString();
  return adminChange(deps, admin, 'admin.districts.setCalendar', input, at, async (trx) => {
    const before = await trx
      .selectFrom('districts')
      .select('service_calendar')
      .where('code', '=', input.code)
      .executeTakeFirst();
    if (!before) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `District ${input.code} does not exist.`);
    await trx
      .updateTable('districts')
      .set({ service_calendar: input.calendar ? JSON.stringify(input.calendar) : null })
      .where('code', '=', input.code)
      .execute();
    await insertAudit(trx, {
      at,
      actorId: admin.id,
      action: 'admin.district_calendar_changed',
      entityType: 'district',
      entityId: input.code,
      details: { from: parse(before.service_calendar), to: input.calendar },
      ip,
    });
    const district = (await listDistricts(trx)).find((d) => d.code === input.code);
    if (!district) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `District ${input.code} does not exist.`);
    return district;
  });
}
