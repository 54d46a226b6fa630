import type { CompleteInteractionInput } from '@valore/shared/schemas/interactions';
import type { Executor } from '../../db/database';
import { DomainError } from '../../trpc/errors';

export interface WorkItemContext {
  presetProductCode: string | null;
  campaignId: number | null;
}

const notYours = () =>
  new DomainError('FORBIDDEN', 'FORBIDDEN_SCOPE', 'This work item is not assigned to you (its lease expired or another operator has it).');

/**
 * What a queued work item brings to the script (its product) — and a check that the operator holds it.
 * Manual and inbound contacts carry no item.
 */
export async function workItemContext(db: Executor, userId: number, work: CompleteInteractionInput['work']): Promise<WorkItemContext> {
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
