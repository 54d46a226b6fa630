import { randomUUID } from 'node:crypto';
import type { FlowId } from '@valore/shared/reference/outcomes';
import { isInsideCallingWindow, nextWindowOpening, type CallingWindow } from '@valore/shared/time/calling-window';
import {
  describeServiceCalendar,
  isWithinServiceCalendar,
  type ServiceCalendar,
} from '@valore/shared/time/service-calendar';
import { serviceCalendarFor } from '../org/service-calendars';
import type { Executor } from '../../db/database';
import { intakeConfig, type AppConfig } from '../../deps';
import { DomainError, fieldError } from '../../errors';
import { insertAudit } from '../audit/audit.repository';
import { parseCallingWindow } from '../campaigns/campaign-rules';
import { checkCallbackCapacity, requireCallbackCapacity, type CapacityCheck } from '../callbacks/callback-capacity';
import { confirmScheduledCallbackRequest } from '../self-service/callback-confirmation';

/**
 * The promise ledger: every outcome that agrees a future action with a customer (a callback, a lead, a missed
 * appointment to reschedule) becomes exactly one open, owned, due work item, whatever the flow and wherever the
 * contact came from. This module is the one place that creates, moves and cancels those items; the completion
 * (interactions.service), the appointments and the customer's self-service pages call it.
 *
 * A promise belongs to the operator who agreed it: work.next offers it to them alone until `personal_until` (its due
 * time plus a grace period), then to their site's pool. work.mine lists an operator's open promises, and every open
 * promise is on the SLA board (callbacks.board).
 *
 * Every callback it books or moves takes a place of the Call Me Back capacity (callbacks/callback-capacity.ts), checked
 * in the transaction of the write: an agreed time or a customer's move into a full half-hour is refused (`409
 * SLOT_FULL`) with the next free half-hours the same time rule accepts; the reschedule of a missed appointment takes
 * the first half-hour with room from its opening on.
 */

export const DEFAULT_PERSONAL_GRACE_MINUTES = 15;
/** An agreed callback further out than this is almost certainly a mistake in the date. */
export const MAX_CALLBACK_DAYS = 30;
/** A lead's follow-up may be further out (a customer waiting for a contract to end), but not beyond a year. */
export const MAX_FOLLOW_UP_DAYS = 366;
const MINUTE = 60_000;

export function personalGraceMinutes(config: AppConfig): number {
  return config.personalCallbackGraceMinutes ?? DEFAULT_PERSONAL_GRACE_MINUTES;
}

/** Until when a promise due at `dueAt` is offered only to the operator who agreed it. */
export function personalUntil(dueAt: string, config: AppConfig): string {
  return new Date(Date.parse(dueAt) + personalGraceMinutes(config) * MINUTE).toISOString();
}

export interface PromiseTimeRule {
  /** the input field the time came from, for the 400's field message */
  field: string;
  now: Date;
  maxDays: number;
  /** the campaign's calling window, for a callback agreed on a campaign call */
  callingWindow?: CallingWindow | null;
  /** the service calendar of the site the promise belongs to (org/service-calendars.ts) */
  calendar: ServiceCalendar;
}

/**
 * The one rule for an agreed time (a callback or a lead's follow-up): a real instant, in the future, at most
 * `maxDays` ahead, inside the service calendar and, for a campaign's customer, inside the campaign's calling window.
 * Returns it normalised to UTC; anything else is a 400 with a message on the field, before anything is written.
 */
export function checkPromiseTime(value: unknown, rule: PromiseTimeRule): string {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  const problem = (message: string) => fieldError({ [rule.field]: [message] });
  if (Number.isNaN(ms)) throw problem('Give the date and time as an ISO-8601 date-time.');
  if (ms <= rule.now.getTime()) throw problem('The agreed time must be in the future.');
  if (ms > rule.now.getTime() + rule.maxDays * 86_400_000) {
    throw problem(`The agreed time must be within ${rule.maxDays} days.`);
  }
  const at = new Date(ms);
  if (!isWithinServiceCalendar(at, rule.calendar)) {
    throw problem(`The agreed time is outside the service hours (${describeServiceCalendar(rule.calendar)}).`);
  }
  if (rule.callingWindow && !isInsideCallingWindow(rule.callingWindow, at)) {
    throw problem('The agreed time is outside the campaign’s calling window.');
  }
  return at.toISOString();
}

export interface CallbackPromise {
  customerId: number | null;
  phone: string;
  productCode: string | null;
  /** the script the callback plays: 'campaign' for a callback agreed on a campaign call, else 'callback' */
  flow: Extract<FlowId, 'callback' | 'campaign'>;
  campaignId: number | null;
  /** the operator it belongs to; null: the site's pool at once */
  ownerId: number | null;
  siteId: number | null;
  /** already checked with checkPromiseTime */
  dueAt: string;
  origin: 'agreed' | 'reschedule';
  interactionId: number | null;
  appointmentId: number | null;
  note: string | null;
  /** who made the promise (audit); null: the system (e.g. an attendance report) */
  actorId: number | null;
  ip: string | null;
  now: Date;
  config: AppConfig;
}

/** Creates the one work item of an agreed callback; returns its id. Call it in the transaction of the outcome. */
export async function promiseCallback(
  trx: Executor,
  p: CallbackPromise,
): Promise<{ id: string; dueAt: string; personalUntil: string | null }> {
  const id = randomUUID();
  const at = p.now.toISOString();
  const intake = intakeConfig(p.config);
  const dueAt = await bookCallbackTime(trx, {
    at: p.dueAt,
    now: p.now,
    config: p.config,
    siteId: p.siteId,
    campaignId: p.flow === 'campaign' ? p.campaignId : null,
    movingId: null,
    // nobody agreed the reschedule's time with the customer: it takes the first half-hour with room instead
    onFull: p.origin === 'reschedule' ? 'first_free' : 'refuse',
  });
  const until = p.ownerId === null ? null : personalUntil(dueAt, p.config);
  await trx
    .insertInto('callback_requests')
    .values({
      id,
      phone: p.phone,
      customer_id: p.customerId,
      product_code: p.productCode,
      mode: 'scheduled',
      channel: 'phone',
      preferred_at: dueAt,
      note: p.note,
      due_at: dueAt,
      due_by: new Date(Date.parse(dueAt) + intake.scheduledToleranceMinutes * MINUTE).toISOString(),
      max_attempts: intake.callbackMaxAttempts,
      lease_owner: null,
      lease_expires_at: null,
      idempotency_key: null,
      request_hash: null,
      created_at: at,
      answered_at: null,
      updated_at: at,
      origin: p.origin,
      flow: p.flow,
      campaign_id: p.campaignId,
      site_id: p.siteId,
      owner_id: p.ownerId,
      personal_until: until,
      interaction_id: p.interactionId,
      appointment_id: p.appointmentId,
      closed_at: null,
      close_reason: null,
    })
    .execute();
  // the customer is told the agreed time, with a signed link to move or cancel it (self-service pages)
  if (p.origin === 'agreed') {
    await confirmScheduledCallbackRequest(trx, {
      callbackId: id,
      customerId: p.customerId,
      phone: p.phone,
      dueAt,
      now: p.now,
      publicUrl: p.config.publicUrl ?? '',
    });
  }
  await insertAudit(trx, {
    at,
    actorId: p.actorId,
    action: p.origin === 'reschedule' ? 'promise.reschedule_callback' : 'promise.callback',
    entityType: 'callback_request',
    entityId: id,
    details: {
      customerId: p.customerId,
      dueAt,
      ownerId: p.ownerId,
      interactionId: p.interactionId,
      appointmentId: p.appointmentId,
    },
    ip: p.ip,
  });
  return { id, dueAt, personalUntil: until };
}

/**
 * The Call Me Back capacity of a callback's time, in the transaction of its write (callbacks/callback-capacity.ts):
 * the half-hour must have room, the callback moved (`movingId`) not counting against it. A full one is refused with
 * the next free half-hours that this callback's own time rule accepts (its site's calendar, its campaign's calling
 * window, 30 days) — or, for `first_free`, the first of them is taken instead (the opening itself when none is free
 * in the 14 days after it: a missed appointment is always followed up). Returns the time booked.
 */
async function bookCallbackTime(
  trx: Executor,
  a: {
    at: string;
    now: Date;
    config: AppConfig;
    siteId: number | null;
    campaignId: number | null;
    movingId: string | null;
    onFull: 'refuse' | 'first_free';
  },
): Promise<string> {
  const calendar = await serviceCalendarFor(trx, a.siteId);
  const window = a.campaignId !== null ? await campaignWindow(trx, a.campaignId) : null;
  const check: CapacityCheck = {
    at: new Date(a.at),
    now: a.now,
    latest: new Date(a.now.getTime() + MAX_CALLBACK_DAYS * 86_400_000),
    contactsPerHalfHour: intakeConfig(a.config).callbackContactsPerHalfHour,
    excludeId: a.movingId,
    accepts: (start) =>
      isWithinServiceCalendar(start, calendar) && (window === null || isInsideCallingWindow(window, start)),
  };
  if (a.onFull === 'refuse') {
    await requireCallbackCapacity(trx, check);
    return a.at;
  }
  const verdict = await checkCallbackCapacity(trx, check);
  return verdict.ok ? a.at : (verdict.alternatives[0] ?? a.at);
}

export interface OpenCallback {
  id: string;
  customerId: number | null;
  status: 'pending' | 'claimed';
  dueAt: string;
  flow: FlowId;
  campaignId: number | null;
  ownerId: number | null;
  origin: 'intake' | 'agreed' | 'reschedule';
  /** null: a web or app request (every site's) */
  siteId: number | null;
}

export async function findOpenCallback(db: Executor, id: string): Promise<OpenCallback | null> {
  const r = await db
    .selectFrom('callback_requests')
    .select(['id', 'customer_id', 'status', 'due_at', 'flow', 'campaign_id', 'owner_id', 'origin', 'site_id'])
    .where('id', '=', id)
    .where('status', 'in', ['pending', 'claimed'])
    .executeTakeFirst();
  if (!r) return null;
  return {
    id: r.id,
    customerId: r.customer_id,
    status: r.status === 'claimed' ? 'claimed' : 'pending',
    dueAt: r.due_at,
    flow: r.flow,
    campaignId: r.campaign_id,
    ownerId: r.owner_id,
    origin: r.origin,
    siteId: r.site_id,
  };
}

export type ChangeActor = {
  actorId: number | null;
  by: 'customer' | 'operator' | 'team_lead' | 'system';
  ip: string | null;
};

/**
 * Cancels an open callback (the customer withdrew it, or an opt-out). One being called right now cannot be
 * cancelled: the operator on it closes it with the call's outcome.
 */
export async function cancelCallback(
  trx: Executor,
  args: ChangeActor & { id: string; now: Date; reason: string },
): Promise<void> {
  const at = args.now.toISOString();
  const r = await trx
    .updateTable('callback_requests')
    .set({
      status: 'cancelled',
      closed_at: at,
      close_reason: args.reason,
      lease_owner: null,
      lease_expires_at: null,
      updated_at: at,
    })
    .where('id', '=', args.id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) {
    const open = await findOpenCallback(trx, args.id);
    throw open
      ? new DomainError(
          'CONFLICT',
          'VALIDATION',
          'An operator is calling about this right now: it can no longer be cancelled.',
        )
      : new DomainError('NOT_FOUND', 'NOT_FOUND', 'This callback is no longer open.');
  }
  await insertAudit(trx, {
    at,
    actorId: args.actorId,
    action: 'promise.callback_cancelled',
    entityType: 'callback_request',
    entityId: args.id,
    details: { by: args.by, reason: args.reason },
    ip: args.ip,
  });
}

/**
 * The one rule for a promise whose reason went away (its appointment was attended after all, the customer opted
 * out): an open one is cancelled now; one an operator holds right now stays with them (their call settles it) but is
 * marked, so that if it comes back instead (release, lease expiry, a not-reached retry) it closes with this reason
 * rather than returning to the queue (CALLBACK_BACK_TO_QUEUE in work.repository.ts). `restoreCallback` takes the
 * mark off when the reason returns (the appointment is a no-show again). Returns what happened, null when the
 * callback was no longer open.
 */
export async function withdrawCallback(
  trx: Executor,
  args: ChangeActor & { id: string; now: Date; reason: string },
): Promise<'cancelled' | 'withdrawn' | null> {
  const open = await findOpenCallback(trx, args.id);
  if (!open) return null;
  if (open.status === 'pending') {
    await cancelCallback(trx, args);
    return 'cancelled';
  }
  const at = args.now.toISOString();
  await trx
    .updateTable('callback_requests')
    .set({ withdrawn_reason: args.reason, updated_at: at })
    .where('id', '=', args.id)
    .where('status', '=', 'claimed')
    .execute();
  await insertAudit(trx, {
    at,
    actorId: args.actorId,
    action: 'promise.callback_withdrawn',
    entityType: 'callback_request',
    entityId: args.id,
    details: { by: args.by, reason: args.reason, held: true },
    ip: args.ip,
  });
  return 'withdrawn';
}

/** Takes a withdrawal mark off a held callback whose reason is back; false when it carried none. */
export async function restoreCallback(trx: Executor, id: string, now: Date): Promise<boolean> {
  const r = await trx
    .updateTable('callback_requests')
    .set({ withdrawn_reason: null, updated_at: now.toISOString() })
    .where('id', '=', id)
    .where('status', '=', 'claimed')
    .where('withdrawn_reason', 'is not', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Moves an open callback to another agreed time, checked by the same rule as when it was agreed (the campaign's
 * calling window included). It stays with the operator it belongs to, for the same grace after the new time.
 */
export async function moveCallback(
  trx: Executor,
  args: ChangeActor & { id: string; dueAt: unknown; field?: string; now: Date; config: AppConfig },
): Promise<{ dueAt: string; personalUntil: string | null }> {
  const open = await findOpenCallback(trx, args.id);
  if (!open) throw new DomainError('NOT_FOUND', 'NOT_FOUND', 'This callback is no longer open.');
  if (open.status === 'claimed') {
    throw new DomainError(
      'CONFLICT',
      'VALIDATION',
      'An operator is calling about this right now: it can no longer be moved.',
    );
  }
  const window =
    open.flow === 'campaign' && open.campaignId !== null ? await campaignWindow(trx, open.campaignId) : null;
  const dueAt = checkPromiseTime(args.dueAt, {
    field: args.field ?? 'dueAt',
    now: args.now,
    maxDays: MAX_CALLBACK_DAYS,
    callingWindow: window,
    calendar: await serviceCalendarFor(trx, open.siteId),
  });
  // its new half-hour must have room: the callback itself leaves its old one, so it never counts against the new
  await bookCallbackTime(trx, {
    at: dueAt,
    now: args.now,
    config: args.config,
    siteId: open.siteId,
    campaignId: open.flow === 'campaign' ? open.campaignId : null,
    movingId: open.id,
    onFull: 'refuse',
  });
  const at = args.now.toISOString();
  const intake = intakeConfig(args.config);
  const until = open.ownerId === null ? null : personalUntil(dueAt, args.config);
  await trx
    .updateTable('callback_requests')
    .set({
      due_at: dueAt,
      preferred_at: dueAt,
      due_by: new Date(Date.parse(dueAt) + intake.scheduledToleranceMinutes * MINUTE).toISOString(),
      mode: 'scheduled',
      personal_until: until,
      updated_at: at,
    })
    .where('id', '=', args.id)
    .where('status', '=', 'pending')
    .execute();
  await insertAudit(trx, {
    at,
    actorId: args.actorId,
    action: 'promise.callback_moved',
    entityType: 'callback_request',
    entityId: args.id,
    details: { by: args.by, from: open.dueAt, to: dueAt },
    ip: args.ip,
  });
  return { dueAt, personalUntil: until };
}

/** The first moment at or after `at` inside the calling window (a week on when it never opens in three). */
export function firstCallableAt(window: CallingWindow | null, at: Date): Date {
  if (window === null) return at;
  return nextWindowOpening(window, at) ?? new Date(at.getTime() + 7 * 24 * 60 * MINUTE);
}

/**
 * For an open callback agreed on a campaign call while the campaign's calling window is closed: the row and the
 * window's next opening; null for any other callback, or when the window is open.
 */
export async function closedCallingWindow(trx: Executor, id: string, now: Date) {
  const row = await trx
    .selectFrom('callback_requests')
    .select(['flow', 'campaign_id', 'due_at', 'due_by', 'personal_until'])
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  if (!row || row.flow !== 'campaign' || row.campaign_id === null) return null;
  const window = await campaignWindow(trx, row.campaign_id);
  if (window === null || isInsideCallingWindow(window, now)) return null;
  return { row, opening: firstCallableAt(window, now) };
}

/**
 * A campaign's callback is called only inside the campaign's calling window, whenever it comes due: one found due
 * outside it (its operator's grace ran past the window's close, a retry landed after hours) moves to the window's
 * next opening, still offered first to its operator for the same grace. The claim asks this before each callback it
 * hands out (work.service.ts); true when the callback was moved and must not be called now.
 */
export async function deferOutsideCallingWindow(trx: Executor, id: string, now: Date): Promise<boolean> {
  const closed = await closedCallingWindow(trx, id, now);
  if (closed === null) return false;
  const { row, opening } = closed;
  const delta = opening.getTime() - Date.parse(row.due_at);
  const shift = (iso: string) => new Date(Date.parse(iso) + delta).toISOString();
  const at = now.toISOString();
  await trx
    .updateTable('callback_requests')
    .set({
      due_at: opening.toISOString(),
      due_by: shift(row.due_by),
      personal_until: row.personal_until === null ? null : shift(row.personal_until),
      updated_at: at,
    })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
  await insertAudit(trx, {
    at,
    actorId: null,
    action: 'promise.callback_deferred',
    entityType: 'callback_request',
    entityId: id,
    details: { reason: 'outside_calling_window', from: row.due_at, to: opening.toISOString() },
    ip: null,
  });
  return true;
}

/** The calling window a campaign's callbacks must respect. */
export async function campaignWindow(db: Executor, campaignId: number): Promise<CallingWindow | null> {
  const row = await db.selectFrom('campaigns').select('calling_window').where('id', '=', campaignId).executeTakeFirst();
  if (!row) return null;
  // parsed by the campaigns' own rule (a stored window that no longer parses falls back to the legal default)
  return parseCallingWindow(row.calling_window);
}

/**
 * An opt-out takes effect at once everywhere: the customer leaves every campaign's list, and the callbacks agreed on
 * campaign calls are cancelled (the ones they asked for themselves stay: an opt-out is about marketing calls).
 */
export async function withdrawCampaignWork(trx: Executor, customerId: number, now: Date): Promise<void> {
  const at = now.toISOString();
  await trx
    .updateTable('campaign_contacts')
    .set({ status: 'removed', last_outcome: 'opt_out', lease_owner: null, lease_expires_at: null, updated_at: at })
    .where('customer_id', '=', customerId)
    .where('status', 'in', ['pending', 'claimed'])
    .execute();
  await trx
    .updateTable('callback_requests')
    .set({
      status: 'cancelled',
      closed_at: at,
      close_reason: 'opt_out',
      lease_owner: null,
      lease_expires_at: null,
      updated_at: at,
    })
    .where('customer_id', '=', customerId)
    .where('flow', '=', 'campaign')
    .where('status', '=', 'pending')
    .execute();
  // one held right now stays with its operator, marked: it closes instead of coming back (withdrawCallback)
  await trx
    .updateTable('callback_requests')
    .set({ withdrawn_reason: 'opt_out', updated_at: at })
    .where('customer_id', '=', customerId)
    .where('flow', '=', 'campaign')
    .where('status', '=', 'claimed')
    .execute();
}

/**
 * Hands an open lead's follow-up to another operator (a team lead's reassignment): it becomes their promise, offered
 * to them alone until `personalUntil`. False when the lead was no longer open (closed meanwhile).
 */
export async function reassignLeadPromise(
  trx: Executor,
  args: { leadId: number; ownerId: number; personalUntil: string; at: string },
): Promise<boolean> {
  const result = await trx
    .updateTable('leads')
    .set({ owner_id: args.ownerId, personal_until: args.personalUntil, updated_at: args.at })
    .where('id', '=', args.leadId)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}
