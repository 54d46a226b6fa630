import { DEFAULT_SERVICE_CALENDAR } from '@valore/shared/time/service-calendar';
import { serviceCalendarFor } from '../org/service-calendars';
import { replayMachine } from '@valore/shared/flows/index';
import { machineFor } from '../scripts/script-versions';
import type { SessionUser } from '@valore/shared/schemas/auth';
import type {
  CompleteInteractionInput,
  CompleteInteractionOutput,
  InteractionSummary,
} from '@valore/shared/schemas/interactions';
import type { AppDeps } from '../../deps';
import type { Executor } from '../../db/database';
import { DomainError, fieldError } from '../../errors';
import { bookAppointment } from '../appointments/appointments.service';
import { insertAudit } from '../audit/audit.repository';
import { idempotentTransaction, userCaller } from '../audit/idempotency';
import { findCustomer } from '../customers/customers.repository';
import { proposedProducts, refuseHeldProposal } from '../customers/held-products';
import { CALL_CHANNEL, hasMarketingConsent } from '../customers/marketing-consent';
import { createFunnelLink } from '../funnel/funnel.service';
import { createLead } from '../leads/leads.service';
import type { EffectContext } from '../outbox/effect-context';
import { contactOf } from '../outbox/effect-lookups';
import { cachedOutcomesByProduct } from '../scripts/catalogue.repository';
import { insertInteraction } from './interactions.repository';
import { agreedCallbackTime, heldItem, settleWorkItem } from '../work/lifecycle';
import { checkReportedTimes, DEFAULT_OFFLINE_MAX_HOURS } from './reported-times';
import { withdrawCampaignWork } from '../work/promises';

const SCOPE = 'interactions.complete';

/**
 * Logs a finished contact. The server trusts no client-side state: it replays the recorded events through
 * the same script machine and accepts the outcome only if the machine reaches it. The interaction row, its
 * effects (appointment, funnel link, lead, consent change, opt-out), the idempotency record and the audit
 * row commit in one transaction; a retry with the same client id gets the first response back.
 */
export async function completeInteraction(
  deps: AppDeps,
  user: SessionUser,
  input: CompleteInteractionInput,
  ip: string | null,
): Promise<CompleteInteractionOutput> {
  if (input.scriptId !== input.flow) {
    throw new DomainError('BAD_REQUEST', 'VALIDATION', `scriptId must be the flow's script ("${input.flow}").`);
  }
  const now = deps.clock.now();
  const at = now.toISOString();

  // completions arriving together share one commit (db/group-commit.ts); each runs alone, in its own savepoint
  const { response } = await idempotentTransaction(
    deps,
    { caller: userCaller(user), scope: SCOPE, key: input.clientId, input, at, commit: 'group' },
    (trx, hash) => logCompletion(trx, { deps, user, input, ip, now, at, hash }),
  );
  return response;
}

/** A new completion being logged: the request, the time the server received it and the request's hash. */
interface Completion {
  deps: AppDeps;
  user: SessionUser;
  input: CompleteInteractionInput;
  ip: string | null;
  now: Date;
  at: string;
  hash: string;
}

/** The contact as the replay accepted it (step 1), what every later step acts on. */
type Accepted = Awaited<ReturnType<typeof replayContact>>;

/**
 * A new completion, step by step, inside its transaction (a retry got its first answer back before this): replay,
 * the interaction row, the value effects (a lead among them is a promise), the item the contact came from (its
 * promises and realisations), the audit row.
 */
async function logCompletion(trx: Executor, c: Completion): Promise<CompleteInteractionOutput> {
  const contact = await replayContact(trx, c);
  const interactionId = await insertCompleted(trx, c, contact);
  const effects = await valueEffects(trx, c, contact, interactionId);
  effects.callbackId = await settleItem(trx, c, contact, interactionId, effects.lead?.id ?? null);
  // 5. audit
  await insertAudit(trx, {
    at: c.at,
    actorId: c.user.id,
    action: 'interaction.complete',
    entityType: 'interaction',
    entityId: interactionId,
    details: {
      clientId: c.input.clientId,
      flow: c.input.flow,
      outcome: contact.replay.outcome,
      customerId: contact.customer?.id ?? null,
    },
    ip: c.ip,
  });
  return { interactionId, clientId: c.input.clientId, outcome: contact.replay.outcome, effects };
}

/**
 * Step 1, replay: checks the request against the server's state (times, site, customer, the item held) and replays
 * the recorded events through the script machine; refuses before anything is written.
 */
async function replayContact(trx: Executor, { deps, user, input, now }: Completion) {
  // reported times are checked against the server's clock here, for a new completion only (a retry of one
  // accepted earlier gets its first answer back above, however late it comes)
  const times = checkReportedTimes(input, now, deps.config.offlineMaxHours ?? DEFAULT_OFFLINE_MAX_HOURS);
  // the session user was read from the users table for this very request (auth.service resolveSession)
  const siteId = user.siteId;
  if (siteId === null) throw new DomainError('FORBIDDEN', 'FORBIDDEN_SCOPE', 'Only operators of a site log contacts.');
  const customer = input.customerId === null ? null : await findCustomer(trx, input.customerId);
  if (input.customerId !== null && !customer) {
    throw new DomainError('BAD_REQUEST', 'NOT_FOUND', `Customer ${input.customerId} does not exist.`);
  }
  const identified = input.events.find((e) => e.type === 'customer.identified');
  if (identified && identified.customerId !== input.customerId) {
    throw new DomainError('BAD_REQUEST', 'REPLAY_REJECTED', 'The identified customer differs from customerId.');
  }
  const item = await heldItem(trx, user.id, input.work);
  // a completion is about the customer of the item the operator holds, not another one
  if (item.customerId !== null && customer && customer.id !== item.customerId) {
    throw fieldError({ customerId: ['The customer differs from the one of the work item you hold.'] });
  }
  // a product the customer already holds is never proposed to them (the one rule: customers/held-products.ts)
  await refuseHeldProposal(trx, customer?.id ?? null, proposedProducts(input.events));
  const script = await machineFor(trx, input.flow, input.scriptVersion);
  if (!script.ok || script.retired) {
    throw new DomainError(
      'BAD_REQUEST',
      'REPLAY_REJECTED',
      script.ok
        ? `The script ${input.flow} ${input.scriptVersion} is retired: a new contact plays a published version.`
        : `There is no published script ${input.flow} ${input.scriptVersion}.`,
    );
  }
  const replay = replayMachine(
    script.machine,
    {
      customer: {
        id: customer?.id ?? null,
        hasMarketingConsent: customer ? await hasMarketingConsent(trx, customer.id, CALL_CHANNEL) : false,
      },
      products: await cachedOutcomesByProduct(deps.db, trx, now.getTime()),
      presetProductCode: item.presetProductCode,
      leadFollowUp: item.kind === 'lead_followup',
    },
    input.events,
  );
  if (!replay.ok) {
    throw new DomainError(
      'BAD_REQUEST',
      'REPLAY_REJECTED',
      `The script does not allow this contact: ${replay.reason}.`,
    );
  }
  if (replay.outcome !== input.outcome) {
    throw new DomainError(
      'BAD_REQUEST',
      'REPLAY_REJECTED',
      `The recorded steps end in "${replay.outcome}", not in "${input.outcome}".`,
    );
  }
  // the agreed time is checked before anything is written (the one rule of work/promises.ts)
  const callbackAt = agreedCallbackTime(
    item,
    replay.outcome,
    replay.details,
    now,
    replay.outcome === 'callback_scheduled' ? await serviceCalendarFor(trx, siteId) : DEFAULT_SERVICE_CALENDAR,
  );
  if (replay.outcome === 'assisted_sale' && item.kind !== 'lead_followup') {
    throw new DomainError('BAD_REQUEST', 'REPLAY_REJECTED', 'A sale on the phone closes a lead’s follow-up only.');
  }
  return { times, siteId, customer: customer ?? null, item, replay, callbackAt };
}

/** The interaction row of an accepted contact. */
async function insertCompleted(
  trx: Executor,
  { user, input, at, hash }: Completion,
  contact: Accepted,
): Promise<number> {
  const { times, siteId, customer, item, replay } = contact;
  const has = (type: string) => input.events.some((e) => e.type === type);
  const ocs = input.flow === 'ocs_cross_sell';
  const interactionId = await insertInteraction(trx, {
    client_id: input.clientId,
    request_hash: hash,
    operator_id: user.id,
    site_id: siteId,
    customer_id: customer?.id ?? null,
    flow: input.flow,
    script_id: input.scriptId,
    script_version: input.scriptVersion,
    work_kind: input.work?.kind ?? 'manual',
    source_id: input.work?.sourceId ?? null,
    campaign_id: item.campaignId,
    product_code: replay.productCode,
    path: JSON.stringify(replay.path),
    events: JSON.stringify(input.events.map((e, i) => ({ ...e, at: times.eventsAt[i] ?? e.at }))),
    outcome: replay.outcome,
    outcome_details: JSON.stringify(replay.details),
    reached: replay.outcome === 'not_reached' ? 0 : 1,
    proposal_made: replay.path.includes('proposal') ? 1 : 0,
    ocs_solved: ocs ? (has('ocs.solved') ? 1 : has('ocs.unsolved') ? 0 : null) : null,
    propensity: ocs ? (has('propensity.accepted') ? 1 : has('propensity.declined') ? 0 : null) : null,
    notes: input.notes ?? null,
    started_at: times.startedAt,
    ended_at: times.endedAt,
    handle_ms: times.handleMs,
    acw_ms: input.acwMs,
    created_at: at,
    late: times.late ? 1 : 0,
  });
  // the conversion rollups count it in their next batch (domains/stats/stats.catchup.ts)
  return interactionId;
}

/**
 * The value effects of an accepted contact: the consents heard on the call, then the value outcome's effect (an
 * appointment, a funnel link, a lead — a promise of its own — or the opt-out).
 */
async function valueEffects(
  trx: Executor,
  { deps, user, input, ip, now, at }: Completion,
  { times, siteId, customer, replay, callbackAt }: Accepted,
  interactionId: number,
): Promise<CompleteInteractionOutput['effects']> {
  const ctx: EffectContext = { now, userId: user.id, siteId, publicUrl: deps.config.publicUrl ?? '', ip };
  const effects: CompleteInteractionOutput['effects'] = {
    appointment: null,
    funnelLink: null,
    lead: null,
    consentRecorded: false,
    optedOut: false,
    callbackAt,
    callbackId: null,
  };
  const needCustomer = () => {
    if (!customer) throw new DomainError('BAD_REQUEST', 'VALIDATION', 'A value outcome needs an identified customer.');
    return customer;
  };
  // the effects act on the customer row read above, in this same transaction
  const contact = customer ? contactOf(customer) : undefined;
  const productCode = replay.productCode ?? '';

  for (const [i, event] of input.events.entries()) {
    if (event.type === 'consent.granted' || event.type === 'consent.refused') {
      await recordConsent(trx, {
        customerId: needCustomer().id,
        granted: event.type === 'consent.granted',
        channel: event.type === 'consent.granted' ? event.channel : 'any',
        at,
        reportedAt: times.eventsAt[i] ?? null,
        interactionClientId: input.clientId,
        userId: user.id,
      });
      effects.consentRecorded = true;
    }
  }
  // 1. the value outcome's effect
  switch (replay.outcome) {
    case 'up_appointment':
      effects.appointment = await bookAppointment(trx, ctx, {
        slotId: Number(replay.details.slotId),
        postOfficeId: Number(replay.details.postOfficeId),
        customerId: needCustomer().id,
        customer: contact,
        productCode,
        interactionId,
      });
      break;
    case 'digital_funnel':
      effects.funnelLink = await createFunnelLink(trx, ctx, {
        customerId: needCustomer().id,
        customer: contact,
        productCode,
        channel: replay.details.channel === 'email' ? 'email' : 'sms',
        interactionId,
      });
      break;
    case 'lead':
      // 2. a lead is a promise: its own follow-up item, owned by this operator
      effects.lead = await createLead(trx, ctx, {
        customerId: needCustomer().id,
        customer: contact,
        productCode,
        followUpAt: String(replay.details.followUpAt),
        notes: typeof replay.details.notes === 'string' ? replay.details.notes : null,
        interactionId,
        config: deps.config,
      });
      break;
    case 'opt_out': {
      const c = needCustomer();
      // the opt-out takes effect when the server receives it, whatever time the console reports: it always wins
      // over a consent received before it (the current consent is the latest received)
      const optOutIndex = input.events.findIndex((e) => e.type === 'customer.opted_out');
      await recordConsent(trx, {
        customerId: c.id,
        granted: false,
        channel: 'any',
        at,
        reportedAt: optOutIndex >= 0 ? (times.eventsAt[optOutIndex] ?? null) : null,
        interactionClientId: input.clientId,
        userId: user.id,
      });
      // takes effect at once everywhere: out of every campaign, its agreed campaign callbacks cancelled
      await withdrawCampaignWork(trx, c.id, now);
      effects.optedOut = true;
      effects.consentRecorded = true;
      break;
    }
    default:
      break;
  }
  return effects;
}

/**
 * 3. the item the contact came from, and the callback it agreed (promises), 4. realisations (a lead won on its
 * follow-up) — both in work/lifecycle.ts. Returns the agreed callback's id, if any.
 */
function settleItem(
  trx: Executor,
  { deps, user, ip, now }: Completion,
  { siteId, customer, item, replay, callbackAt }: Accepted,
  interactionId: number,
  newLeadId: number | null,
): Promise<string | null> {
  return settleWorkItem(
    trx,
    {
      userId: user.id,
      siteId,
      item,
      interactionId,
      outcome: replay.outcome,
      productCode: replay.productCode,
      details: replay.details,
      customer: customer ? { id: customer.id, phone: customer.phone } : null,
      newLeadId,
      now,
      config: deps.config,
      ip,
    },
    callbackAt,
  );
}

/** A consent change heard on a call: stamped with the server's time (the record), the console's time kept beside it. */
async function recordConsent(
  trx: Executor,
  c: {
    customerId: number;
    granted: boolean;
    channel: 'any' | 'phone' | 'sms' | 'email';
    at: string;
    reportedAt: string | null;
    interactionClientId: string;
    userId: number;
  },
): Promise<void> {
  await trx
    .insertInto('consents')
    .values({
      customer_id: c.customerId,
      purpose: 'marketing',
      channel: c.channel,
      granted: c.granted ? 1 : 0,
      source: 'interaction',
      source_ref: c.interactionClientId,
      recorded_at: c.at,
      recorded_by: c.userId,
      reported_at: c.reportedAt,
    })
    .execute();
  await insertAudit(trx, {
    at: c.at,
    actorId: c.userId,
    action: c.granted ? 'consent.granted' : 'consent.withdrawn',
    entityType: 'customer',
    entityId: c.customerId,
    details: { purpose: 'marketing', channel: c.channel, interaction: c.interactionClientId, reportedAt: c.reportedAt },
  });
}

export async function recentInteractionsOfOperator(
  deps: AppDeps,
  userId: number,
  limit: number,
): Promise<InteractionSummary[]> {
  const rows = await deps.db
    .selectFrom('interactions')
    .innerJoin('users', 'users.id', 'interactions.operator_id')
    .leftJoin('customers', 'customers.id', 'interactions.customer_id')
    .select([
      'interactions.id',
      'interactions.client_id',
      'interactions.flow',
      'interactions.outcome',
      'interactions.product_code',
      'interactions.customer_id',
      'customers.first_name',
      'customers.last_name',
      'users.display_name',
      'interactions.started_at',
      'interactions.handle_ms',
    ])
    .where('interactions.operator_id', '=', userId)
    .orderBy('interactions.started_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    clientId: r.client_id,
    flow: r.flow,
    outcome: r.outcome,
    productCode: r.product_code,
    customerId: r.customer_id,
    customerName: r.first_name ? `${r.first_name} ${r.last_name ?? ''}`.trim() : null,
    operatorName: r.display_name,
    startedAt: r.started_at,
    handleMs: r.handle_ms,
  }));
}
