import type { Insertable } from 'kysely';
import { generateSaturdayRotation } from '@valore/shared/rota/saturday-rotation';
import type { SessionUser } from '@valore/shared/schemas/auth';
import type {
  RotaAssignInput,
  RotaCalendar,
  RotaGenerateInput,
  RotaMineInput,
  RotaPeriodInput,
  RotaPublishInput,
  RotaSetCalendarInput,
  RotaShiftKind,
  RotaUnassignInput,
  RotaView,
} from '@valore/shared/schemas/rota';
import { addDays, romeParts, weekdayOf } from '@valore/shared/time/rome-time';
import {
  DEFAULT_SERVICE_CALENDAR,
  formatMinutes,
  hoursInEffect,
  serviceHoursOn,
  specOfCalendar,
  type ServiceCalendar,
} from '@valore/shared/time/service-calendar';
import type { AppDeps } from '../../deps';
import type { Executor } from '../../db/database';
import { DomainError, fieldError } from '../../errors';
import { adminChange } from '../admin/admin-change';
import { writeSiteCalendar } from '../admin/sites.service';
import { insertAudit } from '../audit/audit.repository';
import { serviceCalendarFor, siteCalendarSources } from '../org/service-calendars';
import { buildView, periodEnd, periodRows, siteTeams, storedNeed, type RotaSite } from './rota.view';
import type { RotaShiftsTable } from './rota.table';

/**
 * The rota (docs/admin.md, "Saturday rota" and "Weekday shifts"; docs/api.md, `rota.*`): the Saturday rotation here,
 * the weekday shifts in rota.weeks.ts. A team lead plans their own site, an admin the site they name. Every change is
 * idempotent with its optional requestId like the admin changes: the effect, the idempotency record and the audit row
 * commit in one transaction (admin/admin-change.ts).
 */

/** Weeks of published Saturdays a new generation weighs, so fairness carries over from the last rota. */
const HISTORY_WEEKS = 8;

/** The site a team lead or an admin works on: the team lead's own (another is refused), the admin's named one. */
export async function rotaSite(db: Executor, user: SessionUser, siteId: number | undefined): Promise<RotaSite> {
  let id: number;
  if (user.role === 'team_lead') {
    if (user.siteId === null)
      throw new DomainError('FORBIDDEN', 'FORBIDDEN_SCOPE', 'Your account is not attached to a site.');
    if (siteId !== undefined && siteId !== user.siteId)
      throw new DomainError('FORBIDDEN', 'FORBIDDEN_SCOPE', 'You can plan the rota of your own site only.');
    id = user.siteId;
  } else if (user.role === 'admin') {
    if (siteId === undefined) throw fieldError({ siteId: ['Choose the site'] });
    id = siteId;
  } else {
    throw new DomainError('FORBIDDEN', 'FORBIDDEN_ROLE', 'The rota is planned by team leads and admins.');
  }
  const site = await db.selectFrom('sites').select(['id', 'name']).where('id', '=', id).executeTakeFirst();
  if (!site) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Site ${id} does not exist.`);
  return site;
}

export async function rotaCalendar(db: Executor, user: SessionUser, siteId: number | undefined): Promise<RotaCalendar> {
  const site = await rotaSite(db, user, siteId);
  const { own, district } = await siteCalendarSources(db, site.id);
  return {
    siteId: site.id,
    siteName: site.name,
    custom: own !== null,
    district: district && { code: district.code, name: district.name },
    calendar: own ?? district?.calendar ?? specOfCalendar(DEFAULT_SERVICE_CALENDAR),
  };
}

/** The site's calendar from the rota screen: the same change as the admin's (one writer), audited alike. */
export function setRotaCalendar(deps: AppDeps, user: SessionUser, input: RotaSetCalendarInput, ip: string | null) {
  const at = deps.clock.now().toISOString();
  return adminChange(deps, user, 'rota.setCalendar', input, at, async (trx) => {
    const site = await rotaSite(trx, user, input.siteId);
    await writeSiteCalendar(trx, { actorId: user.id, siteId: site.id, calendar: input.calendar, at, ip });
    return rotaCalendar(trx, user, site.id);
  });
}

export async function viewOf(db: Executor, site: RotaSite, from: string, weeks: number): Promise<RotaView> {
  const [calendar, need, teams, rows] = await Promise.all([
    serviceCalendarFor(db, site.id),
    storedNeed(db, site.id),
    siteTeams(db, site.id),
    periodRows(db, site.id, from, weeks),
  ]);
  return buildView({ site, from, weeks, need, calendar, teams, rows });
}

export async function rotaView(db: Executor, user: SessionUser, input: RotaPeriodInput): Promise<RotaView> {
  return viewOf(db, await rotaSite(db, user, input.siteId), input.from, input.weeks);
}

/** The Saturday hours in effect on a date, as the shift stores them. */
function saturdayHours(date: string, calendar: ServiceCalendar): { starts: string; ends: string } | null {
  const hours = hoursInEffect(date, calendar)[6];
  return hours ? { starts: formatMinutes(hours.opens), ends: formatMinutes(hours.closes) } : null;
}

/** A person has one Saturday shift and one rest day a date: a clash (rows of another site, after a move) is a 409. */
async function insertShift(trx: Executor, row: Insertable<RotaShiftsTable>): Promise<number> {
  try {
    const inserted = await trx
      .insertInto('rota_shifts')
      .values({ ...row, status: 'draft', published_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    return inserted.id;
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'SQLITE_CONSTRAINT_UNIQUE') {
      throw new DomainError(
        'CONFLICT',
        'VALIDATION',
        `Person ${row.user_id} already has a ${row.kind === 'rest' ? 'rest day' : 'shift'} on ${row.date}.`,
      );
    }
    throw error;
  }
}

/** Deletes draft Saturday shifts (and, with them, their rest days). */
async function deleteShifts(trx: Executor, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await trx.deleteFrom('rota_shifts').where('rest_of', 'in', ids).execute();
  await trx.deleteFrom('rota_shifts').where('id', 'in', ids).execute();
}

/**
 * Spreads the period's open Saturdays over the site's teams (shared/src/rota/saturday-rotation.ts): the drafts of the
 * period are replaced, each Saturday shift gets its rest day in the following week, and the need is kept for the
 * screen's coverage checks. A period that already holds published shifts is refused (409): published rows change
 * only by hand, so nobody's announced Saturday moves under them.
 */
export function generateSaturdays(deps: AppDeps, user: SessionUser, input: RotaGenerateInput, ip: string | null) {
  const at = deps.clock.now().toISOString();
  return adminChange(deps, user, 'rota.generateSaturdays', input, at, async (trx) => {
    const site = await rotaSite(trx, user, input.siteId);
    const { from, weeks, need } = input;
    // the period's own Saturdays and rest days (its weekday rows are planned week by week, and stay)
    const rows = (await periodRows(trx, site.id, from, weeks)).filter((r) => r.belongs && r.kind !== 'weekday');
    const published = rows.find((r) => r.status === 'published');
    if (published) {
      throw new DomainError(
        'CONFLICT',
        'VALIDATION',
        `The period ${from} to ${periodEnd(from, weeks)} already has published shifts (the first on ${published.date}): ` +
          'published Saturdays are not regenerated. Choose a period after them.',
      );
    }
    await deleteShifts(
      trx,
      rows.filter((r) => r.kind === 'saturday').map((r) => r.id),
    );
    const calendar = await serviceCalendarFor(trx, site.id);
    const teams = (await siteTeams(trx, site.id)).filter((t) => t.people.length > 0);
    const people = teams.flatMap((t) => t.people.map((p) => p.userId));
    const history = new Map<number, number>();
    if (people.length > 0) {
      const worked = await trx
        .selectFrom('rota_shifts')
        .select(['user_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('kind', '=', 'saturday')
        .where('status', '=', 'published')
        .where('date', '>=', addDays(from, -7 * HISTORY_WEEKS))
        .where('date', '<', from)
        .where('user_id', 'in', people)
        .groupBy('user_id')
        .execute();
      for (const w of worked) history.set(w.user_id, Number(w.n));
    }
    const rotation = generateSaturdayRotation({
      groups: teams.map((t) => ({ id: String(t.id), people: t.people.map((p) => p.userId), need })),
      from,
      weeks,
      calendar,
      history,
    });
    for (const shift of rotation.shifts) {
      const hours = saturdayHours(shift.date, calendar);
      const common = { site_id: site.id, user_id: shift.personId, team_id: Number(shift.groupId) };
      const stamp = { created_at: at, created_by: user.id };
      const id = await insertShift(trx, {
        ...common,
        ...stamp,
        date: shift.date,
        kind: 'saturday',
        starts: hours?.starts ?? null,
        ends: hours?.ends ?? null,
        rest_of: null,
      });
      await insertShift(trx, {
        ...common,
        ...stamp,
        date: shift.restDay,
        kind: 'rest',
        starts: null,
        ends: null,
        rest_of: id,
      });
    }
    await trx
      .insertInto('rota_rules')
      .values({ site_id: site.id, need: JSON.stringify(need) })
      .onConflict((oc) => oc.column('site_id').doUpdateSet({ need: JSON.stringify(need) }))
      .execute();
    await insertAudit(trx, {
      at,
      actorId: user.id,
      action: 'rota.generated',
      entityType: 'site',
      entityId: site.id,
      details: { from, weeks, need, shifts: rotation.shifts.length, replacedDrafts: rows.length },
      ip,
    });
    return viewOf(trx, site, from, weeks);
  });
}

/**
 * The open weekday of the week after a Saturday with the fewest rest days already booked at the site (the earliest
 * on a tie), among the days the person has no rest yet; a week with no open weekday falls back to its Monday.
 */
async function restDayFor(
  trx: Executor,
  siteId: number,
  userId: number,
  saturday: string,
  calendar: ServiceCalendar,
): Promise<string> {
  const week = [2, 3, 4, 5, 6].map((d) => addDays(saturday, d));
  const open = week.filter((d) => serviceHoursOn(d, calendar));
  const candidates = open.length ? open : [addDays(saturday, 2)];
  const booked = await trx
    .selectFrom('rota_shifts')
    .select(['date', 'user_id'])
    .where('kind', '=', 'rest')
    .where((eb) => eb.or([eb('site_id', '=', siteId), eb('user_id', '=', userId)]))
    .where('date', 'in', candidates)
    .execute();
  const free = candidates.filter((d) => !booked.some((b) => b.date === d && b.user_id === userId));
  const load = (d: string) => booked.filter((b) => b.date === d).length;
  const best = [...free].sort((a, b) => load(a) - load(b) || a.localeCompare(b))[0];
  if (!best) throw fieldError({ date: [`The person already has a rest day on every weekday after ${saturday}`] });
  return best;
}

/** An active operator of the site (the people a rota is made of); anyone else is a 400 on `userId`. */
export async function siteOperator(
  db: Executor,
  site: RotaSite,
  userId: number,
): Promise<{ id: number; team_id: number | null; display_name: string }> {
  const person = await db
    .selectFrom('users')
    .select(['id', 'team_id', 'display_name'])
    .where('id', '=', userId)
    .where('site_id', '=', site.id)
    .where('role', '=', 'operator')
    .where('active', '=', 1)
    .executeTakeFirst();
  if (!person) throw fieldError({ userId: [`Not an active operator of ${site.name}`] });
  return person;
}

/** Books a person on an open Saturday by hand (a draft, with the rest day of the following week). */
export function assignSaturday(deps: AppDeps, user: SessionUser, input: RotaAssignInput, ip: string | null) {
  const at = deps.clock.now().toISOString();
  return adminChange(deps, user, 'rota.assign', input, at, async (trx) => {
    const site = await rotaSite(trx, user, input.siteId);
    const calendar = await serviceCalendarFor(trx, site.id);
    const hours =
      weekdayOf(input.date) === 6 && serviceHoursOn(input.date, calendar) ? saturdayHours(input.date, calendar) : null;
    if (!hours) throw fieldError({ date: [`${input.date} is not an open Saturday of ${site.name}`] });
    const person = await siteOperator(trx, site, input.userId);
    const taken = await trx
      .selectFrom('rota_shifts')
      .select('id')
      .where('user_id', '=', person.id)
      .where('date', '=', input.date)
      .where('kind', '=', 'saturday')
      .executeTakeFirst();
    if (taken) throw fieldError({ userId: [`${person.display_name} is already on the rota on ${input.date}`] });
    const restDay = await restDayFor(trx, site.id, person.id, input.date, calendar);
    const common = {
      site_id: site.id,
      user_id: person.id,
      team_id: person.team_id,
      created_at: at,
      created_by: user.id,
    };
    const shiftId = await insertShift(trx, {
      ...common,
      date: input.date,
      kind: 'saturday',
      ...hours,
      rest_of: null,
    });
    await insertShift(trx, { ...common, date: restDay, kind: 'rest', starts: null, ends: null, rest_of: shiftId });
    await insertAudit(trx, {
      at,
      actorId: user.id,
      action: 'rota.assigned',
      entityType: 'rota_shift',
      entityId: shiftId,
      details: { siteId: site.id, userId: person.id, date: input.date, restDay },
      ip,
    });
    return { shiftId };
  });
}

/** Takes a draft Saturday shift off the rota, with its rest day; published shifts stay as announced. */
export function unassignSaturday(deps: AppDeps, user: SessionUser, input: RotaUnassignInput, ip: string | null) {
  const at = deps.clock.now().toISOString();
  return adminChange(deps, user, 'rota.unassign', input, at, async (trx) => {
    const shift = await trx.selectFrom('rota_shifts').selectAll().where('id', '=', input.shiftId).executeTakeFirst();
    if (!shift) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Shift ${input.shiftId} does not exist.`);
    // the scope of the shift's site: a team lead's own only
    await rotaSite(trx, user, shift.site_id);
    if (shift.kind === 'rest')
      throw fieldError({ shiftId: ['This is a rest day: remove its Saturday shift and the rest day goes with it'] });
    if (shift.status === 'published') throw fieldError({ shiftId: ['published shifts are not changed here'] });
    await deleteShifts(trx, [shift.id]);
    await insertAudit(trx, {
      at,
      actorId: user.id,
      action: 'rota.unassigned',
      entityType: 'rota_shift',
      entityId: shift.id,
      details: { siteId: shift.site_id, userId: shift.user_id, date: shift.date },
      ip,
    });
    return { removed: true as const };
  });
}

/**
 * Publishes the period's own drafts (Saturday shifts with their rest days, weekday rows) once no conflict stands;
 * operators see them from then on (rota.mine, .ics). `published` counts the shifts: Saturdays and weekdays with hours.
 */
export function publishRota(deps: AppDeps, user: SessionUser, input: RotaPublishInput, ip: string | null) {
  const at = deps.clock.now().toISOString();
  return adminChange(deps, user, 'rota.publish', input, at, async (trx) => {
    const site = await rotaSite(trx, user, input.siteId);
    const view = await viewOf(trx, site, input.from, input.weeks);
    if (view.conflicts.length > 0) {
      throw new DomainError(
        'BAD_REQUEST',
        'VALIDATION',
        `The rota cannot be published while ${view.conflicts.length} conflict(s) stand: ` +
          view.conflicts.map((c) => c.message).join('; '),
      );
    }
    const rows = await periodRows(trx, site.id, input.from, input.weeks);
    const drafts = rows.filter((r) => r.belongs && r.status === 'draft');
    if (drafts.length > 0) {
      await trx
        .updateTable('rota_shifts')
        .set({ status: 'published', published_at: at })
        .where(
          'id',
          'in',
          drafts.map((s) => s.id),
        )
        .execute();
    }
    const count = (test: (r: (typeof drafts)[number]) => boolean) => drafts.filter(test).length;
    const saturdays = count((r) => r.kind === 'saturday');
    const weekdays = count((r) => r.kind === 'weekday' && r.starts !== null);
    await insertAudit(trx, {
      at,
      actorId: user.id,
      action: 'rota.published',
      entityType: 'site',
      entityId: site.id,
      details: {
        from: input.from,
        weeks: input.weeks,
        published: saturdays + weekdays,
        saturdays,
        weekdays,
        restDays: count((r) => r.kind === 'rest'),
        daysOff: count((r) => r.kind === 'weekday' && r.starts === null),
      },
      ip,
    });
    return { published: saturdays + weekdays };
  });
}

export interface MyShift {
  id: number;
  date: string;
  kind: RotaShiftKind;
  starts: string | null;
  ends: string | null;
  team: string | null;
  publishedAt: string | null;
}

/** The caller's published shifts, weekday hours, days off and rest days from `from` (default: this week's Monday in Rome) for `weeks` (8). */
export async function myShifts(deps: AppDeps, user: SessionUser, input: RotaMineInput): Promise<MyShift[]> {
  const today = romeParts(deps.clock.now()).date;
  const from = input.from ?? addDays(today, -((weekdayOf(today) + 6) % 7));
  const to = periodEnd(from, input.weeks ?? 8);
  const rows = await deps.db
    .selectFrom('rota_shifts as r')
    .leftJoin('teams as t', 't.id', 'r.team_id')
    .select(['r.id', 'r.date', 'r.kind', 'r.starts', 'r.ends', 't.name as team', 'r.published_at'])
    .where('r.user_id', '=', user.id)
    .where('r.status', '=', 'published')
    .where('r.date', '>=', from)
    .where('r.date', '<=', to)
    .orderBy('r.date')
    .orderBy('r.kind', 'desc')
    .orderBy('r.starts')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    date: r.date,
    kind: r.kind,
    starts: r.starts,
    ends: r.ends,
    team: r.team,
    publishedAt: r.published_at,
  }));
}
