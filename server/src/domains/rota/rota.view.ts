import { rotaConflicts } from '@valore/shared/rota/conflicts';
import { neededOn, openSaturdays } from '@valore/shared/rota/saturday-rotation';
import type { RotaNeed, RotaShift, RotaView } from '@valore/shared/schemas/rota';
import { addDays, weekdayOf } from '@valore/shared/time/rome-time';
import {
  formatMinutes,
  hoursInEffect,
  serviceHoursOn,
  type ServiceCalendar,
  type Weekday,
} from '@valore/shared/time/service-calendar';
import type { Executor } from '../../db/database';

/**
 * What the rota screen shows for a period (rota.view, and the answer of the rota's changes): the open Saturdays and
 * weekdays with their hours, the teams with their operators and Saturdays, the rows, and the conflicts that stop
 * publishing (shared/src/rota/conflicts.ts). A period's own rows are its weekday rows and Saturday shifts (by their
 * date) and the rest days those Saturdays earn, even when a rest day falls in the week after the period: a rest
 * belongs to its Saturday, so it is published and regenerated with it. A rest day of an earlier Saturday that falls in
 * the period is shown and judged with it too (a weekday shift on it overlaps), but published with its own Saturday.
 */

export interface RotaSite {
  id: number;
  name: string;
}

/** The last day of a period of `weeks` weeks from `from`. */
export const periodEnd = (from: string, weeks: number): string => addDays(from, 7 * weeks - 1);

export interface PeriodRow extends RotaShift {
  restOf: number | null;
  /**
   * the row is the period's own: a Saturday shift or weekday row dated in it, or the rest day of a Saturday in it
   * (also after the period); published, regenerated and counted with the period
   */
  belongs: boolean;
  /** shown and judged with the period: its own rows, and any row dated in it (the rest of an earlier Saturday) */
  inView: boolean;
}

/** Days around a period whose rows the conflicts read (the rest before its first day, a run of working days). */
const CONTEXT_DAYS = 7;

/**
 * The site's rows of a period (see above) and of the week either side of it (`inView: false`, read to judge the
 * period's own), by date, kind and name.
 */
export async function periodRows(db: Executor, siteId: number, from: string, weeks: number): Promise<PeriodRow[]> {
  const to = periodEnd(from, weeks);
  const rows = await db
    .selectFrom('rota_shifts as r')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .leftJoin('rota_shifts as s', 's.id', 'r.rest_of')
    .select([
      'r.id',
      'r.user_id',
      'u.display_name',
      'r.team_id',
      'r.date',
      'r.kind',
      'r.starts',
      'r.ends',
      'r.status',
      'r.rest_of',
      's.date as saturday',
    ])
    .where('r.site_id', '=', siteId)
    .where((eb) =>
      eb.or([
        eb.between(eb.fn.coalesce('s.date', 'r.date'), from, to),
        eb.between('r.date', addDays(from, -CONTEXT_DAYS), addDays(to, CONTEXT_DAYS)),
      ]),
    )
    .orderBy('r.date')
    .orderBy('r.kind', 'desc')
    .orderBy('u.display_name')
    .orderBy('r.starts')
    .orderBy('r.id')
    .execute();
  return rows.map((r) => {
    const anchor = r.saturday ?? r.date;
    const belongs = anchor >= from && anchor <= to;
    return {
      id: r.id,
      userId: r.user_id,
      name: r.display_name,
      teamId: r.team_id,
      date: r.date,
      kind: r.kind,
      starts: r.starts,
      ends: r.ends,
      status: r.status,
      restOf: r.rest_of,
      belongs,
      inView: belongs || (r.date >= from && r.date <= to),
    };
  });
}

export interface SiteTeam {
  id: number;
  name: string;
  people: { userId: number; name: string }[];
}

/** The site's teams with their active operators (the people a Saturday rota is made of), by name. */
export async function siteTeams(db: Executor, siteId: number): Promise<SiteTeam[]> {
  const teams = await db
    .selectFrom('teams')
    .select(['id', 'name'])
    .where('site_id', '=', siteId)
    .orderBy('name')
    .orderBy('id')
    .execute();
  const operators = await db
    .selectFrom('users')
    .select(['id', 'display_name', 'team_id'])
    .where('site_id', '=', siteId)
    .where('role', '=', 'operator')
    .where('active', '=', 1)
    .where('team_id', 'is not', null)
    .orderBy('display_name')
    .orderBy('id')
    .execute();
  return teams.map((t) => ({
    id: t.id,
    name: t.name,
    people: operators.filter((o) => o.team_id === t.id).map((o) => ({ userId: o.id, name: o.display_name })),
  }));
}

/** The need of the site's last generation, or null. */
export async function storedNeed(db: Executor, siteId: number): Promise<RotaNeed | null> {
  const row = await db.selectFrom('rota_rules').select('need').where('site_id', '=', siteId).executeTakeFirst();
  return row ? (JSON.parse(row.need) as RotaNeed) : null;
}

/** People a team needs each open Saturday: none without a stored need, or when nobody is in the team to cover it. */
export function teamNeeded(team: SiteTeam, need: RotaNeed | null): number {
  if (!need || team.people.length === 0) return 0;
  return neededOn({ id: String(team.id), people: team.people.map((p) => p.userId), need });
}

/** The open Saturdays of the period with the Saturday hours in effect on each. */
export function saturdaysOf(from: string, weeks: number, calendar: ServiceCalendar): RotaView['saturdays'] {
  return openSaturdays(from, weeks, calendar).flatMap((date) => {
    const hours = hoursInEffect(date, calendar)[6];
    return hours ? [{ date, opens: formatMinutes(hours.opens), closes: formatMinutes(hours.closes) }] : [];
  });
}

export interface ViewInput {
  site: RotaSite;
  from: string;
  weeks: number;
  need: RotaNeed | null;
  calendar: ServiceCalendar;
  teams: SiteTeam[];
  rows: PeriodRow[];
}

/** Every Monday–Friday of the period with its open hours, null when the site is closed that day. */
export function weekdaysOf(from: string, weeks: number, calendar: ServiceCalendar): RotaView['weekdays'] {
  const out: RotaView['weekdays'] = [];
  for (let i = 0; i < 7 * weeks; i++) {
    const date = addDays(from, i);
    const weekday = weekdayOf(date);
    if (weekday < 1 || weekday > 5) continue;
    const hours = serviceHoursOn(date, calendar) ? hoursInEffect(date, calendar)[weekday as Weekday] : undefined;
    out.push({
      date,
      opens: hours ? formatMinutes(hours.opens) : null,
      closes: hours ? formatMinutes(hours.closes) : null,
    });
  }
  return out;
}

/** The view of a period from what was read (pure: the same rows give the same view). */
export function buildView(input: ViewInput): RotaView {
  const saturdays = saturdaysOf(input.from, input.weeks, input.calendar);
  const shown = input.rows.filter((r) => r.inView);
  const own = input.rows.filter((r) => r.belongs);
  const worked = new Map<number, number>();
  for (const row of shown) if (row.kind === 'saturday') worked.set(row.userId, (worked.get(row.userId) ?? 0) + 1);
  const teams = input.teams.map((t) => ({
    id: t.id,
    name: t.name,
    needed: teamNeeded(t, input.need),
    people: t.people.map((p) => ({ ...p, saturdays: worked.get(p.userId) ?? 0 })),
  }));
  return {
    siteId: input.site.id,
    siteName: input.site.name,
    from: input.from,
    weeks: input.weeks,
    need: input.need,
    saturdays,
    weekdays: weekdaysOf(input.from, input.weeks, input.calendar),
    teams,
    shifts: shown.map(({ restOf: _restOf, belongs: _belongs, inView: _inView, ...shift }) => shift),
    conflicts: rotaConflicts({
      teams,
      openSaturdays: saturdays.map((s) => s.date),
      shifts: shown,
      context: input.rows.filter((r) => !r.inView),
      judgeCoverage: input.need !== null,
      calendar: input.calendar,
    }),
    published: own.length > 0 && own.every((r) => r.status === 'published'),
  };
}
