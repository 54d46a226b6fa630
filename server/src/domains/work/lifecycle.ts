import type { ServiceCalendar } from '@valore/shared/time/service-calendar';
import type { Outcome } from '@valore/shared/reference/outcomes';
import type { CompleteInteractionInput } from '@valore/shared/schemas/interactions';
import type { Executor } from '../../db/database';
import { intakeConfig, type AppConfig } from '../../deps';
import { DomainError, fieldError } from '../../errors';
import { parseCallingWindow } from '../campaigns/campaign-rules';
import { closeLeadAs } from '../leads/leads.service';
import { checkPromiseTime, firstCallableAt, MAX_CALLBACK_DAYS, personalUntil, promiseCallback } from './promises';

/**
 * The life of a work item from the moment an operator holds it to its close: what the held item brings to the
 * script, and what a completed contact does to it. Together with promises.ts (what an outcome promises) and
 * work.service.ts (claim, lease, release) this is the only code that writes the queues' rows
 * (campaign_contacts, callback_requests, and the follow-up columns of leads).
 */

export type WorkRef = CompleteInteractionInput['work'];

/** The item a contact came from, as read (and checked as held by the operator) before the contact is logged. */
export interface HeldItem {
  kind: 'campaign' | 'callback' | 'lead_followup' | 'none';
  sourceId: string | null;
  presetProductCode: string | null;
  campaignId: number | null;
  /** the script a callback plays ('campaign' for a callback agreed on a campaign call) */
  flow: string | null;
  customerId: number | null;
  /** the number the item calls (campaign contact, callback request, the lead's customer) */
  phone: string | null;
  /** the campaign's calling window (campaign contacts and callbacks agreed on campaign calls) */
  callingWindow: string | null;
}

const NONE: HeldItem = {
  kind: 'none',
  sourceId: null,
  presetProductCode: null,
  campaignId: null,
  flow: null,
  customerId: null,
  phone: null,
  callingWindow: null,
};

const notYours = () =>
  new DomainError(
    'FORBIDDEN',
    'FORBIDDEN_SCOPE',
    'This work item is not assigned to you (its lease expired or another operator has it).',
  );

/** What a held work item brings to the script (its product, campaign) — and a check that the operator holds it. */
export async function heldItem(db: Executor, userId: number, work: WorkRef): Promise<HeldItem> {
  if (!work || work.kind === 'manual' || work.kind === 'inbound' || work.sourceId === null) return NONE;
  if (work.kind === 'campaign') {
    const row = await db
      .selectFrom('campaign_contacts')
      .innerJoin('campaigns', 'campaigns.id', 'campaign_contacts.campaign_id')
      .select([
        'campaigns.product_code',
        'campaigns.id',
        'campaigns.calling_window',
        'campaign_contacts.lease_owner',
        'campaign_contacts.customer_id',
        'campaign_contacts.phone',
      ])
      .where('campaign_contacts.id', '=', Number(work.sourceId))
      .executeTakeFirst();
    if (!row) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Campaign contact ${work.sourceId} does not exist.`);
    if (row.lease_owner !== userId) throw notYours();
    return {
      kind: 'campaign',
      sourceId: work.sourceId,
      presetProductCode: row.product_code,
      campaignId: row.id,
      flow: 'campaign',
      customerId: row.customer_id,
      phone: row.phone,
      callingWindow: row.calling_window,
    };
  }
  if (work.kind === 'callback') {
    const row = await db
      .selectFrom('callback_requests')
      .leftJoin('campaigns', 'campaigns.id', 'callback_requests.campaign_id')
      .select([
        'callback_requests.product_code',
        'callback_requests.lease_owner',
        'callback_requests.campaign_id',
        'callback_requests.flow',
        'callback_requests.customer_id',
        'callback_requests.phone',
        'campaigns.calling_window',
      ])
      .where('callback_requests.id', '=', work.sourceId)
      .executeTakeFirst();
    if (!row) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Callback request ${work.sourceId} does not exist.`);
    if (row.lease_owner !== userId) throw notYours();
    return {
      kind: 'callback',
      sourceId: work.sourceId,
      presetProductCode: row.product_code,
      campaignId: row.campaign_id,
      flow: row.flow,
      customerId: row.customer_id,
      phone: row.phone,
      callingWindow: row.calling_window,
    };
  }
  const lead = await db
    .selectFrom('leads')
    .innerJoin('customers', 'customers.id', 'leads.customer_id')
    .select(['leads.product_code', 'leads.lease_owner', 'leads.customer_id', 'customers.phone'])
    .where('leads.id', '=', Number(work.sourceId))
    .executeTakeFirst();
  if (!lead) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Lead ${work.sourceId} does not exist.`);
  if (lead.lease_owner !== userId) throw notYours();
  return {
    kind: 'lead_followup',
    sourceId: work.sourceId,
    presetProductCode: lead.product_code,
    campaignId: null,
    flow: 'callback',
    customerId: lead.customer_id,
    phone: lead.phone,
    callingWindow: null,
  };
}

/** Lead follow-ups not reached this many times are closed as lost. */
export const LEAD_FOLLOW_UP_MAX_ATTEMPTS = 5;

export interface Completion {
  userId: number;
  siteId: number;
  item: HeldItem;
  interactionId: number;
  outcome: Outcome;
  productCode: string | null;
  details: Record<string, unknown>;
  customer: { id: number; phone: string } | null;
  /** the lead this contact created (outcome lead) */
  newLeadId: number | null;
  now: Date;
  config: AppConfig;
  ip: string | null;
}

/**
 * Checks the time a contact agreed a callback at, before anything is written: the one rule of promises.ts, with the
 * campaign's calling window when the customer is a campaign's, in the operator's site's calendar. Returns the normalised time, or null when the outcome
 * agrees no callback.
 */
export function agreedCallbackTime(
  item: HeldItem,
  outcome: Outcome,
  details: Record<string, unknown>,
  now: Date,
  calendar: ServiceCalendar,
): string | null {
  if (outcome !== 'callback_scheduled') return null;
  return checkPromiseTime(details.callbackAt, {
    field: 'callbackAt',
    now,
    maxDays: MAX_CALLBACK_DAYS,
    calendar,
    callingWindow:
      item.callingWindow !== null && item.flow === 'campaign' ? parseCallingWindow(item.callingWindow) : null,
  });
}

/**
 * What a completed contact does to the queues, in the completion's transaction:
 * - the item it came from is closed, retried or rescheduled (every update conditional on the operator still holding
 *   the lease, so a contact that an opt-out removed in this same transaction stays removed);
 * - a callback agreed on the call becomes exactly one callback item owned by the operator (promises.ts), whatever the
 *   origin; on a lead's follow-up the lead itself is the promise and moves to the agreed time;
 * - a lead's follow-up that ends in a value outcome or a sale on the phone wins the lead (counted once, by leads).
 * Returns the id of the callback item it created, if any.
 */
export async function settleWorkItem(trx: Executor, c: Completion, callbackAt: string | null): Promise<string | null> {
  const { item, outcome, userId } = c;
  const at = c.now.toISOString();
  const minutesFromNow = (m: number) => new Date(c.now.getTime() + m * 60_000).toISOString();
  const intake = intakeConfig(c.config);
  const agreed = outcome === 'callback_scheduled' && callbackAt !== null;

  if (item.kind === 'lead_followup' && item.sourceId !== null) {
    await settleLeadFollowUp(trx, c, callbackAt, minutesFromNow(intake.callbackRetryDelayMinutes));
    return null;
  }

  if (item.kind === 'campaign' && item.sourceId !== null) {
    const row = await trx
      .selectFrom('campaign_contacts')
      .innerJoin('campaigns', 'campaigns.id', 'campaign_contacts.campaign_id')
      .select(['campaign_contacts.attempts', 'campaigns.max_attempts', 'campaigns.retry_delay_minutes'])
      .where('campaign_contacts.id', '=', Number(item.sourceId))
      .executeTakeFirst();
    if (row) {
      const released = { lease_owner: null, lease_expires_at: null, last_outcome: outcome, updated_at: at };
      const change =
        outcome === 'not_reached'
          ? row.attempts + 1 >= row.max_attempts
            ? { ...released, status: 'exhausted' as const, attempts: row.attempts + 1 }
            : {
                ...released,
                status: 'pending' as const,
                attempts: row.attempts + 1,
                due_at: minutesFromNow(row.retry_delay_minutes),
              }
          : // an agreed callback leaves the list: the promise is its own item from now on
            { ...released, status: 'done' as const };
      await trx
        .updateTable('campaign_contacts')
        .set(change)
        .where('id', '=', Number(item.sourceId))
        .where('status', '=', 'claimed')
        .where('lease_owner', '=', userId)
        .execute();
    }
  }

  if (item.kind === 'callback' && item.sourceId !== null) {
    const row = await trx
      .selectFrom('callback_requests')
      .select(['attempts', 'max_attempts', 'owner_id', 'withdrawn_reason'])
      .where('id', '=', item.sourceId)
      .executeTakeFirst();
    if (row) {
      const released = { lease_owner: null, lease_expires_at: null, updated_at: at };
      // a campaign's callback is retried inside the campaign's calling window
      const window =
        item.callingWindow !== null && item.flow === 'campaign' ? parseCallingWindow(item.callingWindow) : null;
      const retryAt = firstCallableAt(window, new Date(minutesFromNow(intake.callbackRetryDelayMinutes))).toISOString();
      const change =
        outcome === 'not_reached'
          ? row.withdrawn_reason !== null
            ? // withdrawn while held (work/promises.ts withdrawCallback): no retry, it closes
              {
                ...released,
                status: 'cancelled' as const,
                attempts: row.attempts + 1,
                closed_at: at,
                close_reason: row.withdrawn_reason,
              }
            : row.attempts + 1 >= row.max_attempts
              ? {
                  ...released,
                  status: 'failed' as const,
                  attempts: row.attempts + 1,
                  closed_at: at,
                  close_reason: 'not_reached',
                }
              : {
                  ...released,
                  status: 'pending' as const,
                  attempts: row.attempts + 1,
                  due_at: retryAt,
                  // a retry stays with the operator it belongs to, for the same grace
                  personal_until: row.owner_id === null ? null : personalUntil(retryAt, c.config),
                }
          : // answered: an agreed new time is a new promise, below
            { ...released, status: 'done' as const, answered_at: at, closed_at: at, close_reason: outcome };
      await trx
        .updateTable('callback_requests')
        .set(change)
        .where('id', '=', item.sourceId)
        .where('status', '=', 'claimed')
        .where('lease_owner', '=', userId)
        .execute();
    }
  }

  if (!agreed) return null;
  const phone = c.customer?.phone ?? item.phone;
  if (!phone) {
    throw fieldError({
      callbackAt: ['Identify the customer before agreeing a callback: there is no number to call back.'],
    });
  }
  const campaignFlow = item.flow === 'campaign' && item.campaignId !== null;
  const { id } = await promiseCallback(trx, {
    customerId: c.customer?.id ?? item.customerId,
    phone,
    productCode: c.productCode ?? item.presetProductCode,
    flow: campaignFlow ? 'campaign' : 'callback',
    campaignId: campaignFlow ? item.campaignId : null,
    ownerId: userId,
    siteId: c.siteId,
    dueAt: callbackAt,
    origin: 'agreed',
    interactionId: c.interactionId,
    appointmentId: null,
    note: null,
    actorId: userId,
    ip: c.ip,
    now: c.now,
    config: c.config,
  });
  return id;
}

/**
 * A lead's follow-up: not reached → retry later (lost after LEAD_FOLLOW_UP_MAX_ATTEMPTS); a callback agreed → the lead
 * moves to that time and to the operator who agreed it; a value outcome or a sale on the phone → won; a new lead →
 * this one is superseded (lost, pointing to it); anything else → lost.
 */
async function settleLeadFollowUp(
  trx: Executor,
  c: Completion,
  callbackAt: string | null,
  retryAt: string,
): Promise<void> {
  const leadId = Number(c.item.sourceId);
  const at = c.now.toISOString();
  const lead = await trx
    .selectFrom('leads')
    .select(['attempts', 'owner_id'])
    .where('id', '=', leadId)
    .executeTakeFirst();
  if (!lead) return;
  const held = (q: ReturnType<typeof leadUpdate>) =>
    q.where('id', '=', leadId).where('status', '=', 'open').where('lease_owner', '=', c.userId).execute();
  const leadUpdate = (values: {
    lease_owner: null;
    lease_expires_at: null;
    updated_at: string;
    attempts?: number;
    follow_up_at?: string;
    owner_id?: number | null;
    personal_until?: string | null;
  }) => trx.updateTable('leads').set(values);
  const released = { lease_owner: null, lease_expires_at: null, updated_at: at };

  if (c.outcome === 'not_reached') {
    if (lead.attempts + 1 < LEAD_FOLLOW_UP_MAX_ATTEMPTS) {
      await held(
        leadUpdate({
          ...released,
          attempts: lead.attempts + 1,
          follow_up_at: retryAt,
          personal_until: lead.owner_id === null ? null : personalUntil(retryAt, c.config),
        }),
      );
      return;
    }
    await held(leadUpdate({ ...released, attempts: lead.attempts + 1 }));
    await closeLeadAs(trx, { leadId, status: 'lost', note: 'Non raggiunto', closedBy: c.userId, at });
    return;
  }
  if (c.outcome === 'callback_scheduled' && callbackAt !== null) {
    await held(
      leadUpdate({
        ...released,
        follow_up_at: callbackAt,
        owner_id: c.userId,
        personal_until: personalUntil(callbackAt, c.config),
      }),
    );
    return;
  }
  const wonBy =
    c.outcome === 'up_appointment' || c.outcome === 'digital_funnel' || c.outcome === 'assisted_sale'
      ? c.outcome
      : null;
  const reference = typeof c.details.reference === 'string' ? c.details.reference.trim() : null;
  await closeLeadAs(trx, {
    leadId,
    status: wonBy ? 'won' : 'lost',
    wonBy,
    saleReference: wonBy === 'assisted_sale' ? reference : null,
    note: c.outcome === 'lead' && c.newLeadId !== null ? `Sostituito dal lead #${c.newLeadId}` : null,
    closedBy: c.userId,
    at,
    heldBy: c.userId,
  });
}
