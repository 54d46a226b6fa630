import type { SessionUser } from '@valore/shared/schemas/auth';
import type {
  LeadPipelineExportInput,
  LeadPipelineExportOutput,
  LeadPipelineFilters,
  LeadPipelineInput,
  LeadPipelineOptions,
  LeadPipelineOutput,
  LeadPipelineRow,
  ReassignLeadInput,
} from '@valore/shared/schemas/lead-pipeline';
import { romeParts } from '@valore/shared/time/rome-time';
import type { AppDeps } from '../../deps';
import { DomainError, fieldError } from '../../errors';
import { insertAudit } from '../audit/audit.repository';
import { idempotentTransaction, userCaller } from '../audit/idempotency';
import { personalUntil, reassignLeadPromise } from '../work/promises';
import {
  findPipelineLead,
  isActiveOperatorOfSite,
  leadProducts,
  operatorsOfSites,
  pipelinePage,
  pipelineTotals,
  sitesById,
  type PipelineLeadRow,
  type PipelineWhere,
} from './leads.pipeline.repository';
import { csvDocument, type CsvValue } from '../../csv-export';

/**
 * The lead pipeline: every lead in the caller's reach with its state, owner and next follow-up, for team leads to
 * steer (filter, export, hand a lead to another operator) and for operators to see their own.
 *
 * Reach: an admin sees every site (or the one asked for), a team lead their own site, an operator the leads they own,
 * whatever their site. Tutors are refused by the router: nothing gives them leads today (leads.list refuses them too).
 */

interface Reach {
  siteId: number | null;
  ownerId: number | null;
  /** the sites whose operators and names the page may show; null = every site */
  siteIds: number[] | null;
}

function reachOf(user: SessionUser, asked: { siteId?: number | undefined; ownerId?: number | undefined }): Reach {
  if (user.role === 'admin') {
    const siteId = asked.siteId ?? null;
    return { siteId, ownerId: asked.ownerId ?? null, siteIds: siteId === null ? null : [siteId] };
  }
  if (user.siteId === null) {
    throw new DomainError('FORBIDDEN', 'FORBIDDEN_SCOPE', 'Your account is not attached to a site.');
  }
  if (asked.siteId !== undefined && asked.siteId !== user.siteId) {
    throw new DomainError('FORBIDDEN', 'FORBIDDEN_SCOPE', 'You can see the leads of your own site only.');
  }
  if (user.role === 'team_lead') {
    return { siteId: user.siteId, ownerId: asked.ownerId ?? null, siteIds: [user.siteId] };
  }
  if (user.role === 'operator') {
    if (asked.ownerId !== undefined && asked.ownerId !== user.id) {
      throw new DomainError('FORBIDDEN', 'FORBIDDEN_SCOPE', 'You can see your own leads only.');
    }
    // the lead's site is not a condition: a lead stays theirs if they move to another site
    return { siteId: null, ownerId: user.id, siteIds: [user.siteId] };
  }
  throw new DomainError('FORBIDDEN', 'FORBIDDEN_ROLE', 'Leads are for operators, team leads and admins.');
}

function whereOf(user: SessionUser, filters: Omit<LeadPipelineFilters, 'status'>): PipelineWhere {
  const reach = reachOf(user, filters);
  return {
    siteId: reach.siteId,
    ownerId: reach.ownerId,
    productCode: filters.productCode ?? null,
    createdFrom: filters.createdFrom ? new Date(Date.parse(filters.createdFrom)).toISOString() : null,
    createdTo: filters.createdTo ? new Date(Date.parse(filters.createdTo)).toISOString() : null,
    followUpFrom: filters.followUpFrom ? new Date(Date.parse(filters.followUpFrom)).toISOString() : null,
    followUpTo: filters.followUpTo ? new Date(Date.parse(filters.followUpTo)).toISOString() : null,
  };
}

const DAY_MS = 86_400_000;

function toRow(r: PipelineLeadRow, now: Date): LeadPipelineRow {
  // an open lead keeps ageing; a closed one's age is how long it took to close
  const end = r.closed_at === null ? now.getTime() : Date.parse(r.closed_at);
  return {
    id: r.id,
    customerId: r.customer_id,
    customerName: `${r.first_name} ${r.last_name}`,
    siteId: r.site_id,
    productCode: r.product_code,
    productName: { it: r.name_it, en: r.name_en },
    status: r.status,
    wonBy: r.won_by,
    saleReference: r.sale_reference,
    owner: r.owner_id === null ? null : { userId: r.owner_id, displayName: r.owner_name ?? '' },
    followUpAt: r.follow_up_at,
    createdAt: r.created_at,
    closedAt: r.closed_at,
    ageDays: Math.max(0, Math.floor((end - Date.parse(r.created_at)) / DAY_MS)),
    attempts: r.attempts,
    held: r.lease_owner !== null && r.lease_expires_at !== null && r.lease_expires_at > now.toISOString(),
  };
}

export async function leadPipeline(
  deps: AppDeps,
  user: SessionUser,
  input: LeadPipelineInput,
): Promise<LeadPipelineOutput> {
  const where = whereOf(user, input);
  const now = deps.clock.now();
  const byStatus = await pipelineTotals(deps.db, where);
  const status = input.status === 'all' ? null : input.status;
  const rows = await pipelinePage(deps.db, where, status, { limit: input.limit, offset: input.offset });
  const all = byStatus.open + byStatus.won + byStatus.lost;
  const matching = status === null ? all : byStatus[status];
  const next = input.offset + rows.length;
  return {
    rows: rows.map((r) => toRow(r, now)),
    totals: { ...byStatus, all },
    matching,
    offset: input.offset,
    nextOffset: next < matching && rows.length === input.limit ? next : null,
  };
}

/** What the pipeline's filters and the reassign select offer to this user. */
export async function leadPipelineOptions(deps: AppDeps, user: SessionUser): Promise<LeadPipelineOptions> {
  const reach = reachOf(user, {});
  const sites = await sitesById(deps.db, reach.siteIds);
  const operators =
    user.role === 'operator'
      ? [{ id: user.id, site_id: user.siteId ?? 0, display_name: user.displayName, active: 1 as const }]
      : await operatorsOfSites(deps.db, reach.siteIds);
  const products = await leadProducts(deps.db);
  return {
    lockedSiteId: user.role === 'admin' ? null : user.siteId,
    ownOnly: user.role === 'operator',
    sites,
    operators: operators.map((o) => ({
      id: o.id,
      siteId: o.site_id,
      displayName: o.display_name,
      active: o.active === 1,
    })),
    products: products.map((p) => ({ code: p.code, nameIt: p.name_it, nameEn: p.name_en })),
  };
}

// ---------------------------------------------------------------- CSV export

const EXPORT_MAX_ROWS = 50_000;
const EXPORT_PAGE = 5_000;

const HEADERS = {
  it: [
    'id',
    'stato',
    'cliente_id',
    'cliente',
    'prodotto',
    'prodotto_nome',
    'titolare_id',
    'titolare',
    'prossimo_ricontatto',
    'creato_il',
    'chiuso_il',
    'eta_giorni',
    'tentativi',
    'in_lavorazione',
    'vinto_con',
    'riferimento_vendita',
  ],
  en: [
    'id',
    'status',
    'customer_id',
    'customer',
    'product',
    'product_name',
    'owner_id',
    'owner',
    'next_follow_up',
    'created_at',
    'closed_at',
    'age_days',
    'attempts',
    'held',
    'won_by',
    'sale_reference',
  ],
} as const;

function romeStamp(at: Date): string {
  const p = romeParts(at);
  return `${p.date}_${String(p.hour).padStart(2, '0')}${String(p.minute).padStart(2, '0')}`;
}

/**
 * The pipeline's rows under the same filters, as CSV (the page adds the BOM spreadsheets need, as for the stats).
 * A mutation with an audit row: an export takes customer names out of the console.
 */
export async function exportLeadPipeline(
  deps: AppDeps,
  user: SessionUser,
  input: LeadPipelineExportInput,
  ip: string | null,
): Promise<LeadPipelineExportOutput> {
  const where = whereOf(user, input);
  const now = deps.clock.now();
  const status = input.status === 'all' ? null : input.status;
  const lang = input.language;
  const lines: CsvValue[][] = [[...HEADERS[lang]]];
  let rows = 0;
  let truncated = false;
  for (let offset = 0; ; offset += EXPORT_PAGE) {
    const page = await pipelinePage(deps.db, where, status, {
      limit: Math.min(EXPORT_PAGE, EXPORT_MAX_ROWS + 1 - offset),
      offset,
    });
    for (const raw of page) {
      if (rows >= EXPORT_MAX_ROWS) {
        truncated = true;
        break;
      }
      const r = toRow(raw, now);
      lines.push([
        r.id,
        r.status,
        r.customerId,
        r.customerName,
        r.productCode,
        r.productName[lang],
        r.owner?.userId ?? null,
        r.owner?.displayName ?? null,
        r.status === 'open' ? r.followUpAt : null,
        r.createdAt,
        r.closedAt,
        r.ageDays,
        r.attempts,
        r.held ? 1 : 0,
        r.wonBy,
        r.saleReference,
      ]);
      rows++;
    }
    if (truncated || page.length < EXPORT_PAGE) break;
  }
  await insertAudit(deps.db, {
    at: now.toISOString(),
    actorId: user.id,
    action: 'leads.export',
    entityType: 'leads',
    entityId: null,
    details: { filters: { ...input, language: undefined }, rows, truncated },
    ip,
  });
  return { filename: `valore-lead-${romeStamp(now)}.csv`, csv: csvDocument(lines, lang), rows, truncated };
}

// ---------------------------------------------------------------- reassign

const REASSIGN_SCOPE = 'leads.reassign';

/**
 * Hands an open lead to another operator of its site, exactly once per requestId: the owner change, its audit row
 * and the idempotency record commit together. The new owner gets the same personal window as the one who agreed it
 * (work/promises.ts): the follow-up is offered to them alone until the grace after its due time.
 */
export async function reassignLead(
  deps: AppDeps,
  user: SessionUser,
  input: ReassignLeadInput,
  ip: string | null,
): Promise<LeadPipelineRow> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const { response } = await idempotentTransaction(
    deps,
    {
      caller: userCaller(user),
      scope: REASSIGN_SCOPE,
      key: input.requestId,
      // fixed key order, so a direct service call and a zod-parsed input hash alike
      input: [input.leadId, input.ownerId, input.requestId],
      at,
    },
    async (trx) => {
      const lead = await findPipelineLead(trx, input.leadId);
      if (!lead) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Lead ${input.leadId} does not exist.`);
      if (user.role !== 'admin' && (user.role !== 'team_lead' || lead.site_id !== user.siteId)) {
        throw new DomainError('FORBIDDEN', 'FORBIDDEN_SCOPE', 'This lead belongs to another site.');
      }
      if (lead.status !== 'open') {
        throw new DomainError(
          'CONFLICT',
          'VALIDATION',
          `This lead is already closed (${lead.status}): it can no longer be reassigned.`,
        );
      }
      if (lead.site_id === null || !(await isActiveOperatorOfSite(trx, input.ownerId, lead.site_id))) {
        throw fieldError({ ownerId: ['Choose an active operator of the lead’s site.'] });
      }
      const until = personalUntil(lead.follow_up_at, deps.config);
      if (!(await reassignLeadPromise(trx, { leadId: lead.id, ownerId: input.ownerId, personalUntil: until, at }))) {
        throw new DomainError('CONFLICT', 'VALIDATION', 'This lead has just been closed by someone else.');
      }
      await insertAudit(trx, {
        at,
        actorId: user.id,
        action: 'lead.reassigned',
        entityType: 'lead',
        entityId: lead.id,
        details: { requestId: input.requestId, from: lead.owner_id, to: input.ownerId, personalUntil: until },
        ip,
      });
      const updated = await findPipelineLead(trx, lead.id);
      if (!updated) throw new Error(`lead ${lead.id} vanished inside its own transaction`);
      return toRow(updated, now);
    },
  );
  return response;
}
