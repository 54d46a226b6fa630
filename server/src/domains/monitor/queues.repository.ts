import { sql } from 'kysely';
import type { Executor } from '../../db/database';
import { isoPlusMinutes } from '../../db/postgres-dialect';

/**
 * The queues' figures for the monitor's tiles (queues.service.ts), read from the queue tables themselves. A claim
 * whose lease has run out counts as waiting again (the queue hands it out anew), as on the SLA board.
 */

export interface CallbackQueueRow {
  mode: 'now' | 'scheduled';
  waiting: number;
  held: number;
  late: number;
  oldest_waiting: string | null;
  nearest_due_by: string | null;
}

/** Open callback requests a site's operators take (every site's web and app requests, the site's own), per mode. */
export async function callbackQueues(db: Executor, siteId: number, at: string): Promise<CallbackQueueRow[]> {
  const r = await sql<CallbackQueueRow>`SELECT mode,
      sum(CASE WHEN ${free(at)} AND due_at <= ${at} THEN 1 ELSE 0 END) AS waiting,
      sum(CASE WHEN ${free(at)} THEN 0 ELSE 1 END) AS held,
      sum(CASE WHEN due_by < ${at} THEN 1 ELSE 0 END) AS late,
      min(CASE WHEN ${free(at)} AND due_at <= ${at} THEN due_at END) AS oldest_waiting,
      min(CASE WHEN ${free(at)} THEN due_by END) AS nearest_due_by
    FROM callback_requests INDEXED BY callback_requests_open
    WHERE status IN ('pending', 'claimed') AND (site_id IS NULL OR site_id = ${siteId})
    GROUP BY mode`.execute(db);
  return r.rows.map((row) => ({
    ...row,
    waiting: Number(row.waiting ?? 0),
    held: Number(row.held ?? 0),
    late: Number(row.late ?? 0),
  }));
}

const free = (at: string) => sql`(status = 'pending' OR lease_expires_at IS NULL OR lease_expires_at <= ${at})`;

export interface ServiceLevelRow {
  mode: 'now' | 'scheduled';
  total: number;
  within: number;
}

/**
 * Service level of the day so far, per mode: the requests answered in [from, at], and those not answered whose due-by
 * fell in [from, at) (still open, or closed unanswered: failed); within = answered by their due-by. A request
 * withdrawn (cancelled) without an answer does not count.
 */
export async function callbackServiceLevel(
  db: Executor,
  siteId: number,
  from: string,
  at: string,
): Promise<ServiceLevelRow[]> {
  const site = sql`(site_id IS NULL OR site_id = ${siteId})`;
  const r = await sql<ServiceLevelRow>`SELECT mode, count(*) AS total, sum(within) AS within FROM (
      SELECT mode, CASE WHEN answered_at <= due_by THEN 1 ELSE 0 END AS within
        FROM callback_requests INDEXED BY callback_requests_answered
        WHERE answered_at >= ${from} AND answered_at <= ${at} AND ${site}
      UNION ALL
      SELECT mode, 0 FROM callback_requests INDEXED BY callback_requests_open
        WHERE status IN ('pending', 'claimed') AND due_by >= ${from} AND due_by < ${at} AND ${site}
      UNION ALL
      SELECT mode, 0 FROM callback_requests
        WHERE status = 'failed' AND answered_at IS NULL AND due_by >= ${from} AND due_by < ${at} AND ${site}) AS h
    GROUP BY mode`.execute(db);
  return r.rows.map((row) => ({ mode: row.mode, total: Number(row.total), within: Number(row.within ?? 0) }));
}

export interface LeadQueueRow {
  waiting: number;
  held: number;
  late: number;
  oldest_waiting: string | null;
  nearest_due_by: string | null;
}

/** The site's open lead follow-ups; one is late `toleranceMinutes` after its time, as a scheduled callback. */
export async function leadQueue(
  db: Executor,
  siteId: number,
  at: string,
  toleranceMinutes: number,
): Promise<LeadQueueRow> {
  const dueBy = isoPlusMinutes(db, sql`follow_up_at`, toleranceMinutes);
  const leaseFree = sql`(lease_owner IS NULL OR lease_expires_at IS NULL OR lease_expires_at <= ${at})`;
  const r = await sql<LeadQueueRow>`SELECT
      coalesce(sum(CASE WHEN ${leaseFree} AND follow_up_at <= ${at} THEN 1 ELSE 0 END), 0) AS waiting,
      coalesce(sum(CASE WHEN ${leaseFree} THEN 0 ELSE 1 END), 0) AS held,
      coalesce(sum(CASE WHEN ${dueBy} < ${at} THEN 1 ELSE 0 END), 0) AS late,
      min(CASE WHEN ${leaseFree} AND follow_up_at <= ${at} THEN follow_up_at END) AS oldest_waiting,
      min(CASE WHEN ${leaseFree} THEN ${dueBy} END) AS nearest_due_by
    FROM leads WHERE status = 'open' AND site_id = ${siteId} AND follow_up_at IS NOT NULL`.execute(db);
  const row = r.rows[0];
  return {
    waiting: Number(row?.waiting ?? 0),
    held: Number(row?.held ?? 0),
    late: Number(row?.late ?? 0),
    oldest_waiting: row?.oldest_waiting ?? null,
    nearest_due_by: row?.nearest_due_by ?? null,
  };
}

export interface CampaignQueueRow {
  waiting: number;
  held: number;
  oldest_waiting: string | null;
}

/** One campaign's due contacts (its queue index: pending and due) and those held under a live lease. */
export async function campaignQueue(db: Executor, campaignId: number, at: string): Promise<CampaignQueueRow> {
  const r = await sql<CampaignQueueRow>`SELECT
      (SELECT count(*) FROM campaign_contacts INDEXED BY campaign_contacts_queue
        WHERE campaign_id = ${campaignId} AND status = 'pending' AND due_at <= ${at}) AS waiting,
      (SELECT count(*) FROM campaign_contacts
        WHERE campaign_id = ${campaignId} AND status = 'claimed' AND lease_expires_at > ${at}) AS held,
      (SELECT min(due_at) FROM campaign_contacts INDEXED BY campaign_contacts_queue
        WHERE campaign_id = ${campaignId} AND status = 'pending' AND due_at <= ${at}) AS oldest_waiting`.execute(db);
  const row = r.rows[0];
  return {
    waiting: Number(row?.waiting ?? 0),
    held: Number(row?.held ?? 0),
    oldest_waiting: row?.oldest_waiting ?? null,
  };
}

export interface LateCallbackRow {
  id: string;
  mode: 'now' | 'scheduled';
  product_code: string | null;
  name_it: string | null;
  name_en: string | null;
  first_name: string | null;
  last_name: string | null;
  due_by: string;
  owner_id: number | null;
  owner_name: string | null;
  lease_owner: number | null;
  holder_name: string | null;
  status: 'pending' | 'claimed';
  lease_expires_at: string | null;
}

/** The open callbacks of a site's queues past their due-by, most late first. */
export async function lateCallbacks(
  db: Executor,
  siteId: number,
  at: string,
  limit: number,
): Promise<LateCallbackRow[]> {
  const r = await sql<LateCallbackRow>`SELECT c.id, c.mode, c.product_code, p.name_it, p.name_en, cu.first_name,
      cu.last_name, c.due_by, c.owner_id, o.display_name AS owner_name, c.lease_owner, h.display_name AS holder_name,
      c.status, c.lease_expires_at
    FROM callback_requests c INDEXED BY callback_requests_open
    LEFT JOIN products p ON p.code = c.product_code
    LEFT JOIN customers cu ON cu.id = c.customer_id
    LEFT JOIN users o ON o.id = c.owner_id
    LEFT JOIN users h ON h.id = c.lease_owner
    WHERE c.status IN ('pending', 'claimed') AND c.due_by < ${at} AND (c.site_id IS NULL OR c.site_id = ${siteId})
    ORDER BY c.due_by, c.id LIMIT ${limit}`.execute(db);
  return r.rows;
}

/** Product names by code (for the Call Me Now alerts): the catalogue as the products table holds it. */
export async function productNames(
  db: Executor,
  codes: readonly string[],
): Promise<Map<string, { it: string; en: string }>> {
  const names = new Map<string, { it: string; en: string }>();
  if (codes.length === 0) return names;
  const rows = await db
    .selectFrom('products')
    .select(['code', 'name_it', 'name_en'])
    .where('code', 'in', [...new Set(codes)])
    .execute();
  for (const r of rows) names.set(r.code, { it: r.name_it, en: r.name_en });
  return names;
}
