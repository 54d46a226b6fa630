import { sql } from 'kysely';
import type { QueueKind } from '@valore/shared/schemas/work';
import type { Executor } from '../../db/database';
import type { DialableCampaignRow } from '../campaigns/campaign-rules';

/**
 * The queue's probes. Each one reads a partial index range that holds only claimable rows of one source (one
 * campaign, one mode, one site) bounded by "due now", so rows not yet due are never walked: the claim cost does not
 * grow with the number of future contacts (STACK.md: the naive ORDER BY priority, due_at walk falls to ~280/s).
 */

export interface Head {
  id: string;
  due: string;
}

export async function reapExpiredLeases(db: Executor, at: string): Promise<void> {
  // each statement reads the lease index: only claimed rows whose lease ran out
  await sql`UPDATE campaign_contacts SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL, updated_at = ${at}
            WHERE status = 'claimed' AND lease_expires_at < ${at}`.execute(db);
  await sql`UPDATE callback_requests SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL, updated_at = ${at}
            WHERE status = 'claimed' AND lease_expires_at < ${at}`.execute(db);
  await sql`UPDATE leads SET lease_owner = NULL, lease_expires_at = NULL, updated_at = ${at}
            WHERE status = 'open' AND lease_owner IS NOT NULL AND lease_expires_at < ${at}`.execute(db);
}

export interface HeldRef {
  kind: QueueKind;
  sourceId: string;
}

/** The item this operator holds under a live lease, if any (one at a time). */
export async function findHeld(db: Executor, userId: number, at: string): Promise<HeldRef | null> {
  const callback = await sql<{ id: string }>`SELECT id FROM callback_requests INDEXED BY callback_requests_owner
      WHERE status = 'claimed' AND lease_owner = ${userId} AND lease_expires_at >= ${at} LIMIT 1`.execute(db);
  if (callback.rows[0]) return { kind: 'callback', sourceId: callback.rows[0].id };
  const lead = await sql<{ id: number }>`SELECT id FROM leads INDEXED BY leads_owner
      WHERE status = 'open' AND lease_owner IS NOT NULL AND lease_owner = ${userId} AND lease_expires_at >= ${at} LIMIT 1`.execute(
    db,
  );
  if (lead.rows[0]) return { kind: 'lead_followup', sourceId: String(lead.rows[0].id) };
  const contact = await sql<{ id: number }>`SELECT id FROM campaign_contacts INDEXED BY campaign_contacts_owner
      WHERE status = 'claimed' AND lease_owner = ${userId} AND lease_expires_at >= ${at} LIMIT 1`.execute(db);
  if (contact.rows[0]) return { kind: 'campaign', sourceId: String(contact.rows[0].id) };
  return null;
}

/** Due Call Me Now requests, most urgent service level first (few rows: only the due ones are read). */
export async function headCallMeNow(db: Executor, at: string): Promise<Head | null> {
  const r = await sql<{
    id: string;
    due_by: string;
  }>`SELECT id, due_by FROM callback_requests INDEXED BY callback_requests_queue
      WHERE status = 'pending' AND mode = 'now' AND due_at <= ${at} ORDER BY due_by, due_at LIMIT 1`.execute(db);
  return r.rows[0] ? { id: r.rows[0].id, due: r.rows[0].due_by } : null;
}

export async function headScheduledCallback(db: Executor, at: string): Promise<Head | null> {
  const r = await sql<{
    id: string;
    due_at: string;
  }>`SELECT id, due_at FROM callback_requests INDEXED BY callback_requests_queue
      WHERE status = 'pending' AND mode = 'scheduled' AND due_at <= ${at} ORDER BY due_at LIMIT 1`.execute(db);
  return r.rows[0] ? { id: r.rows[0].id, due: r.rows[0].due_at } : null;
}

export async function headLeadFollowUp(db: Executor, siteId: number, at: string): Promise<Head | null> {
  const r = await sql<{
    id: number;
    follow_up_at: string;
  }>`SELECT id, follow_up_at FROM leads INDEXED BY leads_followup_queue
      WHERE status = 'open' AND lease_owner IS NULL AND site_id = ${siteId} AND follow_up_at <= ${at}
      ORDER BY follow_up_at LIMIT 1`.execute(db);
  return r.rows[0] ? { id: String(r.rows[0].id), due: r.rows[0].follow_up_at } : null;
}

export interface ContactHead extends Head {
  customerId: number;
  phone: string;
}

export async function headCampaignContact(db: Executor, campaignId: number, at: string): Promise<ContactHead | null> {
  const r = await sql<{
    id: number;
    due_at: string;
    customer_id: number;
    phone: string;
  }>`SELECT id, due_at, customer_id, phone
      FROM campaign_contacts INDEXED BY campaign_contacts_queue
      WHERE campaign_id = ${campaignId} AND status = 'pending' AND due_at <= ${at} ORDER BY due_at LIMIT 1`.execute(db);
  const row = r.rows[0];
  return row ? { id: String(row.id), due: row.due_at, customerId: row.customer_id, phone: row.phone } : null;
}

/** Active campaigns worked by a site (the caller filters period, window and registry age). */
export async function activeCampaignsOfSite(db: Executor, siteId: number): Promise<DialableCampaignRow[]> {
  return db
    .selectFrom('campaigns')
    .innerJoin('campaign_sites', 'campaign_sites.campaign_id', 'campaigns.id')
    .select([
      'campaigns.id',
      'campaigns.name',
      'campaigns.starts_on',
      'campaigns.ends_on',
      'campaigns.calling_window',
      'campaigns.registry_checked_at',
    ])
    .where('campaign_sites.site_id', '=', siteId)
    .where('campaigns.status', '=', 'active')
    .execute();
}

/** Conditional claims: they succeed only while the row is still unclaimed, so no item goes to two operators. */
export async function claimCallback(
  db: Executor,
  id: string,
  userId: number,
  leaseUntil: string,
  at: string,
): Promise<boolean> {
  const r = await sql<{
    id: string;
  }>`UPDATE callback_requests SET status = 'claimed', lease_owner = ${userId}, lease_expires_at = ${leaseUntil},
      updated_at = ${at} WHERE id = ${id} AND status = 'pending' RETURNING id`.execute(db);
  return r.rows.length === 1;
}

export async function claimLead(
  db: Executor,
  id: number,
  userId: number,
  leaseUntil: string,
  at: string,
): Promise<boolean> {
  const r = await sql<{
    id: number;
  }>`UPDATE leads SET lease_owner = ${userId}, lease_expires_at = ${leaseUntil}, updated_at = ${at}
      WHERE id = ${id} AND status = 'open' AND lease_owner IS NULL RETURNING id`.execute(db);
  return r.rows.length === 1;
}

export async function claimContact(
  db: Executor,
  id: number,
  userId: number,
  leaseUntil: string,
  at: string,
): Promise<boolean> {
  const r = await sql<{
    id: number;
  }>`UPDATE campaign_contacts SET status = 'claimed', lease_owner = ${userId}, lease_expires_at = ${leaseUntil},
      updated_at = ${at} WHERE id = ${id} AND status = 'pending' RETURNING id`.execute(db);
  return r.rows.length === 1;
}

/** A contact that failed the claim-time compliance check leaves the queue with the reason. */
export async function removeContact(
  db: Executor,
  id: number,
  reason: 'no_consent' | 'registry',
  at: string,
): Promise<void> {
  await db
    .updateTable('campaign_contacts')
    .set({ status: 'removed', last_outcome: reason, updated_at: at })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

/** Extends (or ends, with leaseUntil null) the lease of the item an operator holds; false when they do not hold it. */
export async function setLease(
  db: Executor,
  ref: HeldRef,
  userId: number,
  leaseUntil: string | null,
  at: string,
): Promise<boolean> {
  if (ref.kind === 'lead_followup') {
    const r = await db
      .updateTable('leads')
      .set({ lease_owner: leaseUntil === null ? null : userId, lease_expires_at: leaseUntil, updated_at: at })
      .where('id', '=', Number(ref.sourceId))
      .where('status', '=', 'open')
      .where('lease_owner', '=', userId)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
  const table = ref.kind === 'callback' ? 'callback_requests' : 'campaign_contacts';
  const status = leaseUntil === null ? 'pending' : 'claimed';
  const r =
    table === 'callback_requests'
      ? await db
          .updateTable('callback_requests')
          .set({
            status,
            lease_owner: leaseUntil === null ? null : userId,
            lease_expires_at: leaseUntil,
            updated_at: at,
          })
          .where('id', '=', ref.sourceId)
          .where('status', '=', 'claimed')
          .where('lease_owner', '=', userId)
          .executeTakeFirst()
      : await db
          .updateTable('campaign_contacts')
          .set({
            status,
            lease_owner: leaseUntil === null ? null : userId,
            lease_expires_at: leaseUntil,
            updated_at: at,
          })
          .where('id', '=', Number(ref.sourceId))
          .where('status', '=', 'claimed')
          .where('lease_owner', '=', userId)
          .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Counts at most `cap` claimable rows of one probe (the same index ranges as the claims). */
export async function countCallbacks(db: Executor, at: string, cap: number): Promise<number> {
  const r = await sql<{
    n: number;
  }>`SELECT count(*) AS n FROM (SELECT 1 FROM callback_requests INDEXED BY callback_requests_queue
      WHERE status = 'pending' AND mode IN ('now', 'scheduled') AND due_at <= ${at} LIMIT ${cap})`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

export async function countLeadFollowUps(db: Executor, siteId: number, at: string, cap: number): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*) AS n FROM (SELECT 1 FROM leads INDEXED BY leads_followup_queue
      WHERE status = 'open' AND lease_owner IS NULL AND site_id = ${siteId} AND follow_up_at <= ${at} LIMIT ${cap})`.execute(
    db,
  );
  return Number(r.rows[0]?.n ?? 0);
}

export async function countCampaignContacts(
  db: Executor,
  campaignId: number,
  at: string,
  cap: number,
): Promise<number> {
  const r = await sql<{
    n: number;
  }>`SELECT count(*) AS n FROM (SELECT 1 FROM campaign_contacts INDEXED BY campaign_contacts_queue
      WHERE campaign_id = ${campaignId} AND status = 'pending' AND due_at <= ${at} LIMIT ${cap})`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}
