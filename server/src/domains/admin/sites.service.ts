import { sql } from 'kysely';
import type { AdminSite, SiteCalendarInput, SiteCreateInput } from '@valore/shared/schemas/admin';
import type { ServiceCalendarSpec } from '@valore/shared/time/service-calendar';
import type { SessionUser } from '@valore/shared/schemas/auth';
import type { AppDeps } from '../../deps';
import type { Executor } from '../../db/database';
import { DomainError, fieldError } from '../../errors';
import { insertAudit } from '../audit/audit.repository';
import { adminChange } from './admin-change';
import { followedDistrict } from '../org/service-calendars';

/**
 * Sites and their teams on the admin screen (admin.sites.*, admin.teams.*, docs/admin.md). A site's district and
 * macro-area follow from its province; a team is placed in one site, its tutors and team leads are the users placed
 * in it (the users screen); a team is deleted only while nobody is in it.
 */

export async function listSites(db: Executor): Promise<AdminSite[]> {
  const sites = await db
    .selectFrom('sites as s')
    .leftJoin('provinces as p', 'p.code', 's.province_code')
    .select([
      's.id',
      's.code',
      's.name',
      's.city',
      's.province_code',
      's.service_calendar',
      's.dispatch_mode',
      's.wrap_up_seconds',
      'p.name as province_name',
      (eb) =>
        eb
          .selectFrom('users')
          .whereRef('users.site_id', '=', 's.id')
          .where('users.active', '=', 1)
          .select((e) => e.fn.countAll<number>().as('n'))
          .$asScalar()
          .$notNull()
          .as('users'),
    ])
    .orderBy('s.name')
    .execute();
  const districts = await sql<{
    province_code: string;
    code: string;
    district: string;
    macro: string;
    calendar: string | null;
  }>`
    SELECT dp.province_code, d.code, d.name AS district, m.name AS macro, d.service_calendar AS calendar
    FROM district_provinces dp
    JOIN districts d ON d.code = dp.district_code JOIN macro_areas m ON m.code = d.macro_area_code
    ORDER BY d.name`.execute(db);
  const teams = await db.selectFrom('teams').selectAll().orderBy('name').execute();
  const members = await db
    .selectFrom('users')
    .select(['id', 'display_name', 'role', 'team_id'])
    .where('team_id', 'is not', null)
    .where('active', '=', 1)
    .orderBy('display_name')
    .execute();
  return sites.map((s) => {
    const own = districts.rows.filter((d) => d.province_code === s.province_code);
    const followed = followedDistrict(own.map((d) => ({ code: d.code, name: d.district, calendar: d.calendar })));
    return {
      id: s.id,
      code: s.code,
      name: s.name,
      city: s.city,
      provinceCode: s.province_code,
      provinceName: s.province_name,
      districts: own.map((d) => d.district),
      macroArea: own[0]?.macro ?? null,
      users: Number(s.users),
      calendar: s.service_calendar ? (JSON.parse(s.service_calendar) as ServiceCalendarSpec) : null,
      districtCalendar: s.service_calendar ? null : followed,
      dispatchMode: s.dispatch_mode,
      wrapUpSeconds: s.wrap_up_seconds,
      teams: teams
        .filter((t) => t.site_id === s.id)
        .map((t) => {
          const inTeam = members.filter((m) => m.team_id === t.id);
          return {
            id: t.id,
            name: t.name,
            operators: inTeam.filter((m) => m.role === 'operator').length,
            leads: inTeam
              .filter((m) => m.role === 'tutor' || m.role === 'team_lead')
              .map((m) => ({ id: m.id, displayName: m.display_name, role: m.role })),
          };
        }),
    };
  });
}

/**
 * A site's own service calendar (weekday and Saturday hours, local holidays such as the city's patron saint), or back
 * to the centre's default with null. The next agreed time, callback move or reschedule of that site follows it
 * (org/service-calendars.ts); promises already made keep their time. Audited with the calendar before and after.
 */
export async function setSiteCalendar(deps: AppDeps, admin: SessionUser, input: SiteCalendarInput, ip: string | null) {
  const at = deps.clock.now().toISOString();
  return adminChange(deps, admin, 'admin.sites.setCalendar', input, at, async (trx) => {
    await writeSiteCalendar(trx, { actorId: admin.id, siteId: input.id, calendar: input.calendar, at, ip });
    return siteById(trx, input.id);
  });
}

/**
 * The one writer of a site's calendar, for the admin screen (setSiteCalendar) and the team lead's rota screen
 * (rota.setCalendar): the change and its audit row, in the caller's transaction (which holds the idempotency record
 * too). An unknown site is NOT_FOUND.
 */
export async function writeSiteCalendar(
  trx: Executor,
  change: { actorId: number; siteId: number; calendar: ServiceCalendarSpec | null; at: string; ip: string | null },
): Promise<void> {
  const before = await trx
    .selectFrom('sites')
    .select('service_calendar')
    .where('id', '=', change.siteId)
    .executeTakeFirst();
  if (!before) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Site ${change.siteId} does not exist.`);
  await trx
    .updateTable('sites')
    .set({ service_calendar: change.calendar ? JSON.stringify(change.calendar) : null })
    .where('id', '=', change.siteId)
    .execute();
  await insertAudit(trx, {
    at: change.at,
    actorId: change.actorId,
    action: 'admin.site_calendar_changed',
    entityType: 'site',
    entityId: change.siteId,
    details: {
      from: before.service_calendar ? (JSON.parse(before.service_calendar) as ServiceCalendarSpec) : null,
      to: change.calendar,
    },
    ip: change.ip,
  });
}

async function requireProvince(db: Executor, code: string): Promise<void> {
  const known = await db.selectFrom('provinces').select('code').where('code', '=', code).executeTakeFirst();
  if (!known) throw fieldError({ provinceCode: [`No province ${code}`] });
}

async function siteById(db: Executor, id: number): Promise<AdminSite> {
  const site = (await listSites(db)).find((s) => s.id === id);
  if (!site) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Site ${id} does not exist.`);
  return site;
}

export async function createSite(deps: AppDeps, admin: SessionUser, input: SiteCreateInput, ip: string | null) {
  const at = deps.clock.now().toISOString();
  return adminChange(deps, admin, 'admin.sites.create', input, at, async (trx) => {
    const taken = await trx.selectFrom('sites').select('id').where('code', '=', input.code).executeTakeFirst();
    if (taken) {
      throw new DomainError('CONFLICT', 'VALIDATION', `The site code ${input.code} is taken.`, {
        code: ['Already used by another site'],
      });
    }
    await requireProvince(trx, input.provinceCode);
    const row = await trx
      .insertInto('sites')
      .values({ code: input.code, name: input.name, city: input.city, province_code: input.provinceCode })
      .returning('id')
      .executeTakeFirstOrThrow();
    await insertAudit(trx, {
      at,
      actorId: admin.id,
      action: 'admin.site_created',
      entityType: 'site',
      entityId: row.id,
      details: { code: input.code, name: input.name },
      ip,
    });
    return siteById(trx, row.id);
  });
}

export async function updateSite(
  deps: AppDeps,
  admin: SessionUser,
  input: {
    requestId?: string;
    id: number;
    name?: string;
    city?: string;
    provinceCode?: string;
    dispatchMode?: 'push' | 'pull';
    wrapUpSeconds?: number;
  },
  ip: string | null,
) {
  const at = deps.clock.now().toISOString();
  return adminChange(deps, admin, 'admin.sites.update', input, at, async (trx) => {
    const before = await trx.selectFrom('sites').selectAll().where('id', '=', input.id).executeTakeFirst();
    if (!before) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Site ${input.id} does not exist.`);
    if (input.provinceCode) await requireProvince(trx, input.provinceCode);
    await trx
      .updateTable('sites')
      .set({
        name: input.name ?? before.name,
        city: input.city ?? before.city,
        province_code: input.provinceCode ?? before.province_code,
        dispatch_mode: input.dispatchMode ?? before.dispatch_mode,
        wrap_up_seconds: input.wrapUpSeconds ?? before.wrap_up_seconds,
      })
      .where('id', '=', input.id)
      .execute();
    await insertAudit(trx, {
      at,
      actorId: admin.id,
      action: 'admin.site_updated',
      entityType: 'site',
      entityId: input.id,
      details: { code: before.code, ...input, requestId: undefined },
      ip,
    });
    return siteById(trx, input.id);
  });
}

export async function createTeam(
  deps: AppDeps,
  admin: SessionUser,
  input: { requestId?: string; siteId: number; name: string },
  ip: string | null,
) {
  const at = deps.clock.now().toISOString();
  return adminChange(deps, admin, 'admin.teams.create', input, at, async (trx) => {
    const site = await trx.selectFrom('sites').select('id').where('id', '=', input.siteId).executeTakeFirst();
    if (!site) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Site ${input.siteId} does not exist.`);
    const clash = await trx
      .selectFrom('teams')
      .select('id')
      .where('site_id', '=', input.siteId)
      .where('name', '=', input.name)
      .executeTakeFirst();
    if (clash) throw fieldError({ name: ['The site has a team with this name'] });
    const row = await trx
      .insertInto('teams')
      .values({ site_id: input.siteId, name: input.name })
      .returning('id')
      .executeTakeFirstOrThrow();
    await insertAudit(trx, {
      at,
      actorId: admin.id,
      action: 'admin.team_created',
      entityType: 'team',
      entityId: row.id,
      details: { siteId: input.siteId, name: input.name },
      ip,
    });
    return siteById(trx, input.siteId);
  });
}

export async function renameTeam(
  deps: AppDeps,
  admin: SessionUser,
  input: { requestId?: string; id: number; name: string },
  ip: string | null,
) {
  const at = deps.clock.now().toISOString();
  return adminChange(deps, admin, 'admin.teams.rename', input, at, async (trx) => {
    const team = await trx.selectFrom('teams').selectAll().where('id', '=', input.id).executeTakeFirst();
    if (!team) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Team ${input.id} does not exist.`);
    await trx.updateTable('teams').set({ name: input.name }).where('id', '=', input.id).execute();
    await insertAudit(trx, {
      at,
      actorId: admin.id,
      action: 'admin.team_renamed',
      entityType: 'team',
      entityId: input.id,
      details: { from: team.name, to: input.name },
      ip,
    });
    return siteById(trx, team.site_id);
  });
}

export async function deleteTeam(
  deps: AppDeps,
  admin: SessionUser,
  input: { requestId?: string; id: number },
  ip: string | null,
) {
  const at = deps.clock.now().toISOString();
  return adminChange(deps, admin, 'admin.teams.delete', input, at, async (trx) => {
    const team = await trx.selectFrom('teams').selectAll().where('id', '=', input.id).executeTakeFirst();
    if (!team) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Team ${input.id} does not exist.`);
    const members = await trx
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('team_id', '=', input.id)
      .executeTakeFirstOrThrow();
    if (Number(members.n) > 0) {
      throw new DomainError('CONFLICT', 'VALIDATION', 'Move the team’s people to another team first.', {
        id: [`${members.n} user(s) are in this team`],
      });
    }
    // past contacts keep their team (the stats count by it): a team with a history is renamed, never deleted
    const history = await trx
      .selectFrom('interactions')
      .select('id')
      .where('team_id', '=', input.id)
      .limit(1)
      .executeTakeFirst();
    if (history) {
      throw new DomainError(
        'CONFLICT',
        'VALIDATION',
        'The team has past contacts the statistics count: rename it instead.',
        {
          id: ['The team has a history'],
        },
      );
    }
    await trx.deleteFrom('teams').where('id', '=', input.id).execute();
    await insertAudit(trx, {
      at,
      actorId: admin.id,
      action: 'admin.team_deleted',
      entityType: 'team',
      entityId: input.id,
      details: { siteId: team.site_id, name: team.name },
      ip,
    });
    return siteById(trx, team.site_id);
  });
}
