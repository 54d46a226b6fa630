import { nextServiceOpening } from '@valore/shared/time/service-calendar';
import { serviceCalendarFor } from '../org/service-calendars';
import type { Executor } from '../../db/database';
import type { AppConfig } from '../../deps';
import { DomainError, fieldError } from '../../errors';
import { insertAudit } from '../audit/audit.repository';
import { releaseSlotSeat, takeSlotSeat } from '../post-offices/post-offices.repository';
import { recordRealisation } from '../stats/stats.hooks';
import {
  checkPromiseTime,
  MAX_CALLBACK_DAYS,
  promiseCallback,
  restoreCallback,
  withdrawCallback,
} from '../work/promises';
import { cancelReminder, scheduleReminder } from './appointment-reminder';
import type { AppointmentStatus } from './appointments.table';

/**
 * Every change to a booked appointment after the booking: cancellation, move, attendance and its corrections. This
 * is the one owner of the rules "a cancelled appointment's seat is free", "attendance realises the value outcome
 * exactly once", "a no-show becomes one reschedule callback" and "the reminder follows the appointment"; the team
 * lead's screen, the post office's attendance endpoint and the customer's self-service pages all come through here.
 * Each function works inside the caller's transaction and writes its own audit row.
 */

export type AppointmentActor = {
  userId: number | null;
  by: 'operator' | 'team_lead' | 'admin' | 'customer' | 'post_office' | 'system';
  ip: string | null;
};

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** A no-show is called back from the first service opening at least this long after it was reported. */
const RESCHEDULE_DELAY_MS = HOUR;
/** freeSlotsForMove looks at most this far ahead. */
export const MAX_MOVE_DAYS = 60;

interface AppointmentState {
  id: number;
  status: AppointmentStatus;
  interactionId: number | null;
  slotId: number;
  postOfficeId: number;
  startsAt: string;
  customerId: number;
  productCode: string;
  createdBy: number | null;
  creatorRole: string | null;
  creatorActive: number | null;
  creatorSiteId: number | null;
}

async function loadAppointment(db: Executor, appointmentId: number): Promise<AppointmentState> {
  const row = Number.isSafeInteger(appointmentId)
    ? await db
        .selectFrom('appointments as a')
        .innerJoin('appointment_slots as s', 's.id', 'a.slot_id')
        .leftJoin('users as u', 'u.id', 'a.created_by')
        .select([
          'a.id',
          'a.status',
          'a.interaction_id',
          'a.slot_id',
          'a.post_office_id',
          's.starts_at',
          'a.customer_id',
          'a.product_code',
          'a.created_by',
          'u.role as creator_role',
          'u.active as creator_active',
          'u.site_id as creator_site_id',
        ])
        .where('a.id', '=', appointmentId)
        .executeTakeFirst()
    : undefined;
  if (!row) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Appointment ${appointmentId} does not exist.`);
  return {
    id: row.id,
    status: row.status,
    interactionId: row.interaction_id,
    slotId: row.slot_id,
    postOfficeId: row.post_office_id,
    startsAt: row.starts_at,
    customerId: row.customer_id,
    productCode: row.product_code,
    createdBy: row.created_by,
    creatorRole: row.creator_role,
    creatorActive: row.creator_active,
    creatorSiteId: row.creator_site_id,
  };
}

const STATUS_WORDS: Record<AppointmentStatus, string> = {
  booked: 'booked',
  attended: 'already marked as attended',
  no_show: 'already marked as a no-show',
  cancelled: 'cancelled',
};

/** Only a booked appointment that has not started yet may be cancelled or moved. */
function requireChangeable(a: AppointmentState, now: Date, verb: 'cancelled' | 'moved'): void {
  if (a.status !== 'booked') {
    throw new DomainError(
      'CONFLICT',
      'VALIDATION',
      `Appointment ${a.id} is ${STATUS_WORDS[a.status]}: only a booked appointment can be ${verb}.`,
    );
  }
  if (Date.parse(a.startsAt) <= now.getTime()) {
    throw new DomainError(
      'CONFLICT',
      'VALIDATION',
      `Appointment ${a.id} has already started: it can no longer be ${verb}; record whether the customer came instead.`,
    );
  }
}

/** booked → status, only if nobody changed it meanwhile (the caller read it in this transaction). */
async function setStatusFrom(trx: Executor, a: AppointmentState, to: AppointmentStatus, at: string): Promise<void> {
  const r = await trx
    .updateTable('appointments')
    .set({ status: to, updated_at: at })
    .where('id', '=', a.id)
    .where('status', '=', a.status)
    .where('slot_id', '=', a.slotId)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) {
    throw new DomainError(
      'CONFLICT',
      'VALIDATION',
      `Appointment ${a.id} was changed meanwhile: reload it and try again.`,
    );
  }
}

/**
 * Cancels a booked, future appointment: its seat is free again at once and its pending reminder is withdrawn.
 * A cancelled appointment stays cancelled (its seat may already be someone else's).
 */
export async function cancelAppointment(
  trx: Executor,
  args: AppointmentActor & { appointmentId: number; now: Date; reason: string | null },
): Promise<{ id: number; status: 'cancelled' }> {
  const a = await loadAppointment(trx, args.appointmentId);
  requireChangeable(a, args.now, 'cancelled');
  await cancelLoaded(trx, a, args);
  return { id: a.id, status: 'cancelled' };
}

async function cancelLoaded(
  trx: Executor,
  a: AppointmentState,
  args: AppointmentActor & { now: Date; reason: string | null },
): Promise<void> {
  const at = args.now.toISOString();
  await setStatusFrom(trx, a, 'cancelled', at);
  await releaseSlotSeat(trx, a.slotId);
  const remindersWithdrawn = await cancelReminder(trx, a.id);
  await insertAudit(trx, {
    at,
    actorId: args.userId,
    action: 'appointment.cancelled',
    entityType: 'appointment',
    entityId: a.id,
    details: { from: a.status, by: args.by, reason: args.reason, slotId: a.slotId, remindersWithdrawn },
    ip: args.ip,
  });
}

/**
 * Moves a booked, future appointment to another slot (any office's; the customer may prefer another branch). The new
 * seat is taken by a conditional increment, so two moves racing for the last seat cannot both win; the old seat is
 * given back and the reminder follows the appointment to its new time.
 */
export async function moveAppointment(
  trx: Executor,
  args: AppointmentActor & { appointmentId: number; slotId: number; now: Date },
): Promise<{ id: number; slotId: number; startsAt: string; endsAt: string }> {
  const a = await loadAppointment(trx, args.appointmentId);
  requireChangeable(a, args.now, 'moved');
  if (!Number.isSafeInteger(args.slotId)) throw fieldError({ slotId: ['Choose a slot of a post office.'] });
  if (args.slotId === a.slotId)
    throw fieldError({ slotId: ['The appointment is already at this time: choose another slot.'] });
  const target = await trx
    .selectFrom('appointment_slots as s')
    .innerJoin('post_offices as po', 'po.id', 's.post_office_id')
    .select(['s.id', 's.post_office_id', 's.starts_at', 's.ends_at', 'po.name', 'po.address', 'po.city'])
    .where('s.id', '=', args.slotId)
    .executeTakeFirst();
  if (!target) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Appointment slot ${args.slotId} does not exist.`);
  if (Date.parse(target.starts_at) <= args.now.getTime()) {
    throw fieldError({ slotId: ['The chosen slot has already started: pick a later one.'] });
  }
  if (!(await takeSlotSeat(trx, target.id))) {
    throw new DomainError('CONFLICT', 'SLOT_FULL', 'This slot has just been filled: pick another time or office.');
  }
  const at = args.now.toISOString();
  const moved = await trx
    .updateTable('appointments')
    .set({ slot_id: target.id, post_office_id: target.post_office_id, updated_at: at })
    .where('id', '=', a.id)
    .where('status', '=', 'booked')
    .where('slot_id', '=', a.slotId)
    .executeTakeFirst();
  if (Number(moved.numUpdatedRows) !== 1) {
    throw new DomainError(
      'CONFLICT',
      'VALIDATION',
      `Appointment ${a.id} was changed meanwhile: reload it and try again.`,
    );
  }
  await releaseSlotSeat(trx, a.slotId);

  await cancelReminder(trx, a.id);
  const details = await trx
    .selectFrom('customers as c')
    .innerJoin('products as p', (j) => j.on('p.code', '=', a.productCode))
    .select(['c.first_name', 'c.phone', 'c.email', 'c.language', 'p.name_it', 'p.name_en'])
    .where('c.id', '=', a.customerId)
    .executeTakeFirstOrThrow();
  const reminderAt = await scheduleReminder(trx, {
    appointmentId: a.id,
    customer: { phone: details.phone, email: details.email, language: details.language },
    details: {
      firstName: details.first_name,
      productName: { it: details.name_it, en: details.name_en },
      officeName: target.name,
      officeAddress: target.address,
      officeCity: target.city,
      startsAt: target.starts_at,
    },
    now: args.now,
  });
  await insertAudit(trx, {
    at,
    actorId: args.userId,
    action: 'appointment.moved',
    entityType: 'appointment',
    entityId: a.id,
    details: {
      by: args.by,
      fromSlotId: a.slotId,
      toSlotId: target.id,
      fromPostOfficeId: a.postOfficeId,
      toPostOfficeId: target.post_office_id,
      reminderAt,
    },
    ip: args.ip,
  });
  return { id: a.id, slotId: target.id, startsAt: target.starts_at, endsAt: target.ends_at };
}

/** Future slots of the appointment's office with a free seat, within `days`, where it could be moved to. */
export async function freeSlotsForMove(
  db: Executor,
  args: { appointmentId: number; now: Date; days: number },
): Promise<{ slotId: number; startsAt: string; endsAt: string; free: number }[]> {
  const a = await loadAppointment(db, args.appointmentId);
  requireChangeable(a, args.now, 'moved');
  const days = Math.min(Math.max(Math.trunc(args.days) || 1, 1), MAX_MOVE_DAYS);
  const rows = await db
    .selectFrom('appointment_slots')
    .select(['id', 'starts_at', 'ends_at', 'capacity', 'booked'])
    .where('post_office_id', '=', a.postOfficeId)
    .where('starts_at', '>', args.now.toISOString())
    .where('starts_at', '<', new Date(args.now.getTime() + days * DAY).toISOString())
    .whereRef('booked', '<', 'capacity')
    .where('closed_at', 'is', null)
    .where('id', '!=', a.slotId)
    .orderBy('starts_at')
    .execute();
  return rows.map((s) => ({ slotId: s.id, startsAt: s.starts_at, endsAt: s.ends_at, free: s.capacity - s.booked }));
}

export interface StatusChange {
  id: number;
  status: AppointmentStatus;
  /** the open reschedule callback of a no-show, if there is one after the change */
  rescheduleCallbackId: string | null;
}

/**
 * The one function that decides what a reported status means. Attended realises the contact's value outcome, and a
 * correction away from attended takes it back, so the count moves exactly once per real change; a repeated report
 * changes nothing. A no-show becomes one reschedule callback (never a second while one is open); correcting it
 * withdraws that callback if nobody is calling on it yet. Cancelling goes through the same path as cancelAppointment,
 * and a cancelled appointment cannot be brought back (its seat may be taken).
 *
 * `siteScope`: a team lead acts only on the appointments booked by people of their site.
 */
export async function changeAppointmentStatus(
  trx: Executor,
  args: AppointmentActor & {
    appointmentId: number;
    status: AppointmentStatus;
    now: Date;
    config: AppConfig;
    siteScope?: number | null;
    reason?: string | null;
  },
): Promise<StatusChange> {
  const a = await loadAppointment(trx, args.appointmentId);
  if (args.siteScope !== undefined && (args.siteScope === null || a.creatorSiteId !== args.siteScope)) {
    throw new DomainError('FORBIDDEN', 'FORBIDDEN_SCOPE', 'This appointment was booked by another site.');
  }
  const from = a.status;
  const to = args.status;
  if (from === to) return { id: a.id, status: to, rescheduleCallbackId: await openRescheduleOf(trx, a.id) };
  if (from === 'cancelled') {
    throw new DomainError(
      'CONFLICT',
      'VALIDATION',
      `Appointment ${a.id} was cancelled and its seat may already be taken: book a new appointment instead.`,
    );
  }
  if (to === 'cancelled') {
    requireChangeable(a, args.now, 'cancelled');
    await cancelLoaded(trx, a, { ...args, reason: args.reason ?? null });
    return { id: a.id, status: 'cancelled', rescheduleCallbackId: null };
  }
  if (to === 'no_show' && Date.parse(a.startsAt) > args.now.getTime()) {
    throw new DomainError(
      'CONFLICT',
      'VALIDATION',
      `Appointment ${a.id} has not started yet: a no-show can be recorded only once it has.`,
    );
  }

  const at = args.now.toISOString();
  await setStatusFrom(trx, a, to, at);
  if (to === 'attended') await recordRealisation(trx, a.interactionId, 'appointment', 1);
  if (from === 'attended') await recordRealisation(trx, a.interactionId, 'appointment', -1);

  let rescheduleCallbackId = await openRescheduleOf(trx, a.id);
  let rescheduleWithdrawn: string | null = null;
  if (to === 'no_show' && rescheduleCallbackId === null) {
    // a no-show again while the withdrawn reschedule is still being called: it is wanted after all
    const held = await openRescheduleOf(trx, a.id, { withdrawn: true });
    if (held !== null && (await restoreCallback(trx, held, args.now))) rescheduleCallbackId = held;
    else rescheduleCallbackId = await promiseReschedule(trx, a, args);
  } else if (from === 'no_show' && rescheduleCallbackId !== null) {
    // the reschedule's reason is gone: withdrawn now, or when the operator calling about it right now lets it go
    const done = await withdrawCallback(trx, {
      id: rescheduleCallbackId,
      actorId: args.userId,
      by: args.by === 'operator' || args.by === 'customer' || args.by === 'team_lead' ? args.by : 'system',
      ip: args.ip,
      now: args.now,
      reason: `appointment_${to}`,
    });
    if (done !== null) rescheduleWithdrawn = rescheduleCallbackId;
    rescheduleCallbackId = null;
  }
  await insertAudit(trx, {
    at,
    actorId: args.userId,
    action: `appointment.${to}`,
    entityType: 'appointment',
    entityId: a.id,
    details: { from, by: args.by, rescheduleCallbackId, rescheduleWithdrawn },
    ip: args.ip,
  });
  return { id: a.id, status: to, rescheduleCallbackId };
}

/** The open reschedule callback of an appointment; with `withdrawn`, the one withdrawn while an operator holds it. */
async function openRescheduleOf(
  db: Executor,
  appointmentId: number,
  opts: { withdrawn: boolean } = { withdrawn: false },
): Promise<string | null> {
  const row = await db
    .selectFrom('callback_requests')
    .select('id')
    .where('appointment_id', '=', appointmentId)
    .where('origin', '=', 'reschedule')
    .where('status', 'in', ['pending', 'claimed'])
    .where('withdrawn_reason', opts.withdrawn ? 'is not' : 'is', null)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  return row?.id ?? null;
}

/**
 * The reschedule callback of a no-show: owned by the operator who booked it while they are an active operator (they
 * know the customer), else the site's pool; due at the first service opening an hour or more from now.
 */
async function promiseReschedule(
  trx: Executor,
  a: AppointmentState,
  args: AppointmentActor & { now: Date; config: AppConfig },
): Promise<string> {
  const customer = await trx
    .selectFrom('customers')
    .select(['phone'])
    .where('id', '=', a.customerId)
    .executeTakeFirstOrThrow();
  // the reschedule belongs to the booker's site: its calendar says when it can be called
  const calendar = await serviceCalendarFor(trx, a.creatorSiteId);
  const opening = nextServiceOpening(new Date(args.now.getTime() + RESCHEDULE_DELAY_MS), calendar);
  if (!opening) throw new Error('the service calendar has no opening in the next two weeks');
  const dueAt = checkPromiseTime(opening.toISOString(), {
    field: 'dueAt',
    now: args.now,
    maxDays: MAX_CALLBACK_DAYS,
    calendar,
  });
  const ownedByBooker = a.createdBy !== null && a.creatorRole === 'operator' && a.creatorActive === 1;
  const promise = await promiseCallback(trx, {
    customerId: a.customerId,
    phone: customer.phone,
    productCode: a.productCode,
    flow: 'callback',
    campaignId: null,
    ownerId: ownedByBooker ? a.createdBy : null,
    siteId: a.creatorSiteId,
    dueAt,
    origin: 'reschedule',
    interactionId: null,
    appointmentId: a.id,
    note: null,
    actorId: args.userId,
    ip: args.ip,
    now: args.now,
    config: args.config,
  });
  return promise.id;
}
