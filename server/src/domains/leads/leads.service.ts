import type { SessionUser } from '@valore/shared/schemas/auth';
import type { LeadSummary } from '@valore/shared/schemas/leads';
import type { Executor } from '../../db/database';
import type { AppConfig, AppDeps } from '../../deps';
import { DomainError } from '../../errors';
import { insertAudit } from '../audit/audit.repository';
import { idempotentTransaction, userCaller } from '../audit/idempotency';
import type { EffectContext } from '../outbox/effect-context';
import { recordRealisation } from '../stats/stats.hooks';
import { serviceCalendarFor } from '../org/service-calendars';
import { customerContactFor, requireProductFor, type CustomerContact } from '../outbox/effect-lookups';
import { checkPromiseTime, MAX_FOLLOW_UP_DAYS, personalUntil } from '../work/promises';
import {
  closeOpenLead,
  findLead,
  insertLead,
  listLeads as listLeadRows,
  type LeadWithCustomer,
} from './leads.repository';
import type { LeadStatus, LeadWonBy } from './leads.table';

const NOTES_MAX = 1000;

/**
 * Records purchase interest to be closed later by phone. The lead is a promise (work/promises.ts): it is its own
 * follow-up work item, owned by the operator who created it and offered to them alone until a grace period after
 * the follow-up time, then to their site's pool. The follow-up time follows the one rule for agreed times.
 */
export async function createLead(
  trx: Executor,
  ctx: EffectContext,
  args: {
    customerId: number;
    /** The customer as the caller already read it in this transaction (see customerContactFor). */
    customer?: CustomerContact;
    productCode: string;
    followUpAt: string;
    notes: string | null;
    interactionId: number | null;
    config: AppConfig;
  },
): Promise<{ id: number; followUpAt: string }> {
  const followUpAt = checkPromiseTime(args.followUpAt, {
    field: 'followUpAt',
    now: ctx.now,
    maxDays: MAX_FOLLOW_UP_DAYS,
    calendar: await serviceCalendarFor(trx, ctx.siteId),
  });
  const customer = await customerContactFor(trx, args.customerId, args.customer);
  const product = await requireProductFor(trx, args.productCode, 'lead');
  const at = ctx.now.toISOString();
  const notes = args.notes?.trim().slice(0, NOTES_MAX) || null;
  const id = await insertLead(trx, {
    interactionId: args.interactionId,
    customerId: customer.id,
    productCode: product.code,
    siteId: ctx.siteId,
    notes,
    followUpAt,
    createdBy: ctx.userId,
    ownerId: ctx.userId,
    personalUntil: personalUntil(followUpAt, args.config),
    at,
  });
  await insertAudit(trx, {
    at,
    actorId: ctx.userId,
    action: 'lead.created',
    entityType: 'lead',
    entityId: id,
    details: { customerId: customer.id, productCode: product.code, followUpAt, interactionId: args.interactionId },
    ip: ctx.ip,
  });
  return { id, followUpAt };
}

export interface LeadClosing {
  leadId: number;
  status: 'won' | 'lost';
  /** how a won lead was won: by a value outcome on its follow-up, a sale on the phone, or closed by hand */
  wonBy?: LeadWonBy | null;
  saleReference?: string | null;
  note: string | null;
  closedBy: number | null;
  at: string;
  /** close only while this operator holds it as a work item */
  heldBy?: number;
}

/**
 * The one way a lead closes, on every path (its follow-up contact, leads.close): a won lead realises the value of the
 * contact that created it in the conversion rollups, in the same transaction, exactly once (the update is conditional
 * on the lead still being open). Returns false when it was no longer open.
 */
export async function closeLeadAs(trx: Executor, c: LeadClosing): Promise<boolean> {
  const lead = await findLead(trx, c.leadId);
  if (!lead || lead.status !== 'open') return false;
  const notes = c.note ? (lead.notes ? `${lead.notes}\n${c.note}` : c.note).slice(0, NOTES_MAX * 2) : lead.notes;
  const closed = await closeOpenLead(trx, {
    id: lead.id,
    status: c.status,
    wonBy: c.status === 'won' ? (c.wonBy ?? 'manual') : null,
    saleReference: c.saleReference ?? null,
    closedBy: c.closedBy,
    notes,
    at: c.at,
    heldBy: c.heldBy,
  });
  if (closed && c.status === 'won') await recordRealisation(trx, lead.interaction_id, 'lead');
  return closed;
}

function toSummary(row: LeadWithCustomer): LeadSummary {
  return {
    id: row.id,
    customerId: row.customer_id,
    customerName: `${row.first_name} ${row.last_name}`,
    productCode: row.product_code,
    status: row.status,
    followUpAt: row.follow_up_at,
    notes: row.notes,
    createdAt: row.created_at,
  };
}

/** Site the user may see leads of; null = all (admin). */
function siteScope(user: SessionUser): number | null {
  if (user.role === 'admin') return null;
  if (user.siteId === null)
    throw new DomainError('FORBIDDEN', 'FORBIDDEN_SCOPE', 'Your account is not attached to a site.');
  return user.siteId;
}

export async function listLeads(
  deps: AppDeps,
  user: SessionUser,
  input: { status: LeadStatus; limit: number },
): Promise<LeadSummary[]> {
  if (user.role === 'operator' && input.status !== 'open') {
    throw new DomainError(
      'FORBIDDEN',
      'FORBIDDEN_SCOPE',
      'Operators see open leads only; closed ones are in the statistics.',
    );
  }
  // customer names and notes: an operator lists the leads they own (customers/access-policy.ts), a team lead the site's
  const ownerId = user.role === 'operator' ? user.id : null;
  const rows = await listLeadRows(deps.db, {
    status: input.status,
    siteId: siteScope(user),
    ownerId,
    limit: input.limit,
  });
  return rows.map(toSummary);
}

const CLOSE_SCOPE = 'leads.close';

export interface CloseLeadRequest {
  leadId: number;
  status: 'won' | 'lost';
  note?: string | undefined;
  requestId: string;
}

/**
 * Closes a lead as won or lost, exactly once per requestId: the update, its audit row and the idempotency record
 * commit together, so a retried request (lost response, double click) gets the first answer back.
 */
export async function closeLead(
  deps: AppDeps,
  user: SessionUser,
  input: CloseLeadRequest,
  ip: string | null,
): Promise<LeadSummary> {
  const at = deps.clock.now().toISOString();
  const { response } = await idempotentTransaction(
    deps,
    {
      caller: userCaller(user),
      scope: CLOSE_SCOPE,
      key: input.requestId,
      // fixed key order, so a direct service call and a zod-parsed input hash alike
      input: [input.leadId, input.status, input.note ?? null, input.requestId],
      at,
    },
    async (trx): Promise<LeadSummary> => {
      const lead = await findLead(trx, input.leadId);
      if (!lead) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Lead ${input.leadId} does not exist.`);
      const scope = siteScope(user);
      if (scope !== null && lead.site_id !== scope) {
        throw new DomainError('FORBIDDEN', 'FORBIDDEN_SCOPE', 'This lead belongs to another site.');
      }
      // an operator closes only the lead they hold (its follow-up, under a live lease); a team lead any of their site's
      const holds = lead.lease_owner === user.id && lead.lease_expires_at !== null && lead.lease_expires_at >= at;
      if (user.role === 'operator' && !holds) {
        throw new DomainError(
          'FORBIDDEN',
          'FORBIDDEN_SCOPE',
          'You can close a lead only while you hold its follow-up; ask your team lead to close it otherwise.',
        );
      }
      if (lead.status !== 'open') {
        // no dedicated domain code yet: VALIDATION with a message that says what happened
        throw new DomainError('CONFLICT', 'VALIDATION', `This lead is already closed (${lead.status}).`);
      }
      const note = input.note?.trim() || null;
      const notes = note ? (lead.notes ? `${lead.notes}\n${note}` : note).slice(0, NOTES_MAX * 2) : lead.notes;
      if (
        !(await closeLeadAs(trx, {
          leadId: lead.id,
          status: input.status,
          wonBy: 'manual',
          note,
          closedBy: user.id,
          at,
        }))
      ) {
        throw new DomainError('CONFLICT', 'VALIDATION', 'This lead has just been closed by someone else.');
      }
      await insertAudit(trx, {
        at,
        actorId: user.id,
        action: `lead.${input.status}`,
        entityType: 'lead',
        entityId: lead.id,
        details: { requestId: input.requestId, note },
        ip,
      });
      return toSummary({ ...lead, status: input.status, notes, closed_at: at, updated_at: at });
    },
  );
  return response;
}
