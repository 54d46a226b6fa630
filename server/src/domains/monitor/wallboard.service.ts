import { VALUE_OUTCOMES } from '@valore/shared/reference/outcomes';
import type { WallboardFigures } from '@valore/shared/schemas/monitor';
import { isOnShift } from '@valore/shared/rota/on-shift';
import { addDays, romeParts, romeToUtc } from '@valore/shared/time/rome-time';
import { isWithinServiceCalendar } from '@valore/shared/time/service-calendar';
import { sql } from 'kysely';
import type { Executor } from '../../db/database';
import { DomainError } from '../../errors';
import { serviceCalendarFor } from '../org/service-calendars';

/** States in which an operator on shift is working: taking or finishing contacts, or ready for one. */
const WORKING = new Set(['ready', 'on_contact', 'after_call_work']);

/**
 * The wallboard's figures beyond the live board (which carries the queues, the service level and the operators'
 * states): today's contacts and value outcomes beside yesterday's up to the same time, and adherence now against the
 * rota (docs/console.md, "Wallboard").
 */
export async function readWallboard(db: Executor, siteId: number, now: Date): Promise<WallboardFigures> {
  const site = await db.selectFrom('sites').select('name').where('id', '=', siteId).executeTakeFirst();
  if (!site) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Site ${siteId} does not exist.`);
  const { date: today } = romeParts(now);
  const yesterday = addDays(today, -1);
  // the same wall-clock time yesterday (a day across a change of time is 23 or 25 hours)
  const minutesNow = Math.round((now.getTime() - romeToUtc(today, 0).getTime()) / 60_000);
  const [todayCounts, yesterdayCounts, adherence] = await Promise.all([
    countContacts(db, siteId, romeToUtc(today, 0), now),
    countContacts(db, siteId, romeToUtc(yesterday, 0), romeToUtc(yesterday, minutesNow)),
    adherenceNow(db, siteId, now, today),
  ]);
  return {
    siteId,
    siteName: site.name,
    serverTime: now.toISOString(),
    today: todayCounts,
    yesterday: yesterdayCounts,
    adherence,
  };
}

async function countContacts(db: Executor, siteId: number, from: Date, to: Date) {
  const row = await db
    .selectFrom('interactions')
    .select([
      sql<number>`count(*)`.as('contacts'),
      // CASE, not sum(a comparison): PostgreSQL's comparison is a boolean, which it does not sum
      sql<number>`coalesce(sum(CASE WHEN outcome IN (${sql.join(VALUE_OUTCOMES.map((o) => sql.lit(o)))}) THEN 1 ELSE 0 END), 0)`.as(
        'value',
      ),
    ])
    .where('site_id', '=', siteId)
    .where('ended_at', '>=', from.toISOString())
    .where('ended_at', '<', to.toISOString())
    .executeTakeFirstOrThrow();
  return { contacts: Number(row.contacts), value: Number(row.value) };
}

/** Who the rota expects at work now (shared/src/rota/on-shift.ts, the rule capacity counts by too), and what they do. */
async function adherenceNow(db: Executor, siteId: number, now: Date, today: string) {
  const calendar = await serviceCalendarFor(db, siteId);
  const none = { onShift: 0, working: 0, paused: 0, absent: 0 };
  if (!isWithinServiceCalendar(now, calendar)) return none;
  const { hour, minute } = romeParts(now);
  const [people, rows] = await Promise.all([
    db
      .selectFrom('users as u')
      .leftJoin('operator_status as s', 's.user_id', 'u.id')
      .select(['u.id', 's.state'])
      .where('u.site_id', '=', siteId)
      .where('u.role', '=', 'operator')
      .where('u.active', '=', 1)
      .execute(),
    db
      .selectFrom('rota_shifts')
      .select(['user_id', 'kind', 'starts', 'ends'])
      .where('site_id', '=', siteId)
      .where('date', '=', today)
      .where('status', '=', 'published')
      .execute(),
  ]);
  const out = { ...none };
  for (const person of people) {
    if (
      !isOnShift(
        today,
        hour * 60 + minute,
        rows.filter((r) => r.user_id === person.id),
      )
    )
      continue;
    out.onShift++;
    if (person.state && WORKING.has(person.state)) out.working++;
    else if (person.state === 'paused') out.paused++;
    else out.absent++;
  }
  return out;
}
