import { nextServiceHalfHour } from '@valore/shared/time/service-calendar';
import { romeParts } from '@valore/shared/time/rome-time';

/**
 * A time a customer can agree to be called at, about `days` days from `from`: the next open half-hour of the service
 * calendar (the server refuses agreed times outside it, so tests must not pick the time of day at random).
 */
export function agreedTime(days: number, from: Date = new Date()): string {
  const at = nextServiceHalfHour(from, days * 86_400_000);
  if (!at) throw new Error('no open half-hour in the service calendar within two weeks');
  return at.toISOString();
}

/**
 * A time a web or app customer can book a Call Me Back at, about `days` days from `from`: the next open half-hour of
 * a Monday–Friday. Weekdays have every operator on shift; a Saturday has only its published rota's people, so without
 * a rota it is full (`409 SLOT_FULL`, domains/callbacks/callback-capacity.ts).
 */
export function bookableTime(days: number, from: Date = new Date()): string {
  let at = nextServiceHalfHour(from, days * 86_400_000);
  while (at && romeParts(at).weekday === 6) at = nextServiceHalfHour(at, 30 * 60_000);
  if (!at) throw new Error('no open weekday half-hour in the service calendar within two weeks');
  return at.toISOString();
}

/** The little of a better-sqlite3 connection `staffSaturdays` uses. */
interface SqliteLike {
  prepare(sql: string): { run(...params: unknown[]): unknown };
}

/**
 * Puts every active operator of a site on a published Saturday shift covering the whole Saturday service day
 * (07:30–15:12) on each of these Rome dates. A Saturday takes scheduled callbacks only with a published rota
 * (domains/callbacks/callback-capacity.ts: Call Me Back capacity), and every callback agreed on a call or moved by the
 * customer is held to it, so a test that books a Saturday time staffs the Saturday first.
 */
export function staffSaturdays(sqlite: SqliteLike, dates: readonly string[], at: string): void {
  const insert = sqlite.prepare(
    `INSERT OR IGNORE INTO rota_shifts (site_id, user_id, date, kind, starts, ends, status, created_at, published_at)
     SELECT site_id, id, ?, 'saturday', '07:30', '15:12', 'published', ?, ? FROM users
     WHERE role = 'operator' AND active = 1 AND site_id IS NOT NULL`,
  );
  for (const date of dates) insert.run(date, at, at);
}

/** The Rome dates of the next `count` Saturdays from `from` (today's included when it is one). */
export function nextSaturdays(from: Date, count: number): string[] {
  const out: string[] = [];
  for (let t = from.getTime(); out.length < count; t += 86_400_000) {
    const parts = romeParts(new Date(t));
    if (parts.weekday === 6 && !out.includes(parts.date)) out.push(parts.date);
  }
  return out;
}
