import type { SessionUser } from '@valore/shared/schemas/auth';
import {
  DATA_SUBJECT_EXPORT_FORMAT,
  type DataSubjectEraseInput,
  type DataSubjectErasure,
  type DataSubjectExport,
  type ErasureCounts,
} from '@valore/shared/schemas/admin';
import { EVENT_INPUTS } from '@valore/shared/flows/steps';
import { CONSENT_PURPOSES } from '@valore/shared/schemas/customers';
import type { Executor } from '../../db/database';
import type { AppDeps } from '../../deps';
import { DomainError } from '../../errors';
import { cancelAppointment } from '../appointments/appointment-changes';
import { insertAudit } from '../audit/audit.repository';
import { idempotentTransaction, userCaller } from '../audit/idempotency';
import { closeLeadAs } from '../leads/leads.service';
import { reapExpiredLeases } from '../work/work.repository';
import { cancelCallback, withdrawCampaignWork } from '../work/promises';
import {
  auditIdsOf,
  callbackRequestIdsOf,
  contactPoints,
  ctiCallIdsOf,
  inChunks,
  interactionIdsOf,
  outboxIdsOf,
  type ContactPoints,
} from './data-subject.repository';

/**
 * A data subject's rights, carried out by an admin (README, "Data subjects"):
 *
 * - **access** (GDPR art. 15): everything held on one customer as JSON, row by row as stored — audited
 *   ('customer.exported');
 * - **erasure** (art. 17): the personal data are replaced by placeholders or blanked, in one transaction, while what
 *   the statistics rest on stays: the conversion rollups are not touched, and the rows they are recounted from keep
 *   flow, outcome, times, operator, site, product and the customer's province (a coarse area, not a person). Open work
 *   for the customer is closed through the owners of those rules (promises, appointment changes, leads), an opt-out is
 *   recorded so no campaign calls them again, and the erasure is kept for good in `data_subject_erasures` (the proof,
 *   art. 5(2), and the answer to a repeated request id however late it comes) — audited ('customer.erased').
 *
 * Kept on purpose: consents (the proof of what the customer agreed to, art. 7(1)), the audit log and access grants
 * (access logs the DPA asks to keep), quality scorecards (about the operator's work), and the opt-out registry (the
 * national list is not ours to edit).
 */

/** What an erased customer's fields become. The tax code stays unique (the column is) and matches no real one. */
export const ERASED = {
  firstName: 'Cliente',
  lastName: 'anonimizzato',
  taxCode: (customerId: number) => `ANON${customerId}`,
  phone: '',
  birthDate: '1900-01-01',
  city: '',
} as const;

/** Free text an operator typed during a contact (an objection, a lead's notes, a sale's reference): from the scripts. */
const FREE_TEXT_FIELDS: ReadonlySet<string> = new Set(EVENT_INPUTS.filter((i) => i.kind === 'text').map((i) => i.name));

type Row = Record<string, unknown>;

function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

function withJson(row: Row, columns: readonly string[]): Row {
  const out: Row = { ...row };
  for (const c of columns) if (c in out) out[c] = parseJson(out[c]);
  return out;
}

async function requireCustomer(db: Executor, customerId: number) {
  const customer = await db.selectFrom('customers').selectAll().where('id', '=', customerId).executeTakeFirst();
  if (!customer) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Customer ${customerId} does not exist.`);
  return customer;
}

/** Everything held on the customer, in one read transaction with its audit row. */
export async function exportDataSubject(
  deps: AppDeps,
  user: SessionUser,
  customerId: number,
  ip: string | null,
): Promise<DataSubjectExport> {
  const exportedAt = deps.clock.now().toISOString();
  return deps.db.transaction().execute(async (trx) => {
    const customer = await requireCustomer(trx, customerId);
    const who = contactPoints(customer);
    const interactionIds = await interactionIdsOf(trx, customerId);
    const callbackIds = await callbackRequestIdsOf(trx, who);
    const ctiIds = await ctiCallIdsOf(trx, who);

    const own = await readOwnRecords(trx, customerId, who);
    const contacts = await readContactRows(trx, customerId, interactionIds, callbackIds);
    const related = await readRelatedRows(trx, { customerId, who, interactionIds, callbackIds, ctiIds }, contacts);

    const result: DataSubjectExport = {
      format: DATA_SUBJECT_EXPORT_FORMAT,
      exportedAt,
      customerId,
      customer: { ...customer },
      holdings: own.holdings,
      consents: own.consents,
      optOutRegistry: own.registry,
      interactions: contacts.interactions.map((i) => withJson(i, ['path', 'events', 'outcome_details'])),
      appointments: contacts.appointments,
      funnelLinks: contacts.links.map((l) => ({ ...l, clicks: contacts.clicks.filter((c) => c.link_id === l.id) })),
      leads: contacts.leads,
      callbackRequests: contacts.callbacks,
      campaignContacts: contacts.campaignContacts,
      outboxMessages: related.outbox,
      ctiCalls: related.cti,
      scorecards: related.scorecards.map((s) => withJson(s, ['scores'])),
      accessGrants: related.grants,
      auditRows: related.audit.map((a) => withJson(a, ['details'])),
      erasures: related.erasures.map((e) => withJson(e, ['response'])),
    };
    await insertAudit(trx, {
      at: exportedAt,
      actorId: user.id,
      action: 'customer.exported',
      entityType: 'customer',
      entityId: customerId,
      details: { rows: exportedRowCounts(contacts, related) },
      ip,
    });
    return result;
  });
}

/** The customer's own records: products held, consents given and withdrawn, and their number's opt-out registry entry. */
async function readOwnRecords(trx: Executor, customerId: number, who: ContactPoints) {
  const holdings = await trx
    .selectFrom('customer_products')
    .selectAll()
    .where('customer_id', '=', customerId)
    .orderBy('since')
    .execute();
  const consents = await trx
    .selectFrom('consents')
    .selectAll()
    .where('customer_id', '=', customerId)
    .orderBy('recorded_at')
    .orderBy('id')
    .execute();
  const registry = who.phone
    ? ((await trx.selectFrom('optout_registry').selectAll().where('phone', '=', who.phone).executeTakeFirst()) ?? null)
    : null;
  return { holdings, consents, registry };
}

type ContactRows = Awaited<ReturnType<typeof readContactRows>>;

/**
 * The contacts with the customer and what they produced: interactions, appointments (with slot and post office),
 * funnel links and their clicks, leads, callback requests, campaign list entries.
 */
async function readContactRows(
  trx: Executor,
  customerId: number,
  interactionIds: readonly number[],
  callbackIds: readonly string[],
) {
  const interactions = await inChunks(interactionIds, (ids) =>
    trx.selectFrom('interactions').selectAll().where('id', 'in', ids).orderBy('id').execute(),
  );
  const appointments = await trx
    .selectFrom('appointments as a')
    .innerJoin('appointment_slots as s', 's.id', 'a.slot_id')
    .innerJoin('post_offices as p', 'p.id', 'a.post_office_id')
    .selectAll('a')
    .select(['s.starts_at', 's.ends_at', 'p.code as post_office_code', 'p.name as post_office_name'])
    .where('a.customer_id', '=', customerId)
    .orderBy('a.id')
    .execute();
  const links = await trx
    .selectFrom('funnel_links')
    .selectAll()
    .where('customer_id', '=', customerId)
    .orderBy('id')
    .execute();
  const clicks = await inChunks(
    links.map((l) => l.id),
    (ids) => trx.selectFrom('funnel_clicks').selectAll().where('link_id', 'in', ids).orderBy('id').execute(),
  );
  const leads = await trx.selectFrom('leads').selectAll().where('customer_id', '=', customerId).orderBy('id').execute();
  const callbacks = await inChunks(callbackIds, (ids) =>
    trx.selectFrom('callback_requests').selectAll().where('id', 'in', ids).orderBy('created_at').execute(),
  );
  const campaignContacts = await trx
    .selectFrom('campaign_contacts')
    .selectAll()
    .where('customer_id', '=', customerId)
    .orderBy('id')
    .execute();
  return { interactions, appointments, links, clicks, leads, callbacks, campaignContacts };
}

type RelatedRows = Awaited<ReturnType<typeof readRelatedRows>>;

/** The ids the export's reads start from: the customer, their contacts, and the requests and calls from their number. */
interface SubjectIds {
  customerId: number;
  who: ContactPoints;
  interactionIds: number[];
  callbackIds: string[];
  ctiIds: number[];
}

/**
 * The rows about the customer's contacts kept elsewhere: messages sent, CTI calls, quality scorecards, access grants,
 * the audit rows of all of it, and earlier erasures.
 */
async function readRelatedRows(trx: Executor, subject: SubjectIds, contacts: ContactRows) {
  const { customerId, who, interactionIds, callbackIds } = subject;
  const { appointments, links, leads } = contacts;
  const outboxIds = await outboxIdsOf(trx, who, {
    appointmentIds: appointments.map((a) => a.id),
    funnelLinkIds: links.map((l) => l.id),
    callbackRequestIds: callbackIds,
  });
  const outbox = await inChunks(outboxIds, (ids) =>
    trx.selectFrom('outbox').selectAll().where('id', 'in', ids).orderBy('id').execute(),
  );
  const cti = await inChunks(subject.ctiIds, (ids) =>
    trx.selectFrom('cti_calls').selectAll().where('id', 'in', ids).orderBy('id').execute(),
  );
  const scorecards = await inChunks(interactionIds, (ids) =>
    trx.selectFrom('scorecards').selectAll().where('interaction_id', 'in', ids).orderBy('id').execute(),
  );
  const grants = await trx
    .selectFrom('customer_access_grants')
    .selectAll()
    .where('customer_id', '=', customerId)
    .orderBy('id')
    .execute();
  const auditIds = await auditIdsOf(trx, [
    { type: 'customer', ids: [customerId] },
    { type: 'interaction', ids: interactionIds },
    { type: 'appointment', ids: appointments.map((a) => a.id) },
    { type: 'funnel_link', ids: links.map((l) => l.id) },
    { type: 'lead', ids: leads.map((l) => l.id) },
    { type: 'callback_request', ids: callbackIds },
    { type: 'scorecard', ids: scorecards.map((s) => s.id) },
  ]);
  const audit = await inChunks(auditIds, (ids) =>
    trx.selectFrom('audit_log').selectAll().where('id', 'in', ids).orderBy('id').execute(),
  );
  const erasures = await trx
    .selectFrom('data_subject_erasures')
    .select(['request_id', 'reason', 'erased_at', 'erased_by', 'response'])
    .where('customer_id', '=', customerId)
    .orderBy('erased_at')
    .execute();
  return { outbox, cti, scorecards, grants, audit, erasures };
}

/** How many rows of each kind the export held, for its audit row (the rows themselves stay out of the log). */
function exportedRowCounts(contacts: ContactRows, related: RelatedRows) {
  return {
    interactions: contacts.interactions.length,
    appointments: contacts.appointments.length,
    funnelLinks: contacts.links.length,
    leads: contacts.leads.length,
    callbackRequests: contacts.callbacks.length,
    campaignContacts: contacts.campaignContacts.length,
    outboxMessages: related.outbox.length,
    ctiCalls: related.cti.length,
    scorecards: related.scorecards.length,
    accessGrants: related.grants.length,
    auditRows: related.audit.length,
  };
}

/** The contact's free text gone, everything the script replay and the statistics read kept. */
function withoutFreeText(json: string): string {
  const value = parseJson(json);
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (typeof v !== 'object' || v === null) return v;
    return Object.fromEntries(Object.entries(v).filter(([k]) => !FREE_TEXT_FIELDS.has(k)));
  };
  return typeof value === 'string' ? json : JSON.stringify(strip(value));
}

/**
 * An operator holding one of the customer's work items is on the phone with them: the erasure waits for the call to
 * end (at most a lease; an expired lease does not count) rather than pull the item from under them.
 */
async function refuseWhileHandled(
  trx: Executor,
  who: ContactPoints,
  callbackIds: readonly string[],
  at: string,
): Promise<void> {
  await reapExpiredLeases(trx, at);
  const heldCallback = await inChunks([...callbackIds], (ids) =>
    trx.selectFrom('callback_requests').select('id').where('id', 'in', ids).where('status', '=', 'claimed').execute(),
  );
  const heldContact = await trx
    .selectFrom('campaign_contacts')
    .select('id')
    .where('customer_id', '=', who.customerId)
    .where('status', '=', 'claimed')
    .executeTakeFirst();
  const heldLead = await trx
    .selectFrom('leads')
    .select('id')
    .where('customer_id', '=', who.customerId)
    .where('status', '=', 'open')
    .where('lease_owner', 'is not', null)
    .executeTakeFirst();
  if (heldCallback.length > 0 || heldContact || heldLead) {
    throw new DomainError(
      'CONFLICT',
      'VALIDATION',
      'An operator is handling this customer right now (a work item about them is held). Try again when the call is over: a held item is released within minutes.',
    );
  }
}

const ERASE_SCOPE = 'admin.dataSubject.erase';

/** Anonymises a customer (art. 17) in one transaction; a repeated request id gets the first answer. */
export async function eraseDataSubject(
  deps: AppDeps,
  user: SessionUser,
  input: DataSubjectEraseInput,
  ip: string | null,
): Promise<DataSubjectErasure> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const { response } = await idempotentTransaction(
    deps,
    { caller: userCaller(user), scope: ERASE_SCOPE, key: input.requestId, input, at },
    async (trx, hash) => {
      // the idempotency record is purged after days; the erasure's own record is kept for good
      const earlier = await trx
        .selectFrom('data_subject_erasures')
        .select(['request_hash', 'response'])
        .where('request_id', '=', input.requestId)
        .executeTakeFirst();
      if (earlier) {
        if (earlier.request_hash !== hash) {
          throw new DomainError(
            'CONFLICT',
            'IDEMPOTENCY_MISMATCH',
            `The request id ${input.requestId} was already used for a different erasure. Generate a new id for a new request.`,
          );
        }
        return JSON.parse(earlier.response) as DataSubjectErasure;
      }
      const customer = await requireCustomer(trx, input.customerId);
      const who = contactPoints(customer);
      const callbackIds = await callbackRequestIdsOf(trx, who);
      await refuseWhileHandled(trx, who, callbackIds, at);
      const counts = await closeOpenWork(trx, user, who, callbackIds, now, ip);
      Object.assign(counts, await anonymise(trx, who, callbackIds));
      await recordOptOut(trx, who.customerId, input.requestId, user.id, at);
      const result: DataSubjectErasure = {
        customerId: who.customerId,
        requestId: input.requestId,
        erasedAt: at,
        counts,
      };
      await trx
        .insertInto('data_subject_erasures')
        .values({
          request_id: input.requestId,
          customer_id: who.customerId,
          request_hash: hash,
          reason: input.reason,
          erased_at: at,
          erased_by: user.id,
          response: JSON.stringify(result),
        })
        .execute();
      await insertAudit(trx, {
        at,
        actorId: user.id,
        action: 'customer.erased',
        entityType: 'customer',
        entityId: who.customerId,
        details: { requestId: input.requestId, reason: input.reason, counts },
        ip,
      });
      return result;
    },
  );
  return response;
}

/** Open work for the customer is closed through the one owner of each rule, each writing its own audit row. */
async function closeOpenWork(
  trx: Executor,
  user: SessionUser,
  who: ContactPoints,
  callbackIds: readonly string[],
  now: Date,
  ip: string | null,
): Promise<ErasureCounts> {
  const at = now.toISOString();
  const counts: ErasureCounts = {
    interactions: 0,
    leads: 0,
    leadsClosed: 0,
    appointmentsCancelled: 0,
    callbackRequests: 0,
    callbacksCancelled: 0,
    campaignContacts: 0,
    ctiCalls: 0,
    funnelLinks: 0,
    outboxMessages: 0,
    outboxWithdrawn: 0,
  };
  const pendingCallbacks = () =>
    inChunks([...callbackIds], (ids) =>
      trx.selectFrom('callback_requests').select('id').where('id', 'in', ids).where('status', '=', 'pending').execute(),
    );
  counts.callbacksCancelled = (await pendingCallbacks()).length;
  // out of every campaign, and the callbacks agreed on campaign calls cancelled: the rule of an opt-out
  await withdrawCampaignWork(trx, who.customerId, now);
  // the rest (asked for by the customer, agreed on other calls, no-show reschedules) one by one, each audited
  for (const c of await pendingCallbacks()) {
    await cancelCallback(trx, { id: c.id, now, reason: 'erasure', actorId: user.id, by: 'customer', ip });
  }
  const openLeads = await trx
    .selectFrom('leads')
    .select('id')
    .where('customer_id', '=', who.customerId)
    .where('status', '=', 'open')
    .execute();
  for (const lead of openLeads) {
    if (await closeLeadAs(trx, { leadId: lead.id, status: 'lost', note: null, closedBy: user.id, at }))
      counts.leadsClosed++;
  }
  // a booked appointment still ahead is cancelled (its seat freed, its reminder withdrawn); one that has started is
  // left for the post office's attendance report, which the statistics count
  const booked = await trx
    .selectFrom('appointments as a')
    .innerJoin('appointment_slots as s', 's.id', 'a.slot_id')
    .select('a.id')
    .where('a.customer_id', '=', who.customerId)
    .where('a.status', '=', 'booked')
    .where('s.starts_at', '>', at)
    .execute();
  for (const a of booked) {
    await cancelAppointment(trx, { appointmentId: a.id, now, reason: 'erasure', userId: user.id, by: 'admin', ip });
    counts.appointmentsCancelled++;
  }
  return counts;
}

/** Personal data replaced or blanked in every table that holds it; returns how many rows of each changed. */
async function anonymise(
  trx: Executor,
  who: ContactPoints,
  callbackIds: readonly string[],
): Promise<Partial<ErasureCounts>> {
  const customerId = who.customerId;
  // messages not yet sent are withdrawn (they would reach the number we are erasing); the others keep their row
  const appointmentIds = (
    await trx.selectFrom('appointments').select('id').where('customer_id', '=', customerId).execute()
  ).map((a) => a.id);
  const linkIds = (
    await trx.selectFrom('funnel_links').select('id').where('customer_id', '=', customerId).execute()
  ).map((l) => l.id);
  const ctiIds = await ctiCallIdsOf(trx, who);
  const outboxIds = await outboxIdsOf(trx, who, {
    appointmentIds,
    funnelLinkIds: linkIds,
    callbackRequestIds: callbackIds,
  });
  let outboxWithdrawn = 0;
  let outboxMessages = 0;
  await inChunks(outboxIds, async (ids) => {
    const withdrawn = await trx
      .deleteFrom('outbox')
      .where('id', 'in', ids)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    outboxWithdrawn += Number(withdrawn.numDeletedRows);
    const blanked = await trx
      .updateTable('outbox')
      .set({ recipient: '', subject: null, body: '', last_error: null })
      .where('id', 'in', ids)
      .executeTakeFirst();
    outboxMessages += Number(blanked.numUpdatedRows);
    return [];
  });

  await trx
    .updateTable('customers')
    .set({
      first_name: ERASED.firstName,
      last_name: ERASED.lastName,
      tax_code: ERASED.taxCode(customerId),
      phone: ERASED.phone,
      email: null,
      birth_date: ERASED.birthDate,
      city: ERASED.city,
    })
    .where('id', '=', customerId)
    .execute();

  const interactions = await trx
    .selectFrom('interactions')
    .select(['id', 'events', 'outcome_details'])
    .where('customer_id', '=', customerId)
    .execute();
  for (const i of interactions) {
    await trx
      .updateTable('interactions')
      .set({ notes: null, events: withoutFreeText(i.events), outcome_details: withoutFreeText(i.outcome_details) })
      .where('id', '=', i.id)
      .execute();
  }
  const leads = await trx
    .updateTable('leads')
    .set({ notes: null, sale_reference: null })
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
  let callbackRequests = 0;
  await inChunks([...callbackIds], async (ids) => {
    const r = await trx
      .updateTable('callback_requests')
      .set({ phone: ERASED.phone, note: null })
      .where('id', 'in', ids)
      .executeTakeFirst();
    callbackRequests += Number(r.numUpdatedRows);
    return [];
  });
  const contacts = await trx
    .updateTable('campaign_contacts')
    .set({ phone: ERASED.phone })
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
  let ctiCalls = 0;
  await inChunks(ctiIds, async (ids) => {
    const r = await trx
      .updateTable('cti_calls')
      .set({ ani: ERASED.phone, ani_normalised: null })
      .where('id', 'in', ids)
      .executeTakeFirst();
    ctiCalls += Number(r.numUpdatedRows);
    return [];
  });
  const links = await trx
    .updateTable('funnel_links')
    .set({ destination: '' })
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
  await inChunks(linkIds, async (ids) => {
    await trx
      .updateTable('funnel_clicks')
      .set({ user_agent: null, ip_hash: null })
      .where('link_id', 'in', ids)
      .execute();
    return [];
  });
  return {
    interactions: interactions.length,
    leads: Number(leads.numUpdatedRows),
    callbackRequests,
    campaignContacts: Number(contacts.numUpdatedRows),
    ctiCalls,
    funnelLinks: Number(links.numUpdatedRows),
    outboxMessages,
    outboxWithdrawn,
  };
}

/**
 * Every purpose withdrawn, stamped now, so the latest record for each says no (the consent rule in
 * customers/marketing-consent.ts reads the latest): no campaign list takes the customer again. The consents table
 * knows no 'erasure' source (its CHECK is frozen in the first migration); 'import' is the back office's own records,
 * and `source_ref` names the erasure.
 */
async function recordOptOut(
  trx: Executor,
  customerId: number,
  requestId: string,
  userId: number,
  at: string,
): Promise<void> {
  await trx
    .insertInto('consents')
    .values(
      CONSENT_PURPOSES.map((purpose) => ({
        customer_id: customerId,
        purpose,
        channel: 'any' as const,
        granted: 0 as const,
        source: 'import' as const,
        source_ref: `erasure:${requestId}`,
        recorded_at: at,
        recorded_by: userId,
      })),
    )
    .execute();
}
