import type { SessionUser } from '@valore/shared/schemas/auth';
import type { RotaCopyWeekInput, RotaPlanWeekInput, RotaView } from '@valore/shared/schemas/rota';
import { addDays } from '@valore/shared/time/rome-time';
import { serviceHoursOn } from '@valore/shared/time/service-calendar';
import type { AppDeps } from '../../deps';
import type { Executor } from '../../db/database';
import { DomainError, fieldError } from '../../errors';
import { adminChange } from '../admin/admin-change';
import { insertAudit } from '../audit/audit.repository';
import { serviceCalendarFor } from '../org/service-calendars';
import { rotaSite, siteOperator, viewOf } from './rota.service';
import type { RotaSite } from './rota.view';

/**
 * Weekday shifts (docs/admin.md, "Weekday shifts"; docs/api.md, `rota.planWeek`, `rota.copyWeek`): a team lead sets
 * each operator's hours for the Monday–Friday of a week, or copies a week's pattern to another. Rows are drafts until
 * `rota.publish` publishes them with the Saturdays; the conflicts (overlap, outside_hours, rest_rule) come with every
 * view (shared/src/rota/conflicts.ts). A published week is not planned again: its rows are what the operators were
 * told. Idempotent with the optional requestId, effect, idempotency record and audit row in one transaction.
 */

/** Monday to Friday of the week of `monday`. */
const weekdaysOf = (monday: string) => [0, 1, 2, 3, 4].map((n) => addDays(monday, n));

interface WeekRow {
  id: number;
  user_id: number;
  date: string;
  starts: string | null;
  ends: string | null;
  status: 'draft' | 'published';
}

/** The weekday rows of these people at the site in the week of `monday`. */
async function weekRows(db: Executor, siteId: number, userIds: number[], monday: string): Promise<WeekRow[]> {
  if (userIds.length === 0) return [];
  return db
    .selectFrom('rota_shifts')
    .select(['id', 'user_id', 'date', 'starts', 'ends', 'status'])
    .where('site_id', '=', siteId)
    .where('kind', '=', 'weekday')
    .where('user_id', 'in', userIds)
    .where('date', '>=', monday)
    .where('date', '<=', addDays(monday, 4))
    .orderBy('date')
    .orderBy('starts')
    .orderBy('id')
    .execute();
}

/** A week with published weekday rows is not planned again (409), naming whose and when. */
function refusePublished(rows: WeekRow[], names: Map<number, string>, monday: string): void {
  const published = rows.filter((r) => r.status === 'published');
  const first = published[0];
  if (!first) return;
  const who = [...new Set(published.map((r) => names.get(r.user_id) ?? `#${r.user_id}`))].join(', ');
  throw new DomainError(
    'CONFLICT',
    'VALIDATION',
    `The week of ${monday} is published for ${who} (the first on ${first.date}): published weekday shifts are ` +
      'not planned again.',
  );
}

interface NewRow {
  userId: number;
  teamId: number | null;
  date: string;
  starts: string | null;
  ends: string | null;
}

async function insertWeekdays(trx: Executor, site: RotaSite, rows: NewRow[], by: number, at: string): Promise<void> {
  if (rows.length === 0) return;
  await trx
    .insertInto('rota_shifts')
    .values(
      rows.map((r) => ({
        site_id: site.id,
        user_id: r.userId,
        team_id: r.teamId,
        date: r.date,
        kind: 'weekday' as const,
        starts: r.starts,
        ends: r.ends,
        rest_of: null,
        status: 'draft' as const,
        created_at: at,
        created_by: by,
        published_at: null,
      })),
    )
    .execute();
}

async function deleteRows(trx: Executor, ids: number[]): Promise<void> {
  if (ids.length > 0) await trx.deleteFrom('rota_shifts').where('id', 'in', ids).execute();
}

/**
 * One operator's week: their weekday drafts of the week are replaced by `days` (hours, or a day off; a date left out
 * keeps the site's rule: on shift all the open hours). Answers the week's view, conflicts included.
 */
export function planWeek(deps: AppDeps, user: SessionUser, input: RotaPlanWeekInput, ip: string | null) {
  const at = deps.clock.now().toISOString();
  return adminChange(deps, user, 'rota.planWeek', input, at, async (trx): Promise<RotaView> => {
    const site = await rotaSite(trx, user, input.siteId);
    const person = await siteOperator(trx, site, input.userId);
    const existing = await weekRows(trx, site.id, [person.id], input.weekOf);
    refusePublished(existing, new Map([[person.id, person.display_name]]), input.weekOf);
    await deleteRows(
      trx,
      existing.map((r) => r.id),
    );
    await insertWeekdays(
      trx,
      site,
      input.days.map((day) => ({
        userId: person.id,
        teamId: person.team_id,
        date: day.date,
        starts: 'off' in day ? null : day.starts,
        ends: 'off' in day ? null : day.ends,
      })),
      user.id,
      at,
    );
    await insertAudit(trx, {
      at,
      actorId: user.id,
      action: 'rota.week_planned',
      entityType: 'user',
      entityId: person.id,
      details: { siteId: site.id, weekOf: input.weekOf, days: input.days, replacedDrafts: existing.length },
      ip,
    });
    return viewOf(trx, site, input.weekOf, 1);
  });
}

/** The site's active operators, by id. */
async function siteOperators(db: Executor, siteId: number) {
  return db
    .selectFrom('users')
    .select(['id', 'team_id', 'display_name'])
    .where('site_id', '=', siteId)
    .where('role', '=', 'operator')
    .where('active', '=', 1)
    .orderBy('id')
    .execute();
}

/**
 * A week's pattern copied to another week, operator by operator (`userIds`, default every active operator of the
 * site): each one with weekday rows in the source week has their weekday drafts of the target week replaced by those
 * rows, draft or published, moved by whole weeks — except on a day the site is closed in the target week (a holiday,
 * a closure), which is left out. Someone with nothing to copy keeps their target week. Answers the target week's view.
 */
export function copyWeek(deps: AppDeps, user: SessionUser, input: RotaCopyWeekInput, ip: string | null) {
  const at = deps.clock.now().toISOString();
  return adminChange(deps, user, 'rota.copyWeek', input, at, async (trx): Promise<RotaView> => {
    const site = await rotaSite(trx, user, input.siteId);
    const operators = await siteOperators(trx, site.id);
    const chosen = input.userIds ? [...new Set(input.userIds)] : operators.map((o) => o.id);
    const strangers = chosen.filter((id) => !operators.some((o) => o.id === id));
    if (strangers.length > 0) {
      throw fieldError({ userIds: [`Not active operators of ${site.name}: ${strangers.join(', ')}`] });
    }
    const source = await weekRows(trx, site.id, chosen, input.from);
    // only those with a pattern to copy: the others keep the target week as it is
    const people = operators.filter((o) => source.some((r) => r.user_id === o.id));
    const ids = people.map((p) => p.id);
    const target = await weekRows(trx, site.id, ids, input.to);
    refusePublished(target, new Map(people.map((p) => [p.id, p.display_name])), input.to);
    await deleteRows(
      trx,
      target.map((r) => r.id),
    );
    const calendar = await serviceCalendarFor(trx, site.id);
    const shift = Math.round((Date.parse(input.to) - Date.parse(input.from)) / 86_400_000);
    const moved = source.map((r) => ({ ...r, date: addDays(r.date, shift) }));
    const open = new Set(weekdaysOf(input.to).filter((d) => serviceHoursOn(d, calendar)));
    const copied = moved.filter((r) => open.has(r.date));
    await insertWeekdays(
      trx,
      site,
      copied.map((r) => ({
        userId: r.user_id,
        teamId: people.find((p) => p.id === r.user_id)?.team_id ?? null,
        date: r.date,
        starts: r.starts,
        ends: r.ends,
      })),
      user.id,
      at,
    );
    await insertAudit(trx, {
      at,
      actorId: user.id,
      action: 'rota.week_copied',
      entityType: 'site',
      entityId: site.id,
      details: {
        from: input.from,
        to: input.to,
        people: ids.length,
        copied: copied.length,
        skippedClosed: moved.length - copied.length,
        replacedDrafts: target.length,
      },
      ip,
    });
    return viewOf(trx, site, input.to, 1);
  });
}
