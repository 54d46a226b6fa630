import { sql } from 'kysely';
import { OPEN_CALLBACK_STATUSES, type CallbackSlot } from '@valore/shared/schemas/callbacks';
import { isOnShift, type RotaDayRow } from '@valore/shared/rota/on-shift';
import { romeParts } from '@valore/shared/time/rome-time';
import { DEFAULT_SERVICE_CALENDAR, isWithinServiceCalendar } from '@valore/shared/time/service-calendar';
import type { Executor } from '../../db/database';
import { DomainError } from '../../errors';

/**
 * Call Me Back capacity: the one rule for how many scheduled callbacks a half-hour can take, read by
 * `GET /api/v1/callback-slots` (what the web site and the app offer) and enforced by `requireCallbackCapacity` on
 * every write that books a scheduled callback's time, in the transaction of that write: the intake (a web or app
 * request), the promise ledger (work/promises.ts: a callback an operator agrees on a call, a customer moving theirs on
 * the self-service page, the reschedule of a missed appointment). A request into a full half-hour is refused with the
 * next free ones. Keeping all of them on this module is what makes an offered slot bookable and a refused one really
 * full.
 *
 * - People on shift in a half-hour (Europe/Rome), from the rota (domains/rota, docs/admin.md "Saturday rota"):
 *   Monday–Friday every active operator of every site, less those with a published rest day that date; Saturday only
 *   the operators with a published Saturday shift that date whose hours hold the half-hour's start (the same test the
 *   service calendar applies to the slot itself, so Saturday's last half-hour, 15:00 before a 15:12 close, counts the
 *   people still there at 15:00); Sunday nobody. Drafts never count: a team lead's plan is not a promise yet.
 * - capacity = people on shift × `VALORE_CALLBACK_CONTACTS_PER_HALF_HOUR`.
 * - booked = open (pending or claimed) scheduled callbacks whose preferred time falls in the half-hour: web and app
 *   requests and the callbacks operators agree on calls alike, since every one of them takes an operator's call then.
 *   The preferred time, not the due time: a retry after no answer moves the due time, and must not eat the capacity
 *   of a later half-hour sold to someone else.
 *
 * Web and app requests belong to no site, so the slots follow the centre's default service calendar.
 */

export const HALF_HOUR_MS = 30 * 60_000;
const DAY_MS = 86_400_000;
/** How far after a full half-hour the alternatives are looked for. */
export const ALTERNATIVES_WITHIN_DAYS = 14;
export const ALTERNATIVES_COUNT = 3;

export interface HalfHourFigures {
  start: Date;
  capacity: number;
  booked: number;
  remaining: number;
}

/** The half-hour (:00 or :30; Rome's offset is whole hours, so UTC alignment is Rome's) an instant falls in. */
export function halfHourOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / HALF_HOUR_MS) * HALF_HOUR_MS);
}

interface RotaOfDays {
  /** active operators of every site */
  operators: number;
  /** date → the published rows of each operator with rows that date */
  rows: Map<string, Map<number, RotaDayRow[]>>;
}

/** What the rota says about these Rome dates: two reads, whatever the number of days. */
async function rotaOfDays(db: Executor, dates: string[]): Promise<RotaOfDays> {
  const operators = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'operator')
    .where('active', '=', 1)
    .where('site_id', 'is not', null)
    .executeTakeFirstOrThrow();
  const rows = new Map<string, Map<number, RotaDayRow[]>>();
  if (dates.length === 0) return { operators: Number(operators.n), rows };
  const found = await db
    .selectFrom('rota_shifts')
    .innerJoin('users', 'users.id', 'rota_shifts.user_id')
    .select(['rota_shifts.user_id', 'rota_shifts.date', 'rota_shifts.kind', 'rota_shifts.starts', 'rota_shifts.ends'])
    .where('rota_shifts.status', '=', 'published')
    .where('rota_shifts.date', 'in', dates)
    // someone who left or changed role since the rota was published is neither on shift nor taken off it
    .where('users.role', '=', 'operator')
    .where('users.active', '=', 1)
    .where('users.site_id', 'is not', null)
    .execute();
  for (const row of found) {
    const ofDate = rows.get(row.date) ?? new Map<number, RotaDayRow[]>();
    ofDate.set(row.user_id, [...(ofDate.get(row.user_id) ?? []), row]);
    rows.set(row.date, ofDate);
  }
  return { operators: Number(operators.n), rows };
}

/**
 * People on shift in the half-hour starting at `start`, by the rota's one rule (shared/src/rota/on-shift.ts): those
 * without rows that date as the rule has it for nobody's rows, plus each one with rows by their own.
 */
function peopleOnShift(rota: RotaOfDays, start: Date): number {
  const { date, hour, minute } = romeParts(start);
  const minuteOfDay = hour * 60 + minute;
  const withRows = rota.rows.get(date) ?? new Map<number, RotaDayRow[]>();
  let count = isOnShift(date, minuteOfDay, []) ? Math.max(0, rota.operators - withRows.size) : 0;
  for (const rows of withRows.values()) if (isOnShift(date, minuteOfDay, rows)) count++;
  return count;
}

/**
 * Open scheduled callbacks per half-hour start (ms), for preferred times in [from, to); `excludeId` (a callback being
 * moved) is left out, so it never counts against the half-hour it moves to.
 */
async function bookedByHalfHour(
  db: Executor,
  from: Date,
  to: Date,
  excludeId: string | null,
): Promise<Map<number, number>> {
  let query = db
    .selectFrom('callback_requests')
    .select(sql<string>`coalesce(preferred_at, due_at)`.as('at'))
    .where('mode', '=', 'scheduled')
    .where('status', 'in', OPEN_CALLBACK_STATUSES)
    // every writer stores toISOString() (UTC, milliseconds, Z), so the text order is the time order
    .where(sql<string>`coalesce(preferred_at, due_at)`, '>=', from.toISOString())
    .where(sql<string>`coalesce(preferred_at, due_at)`, '<', to.toISOString());
  if (excludeId !== null) query = query.where('id', '!=', excludeId);
  const rows = await query.execute();
  const booked = new Map<number, number>();
  for (const row of rows) {
    const start = halfHourOf(new Date(row.at)).getTime();
    booked.set(start, (booked.get(start) ?? 0) + 1);
  }
  return booked;
}

/** Which callback is being moved (left out of the bookings), and which half-hours may be offered instead. */
export interface CapacityOptions {
  /** the callback being moved: it does not count against any half-hour (it leaves its own) */
  excludeId?: string | null;
  /**
   * Whether a half-hour start may be offered (default: inside the centre's service calendar): the writer's own rule
   * for a time (its site's calendar, a campaign's calling window), so an alternative offered is never refused by it.
   */
  accepts?: (start: Date) => boolean;
}

/**
 * Capacity and bookings of the given half-hour starts (each aligned to :00/:30). Reads the rota and the bookings
 * once for all of them; run it in the caller's transaction when a write depends on it.
 */
export async function halfHourFigures(
  db: Executor,
  starts: readonly Date[],
  contactsPerHalfHour: number,
  options: CapacityOptions = {},
): Promise<HalfHourFigures[]> {
  if (starts.length === 0) return [];
  const first = starts.reduce((a, b) => (a < b ? a : b));
  const last = starts.reduce((a, b) => (a > b ? a : b));
  const dates = [...new Set(starts.map((s) => romeParts(s).date))];
  const rota = await rotaOfDays(db, dates);
  const booked = await bookedByHalfHour(db, first, new Date(last.getTime() + HALF_HOUR_MS), options.excludeId ?? null);
  return starts.map((start) => {
    const capacity = peopleOnShift(rota, start) * contactsPerHalfHour;
    const taken = booked.get(start.getTime()) ?? 0;
    return { start, capacity, booked: taken, remaining: Math.max(0, capacity - taken) };
  });
}

const inDefaultCalendar = (at: Date) => isWithinServiceCalendar(at, DEFAULT_SERVICE_CALENDAR);

/** Every half-hour starting in [from, to) and after `now` (the customer can still get it) that `accepts` takes. */
function openHalfHours(from: Date, to: Date, now: Date, accepts: (start: Date) => boolean): Date[] {
  const out: Date[] = [];
  const first = Math.max(Math.ceil(from.getTime() / HALF_HOUR_MS), Math.floor(now.getTime() / HALF_HOUR_MS) + 1);
  for (let t = first * HALF_HOUR_MS; t < to.getTime(); t += HALF_HOUR_MS) {
    const at = new Date(t);
    if (accepts(at)) out.push(at);
  }
  return out;
}

/**
 * `GET /api/v1/callback-slots`: the bookable half-hours of [from, to), full ones left out (by default those of the
 * centre's service calendar; `options.accepts` narrows them to a writer's own rule).
 */
export async function freeCallbackSlots(
  db: Executor,
  window: { from: Date; to: Date; now: Date },
  contactsPerHalfHour: number,
  options: CapacityOptions = {},
): Promise<CallbackSlot[]> {
  const starts = openHalfHours(window.from, window.to, window.now, options.accepts ?? inDefaultCalendar);
  const figures = await halfHourFigures(db, starts, contactsPerHalfHour, options);
  return figures
    .filter((f) => f.remaining > 0)
    .map((f) => ({
      start: f.start.toISOString(),
      end: new Date(f.start.getTime() + HALF_HOUR_MS).toISOString(),
      capacity: f.capacity,
      booked: f.booked,
      remaining: f.remaining,
    }));
}

/** A time a writer wants to book, with the limits of what it could take instead. */
export interface CapacityCheck extends CapacityOptions {
  at: Date;
  now: Date;
  /** the furthest time the writer accepts: an alternative is never later, so it is never itself refused */
  latest: Date;
  contactsPerHalfHour: number;
}

export type CapacityVerdict = { ok: true } | { ok: false; start: Date; capacity: number; alternatives: string[] };

/**
 * Whether the half-hour `at` falls in can take one more scheduled callback; when not, the next free half-hours after
 * it (at most three, within 14 days, before `latest`, and ones `accepts` takes) to offer instead. A callback moved
 * (`excludeId`) within its own half-hour keeps its place whatever the others: it adds nothing there. Run it in the
 * transaction that writes: the connection runs one transaction at a time, so two writers racing for the last place
 * are judged one after the other, and the second sees the first's row.
 */
export async function checkCallbackCapacity(db: Executor, check: CapacityCheck): Promise<CapacityVerdict> {
  const start = halfHourOf(check.at);
  if (check.excludeId && (await ownHalfHour(db, check.excludeId))?.getTime() === start.getTime()) return { ok: true };
  const [slot] = await halfHourFigures(db, [start], check.contactsPerHalfHour, check);
  if (slot && slot.remaining > 0) return { ok: true };
  const after = new Date(start.getTime() + HALF_HOUR_MS);
  const free = await freeCallbackSlots(
    db,
    {
      from: after,
      to: new Date(Math.min(start.getTime() + ALTERNATIVES_WITHIN_DAYS * DAY_MS, check.latest.getTime() + 1)),
      now: check.now,
    },
    check.contactsPerHalfHour,
    check,
  );
  return {
    ok: false,
    start,
    capacity: slot?.capacity ?? 0,
    alternatives: free.slice(0, ALTERNATIVES_COUNT).map((s) => s.start),
  };
}

/**
 * Of these half-hour starts, the ones `checkCallbackCapacity` would take (room left, or the own half-hour of the
 * callback being moved), as epoch milliseconds: what a form may offer so that a choice is refused only when someone
 * took the last place meanwhile.
 */
export async function halfHoursWithRoom(
  db: Executor,
  starts: readonly Date[],
  contactsPerHalfHour: number,
  options: CapacityOptions = {},
): Promise<Set<number>> {
  const own = options.excludeId ? await ownHalfHour(db, options.excludeId) : null;
  const figures = await halfHourFigures(db, starts, contactsPerHalfHour, options);
  return new Set(
    figures.filter((f) => f.remaining > 0 || f.start.getTime() === own?.getTime()).map((f) => f.start.getTime()),
  );
}

/** The half-hour an open scheduled callback holds now, or null (not open, not scheduled, unknown). */
async function ownHalfHour(db: Executor, id: string): Promise<Date | null> {
  const row = await db
    .selectFrom('callback_requests')
    .select(sql<string>`coalesce(preferred_at, due_at)`.as('at'))
    .where('id', '=', id)
    .where('mode', '=', 'scheduled')
    .where('status', 'in', OPEN_CALLBACK_STATUSES)
    .executeTakeFirst();
  return row ? halfHourOf(new Date(row.at)) : null;
}

/**
 * The gate every write that books a scheduled callback's time passes, in its transaction before the write: throws
 * `409 SLOT_FULL` with the alternatives when the half-hour is full, so nothing is written.
 */
export async function requireCallbackCapacity(db: Executor, check: CapacityCheck): Promise<void> {
  const verdict = await checkCallbackCapacity(db, check);
  if (!verdict.ok) throw new SlotFullError(verdict.start, verdict.alternatives);
}

/**
 * A scheduled callback into a half-hour with no capacity left: `409` with the next free half-hours, so the web site,
 * the app, the operator's console or the customer's page can offer them at once instead of a bare refusal.
 */
export class SlotFullError extends DomainError {
  declare readonly alternatives: string[];
  constructor(start: Date, alternatives: string[]) {
    const rome = romeParts(start);
    const end = romeParts(new Date(start.getTime() + HALF_HOUR_MS));
    const hhmm = (p: { hour: number; minute: number }) =>
      `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
    super(
      'CONFLICT',
      'SLOT_FULL',
      `The half-hour ${rome.date} ${hhmm(rome)}–${hhmm(end)} (Europe/Rome) is full: nobody on shift can take another ` +
        `scheduled callback then. ` +
        (alternatives.length > 0
          ? 'Offer the customer one of the alternatives (the next free half-hours); GET /api/v1/callback-slots lists them all.'
          : `No half-hour is free in the ${ALTERNATIVES_WITHIN_DAYS} days after it.`),
    );
    this.alternatives = alternatives;
  }
}
