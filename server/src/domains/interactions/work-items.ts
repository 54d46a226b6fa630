import type { Outcome } from '@valore/shared/reference/outcomes';
import type { CompleteInteractionInput } from '@valore/shared/schemas/interactions';
import type { Executor } from '../../db/database';
import { intakeConfig, type AppConfig } from '../../deps';
import { DomainError } from '../../trpc/errors';

export interface WorkItemContext {
  presetProductCode: string | null;
  campaignId: number | null;
}

const notYours = () =>
  new DomainError(
    'FORBIDDEN',
    'FORBIDDEN_SCOPE',
    'This work item is not assigned to you (its lease expired or another operator has it).',
  );

/**
 * What a queued work item brings to the script (its product) — and a check that the operator holds it.
 * Manual and inbound contacts carry no item.
 */
export async function workItemContext(
  db: Executor,
  userId: number,
  work: CompleteInteractionInput['work'],
): Promise<WorkItemContext> {
  if (!work || work.kind === 'manual' || work.kind === 'inbound' || work.sourceId === null) {
    return { presetProductCode: null, campaignId: null };
  }
  if (work.kind === 'campaign') {
    const row = await db
      .selectFrom('campaign_contacts')
      .innerJoin('campaigns', 'campaigns.id', 'campaign_contacts.campaign_id')
      .select(['campaigns.product_code', 'campaigns.id', 'campaign_contacts.lease_owner'])
      .where('campaign_contacts.id', '=', Number(work.sourceId))
      .executeTakeFirst();
    if (!row) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Campaign contact ${work.sourceId} does not exist.`);
    if (row.lease_owner !== userId) throw notYours();
    return { presetProductCode: row.product_code, campaignId: row.id };
  }
  if (work.kind === 'callback') {
    const row = await db
      .selectFrom('callback_requests')
      .select(['product_code', 'lease_owner'])
      .where('id', '=', work.sourceId)
      .executeTakeFirst();
    if (!row) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Callback request ${work.sourceId} does not exist.`);
    if (row.lease_owner !== userId) throw notYours();
    return { presetProductCode: row.product_code, campaignId: null };
  }
  const lead = await db
    .selectFrom('leads')
    .select(['product_code', 'lease_owner'])
    .where('id', '=', Number(work.sourceId))
    .executeTakeFirst();
  if (!lead) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Lead ${work.sourceId} does not exist.`);
  if (lead.lease_owner !== userId) throw notYours();
  return { presetProductCode: lead.product_code, campaignId: null };
}

/** Lead follow-ups not reached this many times are closed as lost (see closeWorkItem). */
export const LEAD_FOLLOW_UP_MAX_ATTEMPTS = 5;

export interface CloseWorkItemArgs {
  userId: number;
  work: CompleteInteractionInput['work'];
  outcome: Outcome;
  /** the time the customer asked to be called back at (outcome callback_scheduled) */
  callbackAt: string | null;
  /** the lead created by this contact (outcome lead) */
  newLeadId: number | null;
  now: Date;
  config: AppConfig;
}

/**
 * Closes or reschedules the queued item a completed contact came from, in the caller's transaction.
 * Every update is conditional on the operator still holding the lease, so a contact that an opt-out has already
 * removed from its campaigns (same transaction) stays removed.
 * - campaign contact: not reached → retry after the campaign's delay (attempts + 1; at the limit → exhausted);
 *   callback_scheduled → due again at the agreed time; anything else → done.
 * - callback request: not reached → retry after the configured delay up to its max_attempts, then failed;
 *   callback_scheduled → a scheduled request at the agreed time; anything else → done (answered).
 * - lead follow-up: not reached → retry after the callback delay (after LEAD_FOLLOW_UP_MAX_ATTEMPTS → lost);
 *   callback_scheduled → follow up at the agreed time; appointment / funnel link → won; lead → superseded by the
 *   new lead (closed lost, with a note pointing to it); not interested, not eligible, opt-out, no proposal → lost.
 *   A lead can also be closed directly with leads.close while held: it then simply stops being a work item.
 */
export async function closeWorkItem(trx: Executor, args: CloseWorkItemArgs): Promise<void> {
  const { work, outcome, userId } = args;
  if (
    !work ||
    work.sourceId === null ||
    (work.kind !== 'campaign' && work.kind !== 'callback' && work.kind !== 'lead_followup')
  )
    return;
  const at = args.now.toISOString();
  const minutesFromNow = (m: number) => new Date(args.now.getTime() + m * 60_000).toISOString();
  const callbackAt = args.callbackAt ? new Date(args.callbackAt).toISOString() : null;
  const intake = intakeConfig(args.config);

  if (work.kind === 'campaign') {
    const row = await trx
      .selectFrom('campaign_contacts')
      .innerJoin('campaigns', 'campaigns.id', 'campaign_contacts.campaign_id')
      .select(['campaign_contacts.attempts', 'campaigns.max_attempts', 'campaigns.retry_delay_minutes'])
      .where('campaign_contacts.id', '=', Number(work.sourceId))
      .executeTakeFirst();
    if (!row) return;
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
        : outcome === 'callback_scheduled' && callbackAt
          ? { ...released, status: 'pending' as const, due_at: callbackAt }
          : { ...released, status: 'done' as const };
    await trx
      .updateTable('campaign_contacts')
      .set(change)
      .where('id', '=', Number(work.sourceId))
      .where('status', '=', 'claimed')
      .where('lease_owner', '=', userId)
      .execute();
    return;
  }

  if (work.kind === 'callback') {
    const row = await trx
      .selectFrom('callback_requests')
      .select(['attempts', 'max_attempts'])
      .where('id', '=', work.sourceId)
      .executeTakeFirst();
    if (!row) return;
    const released = { lease_owner: null, lease_expires_at: null, updated_at: at };
    const change =
      outcome === 'not_reached'
        ? row.attempts + 1 >= row.max_attempts
          ? { ...released, status: 'failed' as const, attempts: row.attempts + 1 }
          : {
              ...released,
              status: 'pending' as const,
              attempts: row.attempts + 1,
              due_at: minutesFromNow(intake.callbackRetryDelayMinutes),
            }
        : outcome === 'callback_scheduled' && callbackAt
          ? {
              ...released,
              status: 'pending' as const,
              mode: 'scheduled' as const,
              due_at: callbackAt,
              due_by: new Date(Date.parse(callbackAt) + intake.scheduledToleranceMinutes * 60_000).toISOString(),
              answered_at: at,
            }
          : { ...released, status: 'done' as const, answered_at: at };
    await trx
      .updateTable('callback_requests')
      .set(change)
      .where('id', '=', work.sourceId)
      .where('status', '=', 'claimed')
      .where('lease_owner', '=', userId)
      .execute();
    return;
  }

  const lead = await trx
    .selectFrom('leads')
    .select(['attempts', 'notes'])
    .where('id', '=', Number(work.sourceId))
    .executeTakeFirst();
  if (!lead) return;
  const released = { lease_owner: null, lease_expires_at: null, updated_at: at };
  const closed = (status: 'won' | 'lost', note: string | null = null) => ({
    ...released,
    status,
    closed_at: at,
    notes: note ? (lead.notes ? `${lead.notes}\n${note}` : note) : lead.notes,
  });
  const change =
    outcome === 'not_reached'
      ? lead.attempts + 1 >= LEAD_FOLLOW_UP_MAX_ATTEMPTS
        ? { ...closed('lost', 'Non raggiunto'), attempts: lead.attempts + 1 }
        : { ...released, attempts: lead.attempts + 1, follow_up_at: minutesFromNow(intake.callbackRetryDelayMinutes) }
      : outcome === 'callback_scheduled' && callbackAt
        ? { ...released, follow_up_at: callbackAt }
        : outcome === 'up_appointment' || outcome === 'digital_funnel'
          ? closed('won')
          : outcome === 'lead'
            ? closed('lost', args.newLeadId ? `Sostituito dal lead #${args.newLeadId}` : null)
            : closed('lost');
  await trx
    .updateTable('leads')
    .set(change)
    .where('id', '=', Number(work.sourceId))
    .where('status', '=', 'open')
    .where('lease_owner', '=', userId)
    .execute();
}
