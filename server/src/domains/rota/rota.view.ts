import { neededOn, openSaturdays } from '@valore/shared/rota/saturday-rotation';
import type { RotaConflict, RotaNeed, RotaShift, RotaView } from '@valore/shared/schemas/rota';
import { addDays } from '@valore/shared/time/rome-time';
import { formatMinutes, hoursInEffect, type ServiceCalendar } from '@valore/shared/time/service-calendar';
import type { Executor } from '../../db/database';

/**
 * What the rota screen shows for a period (rota.view, and the answer of rota.generateSaturdays): the open Saturdays
 * with their hours, the teams with their operators and Saturdays, the shifts, and the conflicts that stop publishing.
 * A period's rows are its Saturday shifts (by their date) and the rest days they earn, even when a rest day falls in
 * the week after the period: a rest belongs to its Saturday, so it is judged, published and regenerated with it.
 */

export interface RotaSite {
  id: number;
  name: string;
}

/** The last day of a period of `weeks` weeks from `from`. */
export const periodEnd = (from: string, weeks: number): string => addDays(from, 7 * weeks - 1);

export interface PeriodRow extends RotaShift {
  restOf: number | null;
}

/** The site's rows of a period (see above), by date, kind and name. */
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
    ])
    .where('r.site_id', '=', siteId)
    .where((eb) => eb.between(eb.fn.coalesce('s.date', 'r.date'), from, to))
    .orderBy('r.date')
    .orderBy('r.kind', 'desc')
    .orderBy('u.display_name')
    .orderBy('r.id')
    .execute();
  return rows.map((r) => ({
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
  }));
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

/** The view of a period from what was read (pure: the same rows give the same view). */
export function buildView(input: ViewInput): RotaView {
  const saturdays = saturdaysOf(input.from, input.weeks, input.calendar);
  const worked = new Map<number, number>();
  for (const row of input.rows) if (row.kind === 'saturday') worked.set(row.userId, (worked.get(row.userId) ?? 0) + 1);
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
    teams,
    shifts: input.rows.map(({ restOf: _restOf, ...shift }) => shift),
    conflicts: conflictsOf(
      teams,
      saturdays.map((s) => s.date),
      input.rows,
      input.need !== null,
    ),
    published: input.rows.length > 0 && input.rows.every((r) => r.status === 'published'),
  };
}

type ViewTeam = RotaView['teams'][number];

/**
 * What stops a period from being published: a team short of people or with more than it needs on a Saturday (only
 * once a need is stored: before a generation nothing says how many a team needs), anyone booked on a day that is no
 * open Saturday (the calendar changed after the rota was made), a Saturday without its rest day in the following
 * Monday–Friday, and, within a team, anyone with more Saturdays than the team's mean rounded up.
 */
export function conflictsOf(
  teams: ViewTeam[],
  openDates: string[],
  rows: PeriodRow[],
  judgeCoverage: boolean,
): RotaConflict[] {
  const conflicts: RotaConflict[] = [];
  const open = new Set(openDates);
  const saturdayRows = rows.filter((r) => r.kind === 'saturday');
  const teamName = (id: number | null) => teams.find((t) => t.id === id)?.name ?? 'No team';
  const onDate = (teamId: number | null, date: string) =>
    saturdayRows.filter((r) => r.teamId === teamId && r.date === date).length;

  // days booked that are not open Saturdays (any team, whatever the need)
  const closedKeys = new Set(saturdayRows.filter((r) => !open.has(r.date)).map((r) => `${r.teamId ?? ''}|${r.date}`));
  for (const key of closedKeys) {
    const [team, date = ''] = key.split('|');
    const teamId = team ? Number(team) : null;
    conflicts.push({
      kind: 'over_coverage',
      date,
      teamId,
      userId: null,
      message: `${teamName(teamId)}: ${onDate(teamId, date)} booked on ${date}, which is not an open Saturday of the site's calendar`,
    });
  }
  if (judgeCoverage) {
    for (const team of teams) {
      for (const date of openDates) {
        const n = onDate(team.id, date);
        if (n < team.needed) {
          conflicts.push({
            kind: 'shortfall',
            date,
            teamId: team.id,
            userId: null,
            message: `${team.name}: ${n} of ${team.needed} people on Saturday ${date}`,
          });
        } else if (n > team.needed) {
          conflicts.push({
            kind: 'over_coverage',
            date,
            teamId: team.id,
            userId: null,
            message: `${team.name}: ${n} people on Saturday ${date}, ${team.needed} needed`,
          });
        }
      }
    }
  }
  for (const shift of saturdayRows) {
    const first = addDays(shift.date, 2);
    const last = addDays(shift.date, 6);
    const rested = rows.some((r) => r.kind === 'rest' && r.restOf === shift.id && r.date >= first && r.date <= last);
    if (!rested) {
      conflicts.push({
        kind: 'rest_missing',
        date: shift.date,
        teamId: shift.teamId,
        userId: shift.userId,
        message: `${shift.name} works on Saturday ${shift.date} without a rest day from ${first} to ${last}`,
      });
    }
  }
  conflicts.push(...unfairness(teams));
  return conflicts.sort(
    (a, b) =>
      (a.date ?? '9999').localeCompare(b.date ?? '9999') ||
      a.kind.localeCompare(b.kind) ||
      (a.teamId ?? 0) - (b.teamId ?? 0) ||
      (a.userId ?? 0) - (b.userId ?? 0),
  );
}

/** Within a team, anyone with more Saturdays in the period than the team's mean rounded up. */
function unfairness(teams: ViewTeam[]): RotaConflict[] {
  const out: RotaConflict[] = [];
  for (const team of teams) {
    if (team.people.length === 0) continue;
    const total = team.people.reduce((sum, p) => sum + p.saturdays, 0);
    // the small epsilon keeps an exact mean (6 / 3) from rounding up through floating point
    const fair = Math.ceil(total / team.people.length - 1e-9);
    for (const person of team.people) {
      if (person.saturdays > fair) {
        out.push({
          kind: 'unfair',
          date: null,
          teamId: team.id,
          userId: person.userId,
          message: `${person.name} has ${person.saturdays} Saturdays in the period, more than ${fair} (the mean of ${team.name} rounded up)`,
        });
      }
    }
  }
  return out;
}
