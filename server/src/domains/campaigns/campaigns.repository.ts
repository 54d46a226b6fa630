import type { Selectable } from 'kysely';
import type { Executor } from '../../db/database';
import type { CampaignContactStatus, CampaignsTable } from './campaigns.table';

export type CampaignRow = Selectable<CampaignsTable>;
export type ContactCounts = Record<CampaignContactStatus, number> & { total: number };

export async function findCampaign(db: Executor, id: number): Promise<CampaignRow | undefined> {
  return db.selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function campaignSiteIds(db: Executor, campaignIds: number[]): Promise<Map<number, number[]>> {
  const map = new Map<number, number[]>();
  if (campaignIds.length === 0) return map;
  const rows = await db
    .selectFrom('campaign_sites')
    .select(['campaign_id', 'site_id'])
    .where('campaign_id', 'in', campaignIds)
    .orderBy('site_id')
    .execute();
  for (const r of rows) map.set(r.campaign_id, [...(map.get(r.campaign_id) ?? []), r.site_id]);
  return map;
}

/** Campaigns, newest first; with a site, only those that site works. */
export async function listCampaignRows(
  db: Executor,
  filter: { siteId: number | null; status: CampaignRow['status'] | undefined; limit: number },
): Promise<CampaignRow[]> {
  let q = db.selectFrom('campaigns').selectAll('campaigns');
  if (filter.siteId !== null) {
    const siteId = filter.siteId;
    q = q.where('campaigns.id', 'in', (eb) =>
      eb.selectFrom('campaign_sites').select('campaign_id').where('site_id', '=', siteId),
    );
  }
  if (filter.status) q = q.where('campaigns.status', '=', filter.status);
  return q.orderBy('campaigns.id', 'desc').limit(filter.limit).execute();
}

export async function contactCounts(db: Executor, campaignIds: number[]): Promise<Map<number, ContactCounts>> {
  const map = new Map<number, ContactCounts>();
  for (const id of campaignIds) map.set(id, { total: 0, pending: 0, claimed: 0, done: 0, exhausted: 0, removed: 0 });
  if (campaignIds.length === 0) return map;
  const rows = await db
    .selectFrom('campaign_contacts')
    .select(['campaign_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('campaign_id', 'in', campaignIds)
    .groupBy(['campaign_id', 'status'])
    .execute();
  for (const r of rows) {
    const counts = map.get(r.campaign_id);
    if (!counts) continue;
    counts[r.status] = Number(r.n);
    counts.total += Number(r.n);
  }
  return map;
}

export async function replaceCampaignSites(db: Executor, campaignId: number, siteIds: number[]): Promise<void> {
  await db.deleteFrom('campaign_sites').where('campaign_id', '=', campaignId).execute();
  await db
    .insertInto('campaign_sites')
    .values(siteIds.map((site_id) => ({ campaign_id: campaignId, site_id })))
    .execute();
}

export async function existingSiteIds(db: Executor, siteIds: number[]): Promise<number[]> {
  const rows = await db.selectFrom('sites').select('id').where('id', 'in', siteIds).execute();
  return rows.map((r) => r.id);
}

/** The time of the latest opt-out registry import: the registry data a freshly imported list is checked against. */
export async function latestRegistryImportAt(db: Executor): Promise<string | null> {
  const row = await db
    .selectFrom('registry_imports')
    .select('imported_at')
    .orderBy('imported_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.imported_at ?? null;
}
