import { VALUE_OUTCOMES } from '@valore/shared/reference/outcomes';
import type { WallboardFigures } from '@valore/shared/schemas/monitor';
import { addDays, romeParts, romeToUtc, weekdayOf } from '@valore/shared/time/rome-time';
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
      sql<number>`coalesce(sum(outcome IN (${sql.join(VALUE_OUTCOMES.map((o) => sql.lit(o)))})), 0)`.as('value'),
    ])
    .where('site_id', '=', siteId)
    .where('ended_at', '>=', from.toISOString())
    .where('ended_at', '<', to.toISOString())
    .executeTakeFirstOrThrow();
  return { contacts: Number(row.contacts), value: Number(row.value) };
}

/** Who the rota expects at work now, and what they are doing (their live status). */
async function adherenceNow(db: Executor, siteId: number, now: Date, today: string) {
  const calendar = await serviceCalendarFor(db, siteId);
  const none = { onShift: 0, working: 0, paused: 0, absent: 0 };
  if (!isWithinServiceCalendar(now, calendar)) return none;
  const { hour, minute } = romeParts(now);
  const hhmm = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
  let query = db
    .selectFrom('users as u')
    .leftJoin('operator_status as s', 's.user_id', 'u.id')
    .select(['u.id', 's.state'])
    .where('u.site_id', '=', siteId)
    .where('u.role', '=', 'operator')
    .where('u.active', '=', 1);
  if (weekdayOf(today) === 6) {
    // a Saturday: only those rostered, for the hours of their shift
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('rota_shifts as r')
          .select('r.id')
          .whereRef('r.user_id', '=', 'u.id')
          .where('r.date', '=', today)
          .where('r.kind', '=', 'saturday')
          .where('r.status', '=', 'published')
          .where('r.starts', '<=', hhmm)
          .where('r.ends', '>', hhmm),
      ),
    );
  } else {
    // a weekday: everyone but those recovering a Saturday today
    query = query.where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('rota_shifts as r')
            .select('r.id')
            .whereRef('r.user_id', '=', 'u.id')
            .where('r.date', '=', today)
            .where('r.kind', '=', 'rest')
            .where('r.status', '=', 'published'),
        ),
      ),
    );
  }
  const rows = await query.execute();
  const out = { ...none, onShift: rows.length };
  for (const row of rows) {
    if (row.state && WORKING.has(row.state)) out.working++;
    else if (row.state === 'paused') out.paused++;
    else out.absent++;
  }
  return out;
}
