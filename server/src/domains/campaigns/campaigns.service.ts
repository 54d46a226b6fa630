import { machineFor } from '../scripts/script-versions';
import type { SessionUser } from '@valore/shared/schemas/auth';
import {
  CAMPAIGN_TRANSITIONS,
  REGISTRY_MAX_AGE_DAYS,
  type CampaignContactsPage,
  type CampaignImportSummary,
  type CampaignStatusValue,
  type CampaignSummary,
  type CreateCampaignInput,
  type SetCampaignStatusInput,
  type UpdateCampaignInput,
} from '@valore/shared/schemas/campaigns';
import type { Executor } from '../../db/database';
import type { AppDeps } from '../../deps';
import { DomainError } from '../../errors';
import { insertAudit } from '../audit/audit.repository';
import { maskPhone } from '../customers/masking';
import type { CampaignContactStatus } from './campaigns.table';
import { idempotentTransaction, userCaller } from '../audit/idempotency';
import { parseCallingWindow, registryIsStale } from './campaign-rules';
import {
  campaignSiteIds,
  contactCounts,
  existingSiteIds,
  findCampaign,
  listCampaignRows,
  replaceCampaignSites,
  type CampaignRow,
} from './campaigns.repository';

/** The site a user manages campaigns of; null = every site (admin). Operators and tutors manage none. */
export function campaignScope(user: SessionUser): number | null {
  if (user.role === 'admin') return null;
  if (user.role === 'team_lead' && user.siteId !== null) return user.siteId;
  throw new DomainError('FORBIDDEN', 'FORBIDDEN_ROLE', 'Campaigns are managed by team leads and administrators.');
}

/** A campaign the user may manage: a team lead only the ones their site works. */
export async function requireManagedCampaign(
  db: Executor,
  user: SessionUser,
  id: number,
): Promise<{ row: CampaignRow; siteIds: number[] }> {
  const scope = campaignScope(user);
  const row = await findCampaign(db, id);
  if (!row) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Campaign ${id} does not exist.`);
  const siteIds = (await campaignSiteIds(db, [id])).get(id) ?? [];
  if (scope !== null && !siteIds.includes(scope)) {
    throw new DomainError('FORBIDDEN', 'FORBIDDEN_SCOPE', 'This campaign is not worked by your site.');
  }
  return { row, siteIds };
}

async function checkSites(db: Executor, user: SessionUser, siteIds: number[]): Promise<number[]> {
  const unique = [...new Set(siteIds)].sort((a, b) => a - b);
  const scope = campaignScope(user);
  if (scope !== null && unique.some((s) => s !== scope)) {
    throw new DomainError('FORBIDDEN', 'FORBIDDEN_SCOPE', 'A team lead can only include their own site.');
  }
  const existing = await existingSiteIds(db, unique);
  const missing = unique.filter((s) => !existing.includes(s));
  if (missing.length > 0) throw new DomainError('BAD_REQUEST', 'VALIDATION', `Unknown site(s): ${missing.join(', ')}.`);
  return unique;
}

async function checkProduct(db: Executor, code: string): Promise<void> {
  const row = await db.selectFrom('products').select('active').where('code', '=', code).executeTakeFirst();
  if (!row || row.active !== 1)
    throw new DomainError('BAD_REQUEST', 'VALIDATION', `"${code}" is not an active product of the catalogue.`);
}

async function checkScriptVersion(db: Executor, version: string): Promise<void> {
  const found = await machineFor(db, 'campaign', version);
  if (!found.ok || found.retired) {
    throw new DomainError(
      'BAD_REQUEST',
      'VALIDATION',
      found.ok
        ? `The campaign script version "${version}" is retired.`
        : `There is no campaign script version "${version}".`,
      { scriptVersion: [found.ok ? 'Retired: choose a published version' : 'No such published version'] },
    );
  }
}

function toSummary(
  row: CampaignRow,
  siteIds: number[],
  counts: CampaignSummary['contacts'],
  now: Date,
): CampaignSummary {
  return {
    id: row.id,
    name: row.name,
    businessUnit: row.business_unit,
    productCode: row.product_code,
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    callingWindow: parseCallingWindow(row.calling_window),
    maxAttempts: row.max_attempts,
    retryDelayMinutes: row.retry_delay_minutes,
    scriptVersion: row.script_version,
    status: row.status,
    siteIds,
    registryCheckedAt: row.registry_checked_at,
    registryStale: registryIsStale(row.registry_checked_at, now),
    createdAt: row.created_at,
    contacts: counts,
  };
}

const EMPTY_COUNTS = { total: 0, pending: 0, claimed: 0, done: 0, exhausted: 0, removed: 0 };

async function summaryOf(db: Executor, id: number, now: Date): Promise<CampaignSummary> {
  const row = await findCampaign(db, id);
  if (!row) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Campaign ${id} does not exist.`);
  const sites = (await campaignSiteIds(db, [id])).get(id) ?? [];
  const counts = (await contactCounts(db, [id])).get(id) ?? EMPTY_COUNTS;
  return toSummary(row, sites, counts, now);
}

export async function listCampaigns(
  deps: AppDeps,
  user: SessionUser,
  input: { status?: CampaignStatusValue | undefined; limit: number },
): Promise<CampaignSummary[]> {
  const rows = await listCampaignRows(deps.db, {
    siteId: campaignScope(user),
    status: input.status,
    limit: input.limit,
  });
  const ids = rows.map((r) => r.id);
  const [sites, counts] = [await campaignSiteIds(deps.db, ids), await contactCounts(deps.db, ids)];
  const now = deps.clock.now();
  return rows.map((r) => toSummary(r, sites.get(r.id) ?? [], counts.get(r.id) ?? EMPTY_COUNTS, now));
}

/**
 * A page of a campaign's contacts, oldest first: the customer ids a team lead copies to build the next list, with the
 * number masked, the state, attempts, when due and the last outcome. No names: the list is about who, not about them.
 */
export async function listCampaignContacts(
  deps: AppDeps,
  user: SessionUser,
  input: { id: number; status?: CampaignContactStatus; cursor?: number | null; limit: number },
): Promise<CampaignContactsPage> {
  await requireManagedCampaign(deps.db, user, input.id);
  let query = deps.db
    .selectFrom('campaign_contacts')
    .select(['id', 'customer_id', 'phone', 'status', 'attempts', 'due_at', 'last_outcome'])
    .where('campaign_id', '=', input.id)
    .where('id', '>', input.cursor ?? 0)
    .orderBy('id')
    .limit(input.limit + 1);
  if (input.status) query = query.where('status', '=', input.status);
  const rows = await query.execute();
  const page = rows.slice(0, input.limit);
  return {
    contacts: page.map((r) => ({
      contactId: r.id,
      customerId: r.customer_id,
      phone: maskPhone(r.phone),
      status: r.status,
      attempts: r.attempts,
      dueAt: r.due_at,
      lastOutcome: r.last_outcome,
    })),
    next: rows.length > input.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

export async function getCampaign(deps: AppDeps, user: SessionUser, id: number): Promise<CampaignSummary> {
  await requireManagedCampaign(deps.db, user, id);
  return summaryOf(deps.db, id, deps.clock.now());
}

export async function createCampaign(
  deps: AppDeps,
  user: SessionUser,
  input: CreateCampaignInput,
  ip: string | null,
): Promise<CampaignSummary> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const { response } = await idempotentTransaction(
    deps,
    { caller: userCaller(user), scope: 'campaigns.create', key: input.requestId, input, at },
    async (trx) => {
      const siteIds = await checkSites(trx, user, input.siteIds);
      await checkProduct(trx, input.productCode);
      await checkScriptVersion(trx, input.scriptVersion);
      const { id } = await trx
        .insertInto('campaigns')
        .values({
          name: input.name,
          business_unit: input.businessUnit,
          product_code: input.productCode,
          starts_on: input.startsOn,
          ends_on: input.endsOn,
          calling_window: JSON.stringify(input.callingWindow),
          max_attempts: input.maxAttempts,
          retry_delay_minutes: input.retryDelayMinutes,
          script_version: input.scriptVersion,
          registry_checked_at: null,
          created_by: user.id,
          created_at: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await replaceCampaignSites(trx, id, siteIds);
      const { requestId: _requestId, ...details } = input;
      await insertAudit(trx, {
        at,
        actorId: user.id,
        action: 'campaign.created',
        entityType: 'campaign',
        entityId: id,
        details,
        ip,
      });
      return summaryOf(trx, id, now);
    },
  );
  return response;
}

export async function updateCampaign(
  deps: AppDeps,
  user: SessionUser,
  input: UpdateCampaignInput,
  ip: string | null,
): Promise<CampaignSummary> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const { response } = await idempotentTransaction(
    deps,
    { caller: userCaller(user), scope: 'campaigns.update', key: input.requestId, input, at },
    async (trx) => {
      const { row } = await requireManagedCampaign(trx, user, input.id);
      if (row.status !== 'draft' && row.status !== 'paused') {
        throw new DomainError(
          'CONFLICT',
          'CAMPAIGN_STATE',
          `A campaign can be changed only while draft or paused (it is ${row.status}).`,
        );
      }
      const startsOn = input.startsOn ?? row.starts_on;
      const endsOn = input.endsOn ?? row.ends_on;
      if (endsOn < startsOn)
        throw new DomainError('BAD_REQUEST', 'VALIDATION', 'The campaign must end on or after its start date.');
      if (input.productCode) await checkProduct(trx, input.productCode);
      if (input.scriptVersion) await checkScriptVersion(trx, input.scriptVersion);
      if (input.siteIds) await replaceCampaignSites(trx, row.id, await checkSites(trx, user, input.siteIds));
      await trx
        .updateTable('campaigns')
        .set({
          name: input.name ?? row.name,
          business_unit: input.businessUnit ?? row.business_unit,
          product_code: input.productCode ?? row.product_code,
          starts_on: startsOn,
          ends_on: endsOn,
          calling_window: input.callingWindow ? JSON.stringify(input.callingWindow) : row.calling_window,
          max_attempts: input.maxAttempts ?? row.max_attempts,
          retry_delay_minutes: input.retryDelayMinutes ?? row.retry_delay_minutes,
          script_version: input.scriptVersion ?? row.script_version,
        })
        .where('id', '=', row.id)
        .execute();
      if (input.maxAttempts !== undefined && input.maxAttempts < row.max_attempts) {
        // a lower limit exhausts the contacts already at it, so the queue never holds a contact over its limit
        await trx
          .updateTable('campaign_contacts')
          .set({ status: 'exhausted', updated_at: at })
          .where('campaign_id', '=', row.id)
          .where('status', '=', 'pending')
          .where('attempts', '>=', input.maxAttempts)
          .execute();
      }
      const { requestId: _requestId, id: _id, ...changes } = input;
      await insertAudit(trx, {
        at,
        actorId: user.id,
        action: 'campaign.updated',
        entityType: 'campaign',
        entityId: row.id,
        details: changes,
        ip,
      });
      return summaryOf(trx, row.id, now);
    },
  );
  return response;
}

/** draft → active ⇄ paused → closed; a campaign starts dialling only with a registry check at most 30 days old. */
export async function setCampaignStatus(
  deps: AppDeps,
  user: SessionUser,
  input: SetCampaignStatusInput,
  ip: string | null,
): Promise<CampaignSummary> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const { response } = await idempotentTransaction(
    deps,
    { caller: userCaller(user), scope: 'campaigns.setStatus', key: input.requestId, input, at },
    async (trx) => {
      const { row } = await requireManagedCampaign(trx, user, input.id);
      if (!CAMPAIGN_TRANSITIONS[row.status].includes(input.status)) {
        throw new DomainError('CONFLICT', 'CAMPAIGN_STATE', `A ${row.status} campaign cannot become ${input.status}.`);
      }
      if (input.status === 'active' && registryIsStale(row.registry_checked_at, now)) {
        throw new DomainError(
          'PRECONDITION_FAILED',
          'REGISTRY_STALE',
          row.registry_checked_at === null
            ? 'The list has not been checked against the opt-out registry yet: import the list (or a registry update) first.'
            : `The opt-out registry check is older than ${REGISTRY_MAX_AGE_DAYS} days: import a registry update first.`,
        );
      }
      if (input.status === 'closed') {
        // closing ends every open contact; one held right now finishes its call and is closed by interactions.complete
        await trx
          .updateTable('campaign_contacts')
          .set({ status: 'removed', last_outcome: 'campaign_closed', updated_at: at })
          .where('campaign_id', '=', row.id)
          .where('status', '=', 'pending')
          .execute();
      }
      await trx.updateTable('campaigns').set({ status: input.status }).where('id', '=', row.id).execute();
      await insertAudit(trx, {
        at,
        actorId: user.id,
        action: 'campaign.status',
        entityType: 'campaign',
        entityId: row.id,
        details: { from: row.status, to: input.status },
        ip,
      });
      return summaryOf(trx, row.id, now);
    },
  );
  return response;
}

/** The latest list imports of a campaign, newest first (the UI links each to its reject report). */
export async function listCampaignImports(
  deps: AppDeps,
  user: SessionUser,
  id: number,
): Promise<CampaignImportSummary[]> {
  await requireManagedCampaign(deps.db, user, id);
  const rows = await deps.db
    .selectFrom('campaign_imports')
    .selectAll()
    .where('campaign_id', '=', id)
    .orderBy('id', 'desc')
    .limit(50)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    campaignId: r.campaign_id,
    status: r.status,
    total: r.total,
    imported: r.imported,
    duplicates: r.duplicates,
    rejected: r.rejected,
    rejectsNotStored: r.rejects_not_stored,
    failureReason: r.failure_reason,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
  }));
}
