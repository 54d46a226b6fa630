import type { SessionUser } from '@valore/shared/schemas/auth';
import type { LeadSummary } from '@valore/shared/schemas/leads';
import type { Executor } from '../../db/database';
import type { AppDeps } from '../../deps';
import { DomainError } from '../../trpc/errors';
import { insertAudit } from '../audit/audit.repository';
import { idempotent, requestHash } from '../audit/idempotency';
import type { EffectContext } from '../outbox/effect-context';
import { recordRealisation } from '../stats/stats.hooks';
import { customerContactFor, requireProductFor, type CustomerContact } from '../outbox/effect-lookups';
import {
  closeOpenLead,
  findLead,
  insertLead,
  listLeads as listLeadRows,
  type LeadWithCustomer,
} from './leads.repository';
import type { LeadStatus } from './leads.table';

/** A follow-up further out than this is almost certainly a typo in the date. */
const MAX_FOLLOW_UP_DAYS = 366;
const NOTES_MAX = 1000;

/** Records purchase interest to be closed later by phone; it becomes a follow-up work item of the site. */
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
  },
): Promise<{ id: number; followUpAt: string }> {
  const due = Date.parse(args.followUpAt);
  if (Number.isNaN(due)) {
    throw new DomainError('BAD_REQUEST', 'VALIDATION', 'Give the follow-up time as an ISO-8601 date-time.');
  }
  if (due <= ctx.now.getTime()) {
    throw new DomainError('BAD_REQUEST', 'VALIDATION', 'The follow-up time must be in the future.');
  }
  if (due > ctx.now.getTime() + MAX_FOLLOW_UP_DAYS * 86_400_000) {
    throw new DomainError('BAD_REQUEST', 'VALIDATION', 'The follow-up time must be within a year.');
  }
  const customer = await customerContactFor(trx, args.customerId, args.customer);
  const product = await requireProductFor(trx, args.productCode, 'lead');
  const followUpAt = new Date(due).toISOString();
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
  const rows = await listLeadRows(deps.db, { status: input.status, siteId: siteScope(user), limit: input.limit });
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
  // fixed key order, so a direct service call and a zod-parsed input hash alike
  const hash = requestHash([input.leadId, input.status, input.note ?? null, input.requestId]);
  const at = deps.clock.now().toISOString();
  return deps.db.transaction().execute(async (trx) => {
    const { response } = await idempotent(
      trx,
      CLOSE_SCOPE,
      input.requestId,
      hash,
      at,
      async (): Promise<LeadSummary> => {
        const lead = await findLead(trx, input.leadId);
        if (!lead) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Lead ${input.leadId} does not exist.`);
        const scope = siteScope(user);
        if (scope !== null && lead.site_id !== scope) {
          throw new DomainError('FORBIDDEN', 'FORBIDDEN_SCOPE', 'This lead belongs to another site.');
        }
        if (lead.status !== 'open') {
          // no dedicated domain code yet: VALIDATION with a message that says what happened
          throw new DomainError('CONFLICT', 'VALIDATION', `This lead is already closed (${lead.status}).`);
        }
        const note = input.note?.trim() || null;
        const notes = note ? (lead.notes ? `${lead.notes}\n${note}` : note).slice(0, NOTES_MAX * 2) : lead.notes;
        if (!(await closeOpenLead(trx, { id: lead.id, status: input.status, notes, at }))) {
          throw new DomainError('CONFLICT', 'VALIDATION', 'This lead has just been closed by someone else.');
        }
        if (input.status === 'won') await recordRealisation(trx, lead.interaction_id, 'lead');
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
  });
}
