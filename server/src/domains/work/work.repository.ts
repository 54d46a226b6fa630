import { sql } from 'kysely';
import type { QueueKind } from '@valore/shared/schemas/work';
import type { Executor } from '../../db/database';
import { precompiled } from '../../db/precompiled';
import { opaque, skipLocked } from '../../db/postgres-dialect';
import type { DialableCampaignRow } from '../campaigns/campaign-rules';
import { CALL_CHANNEL, currentMarketingConsent } from '../customers/marketing-consent';

/**
 * The queue's probes. Each one reads a partial index range that holds only claimable rows of one source (one
 * campaign, one mode, one site) bounded by "due now", so rows not yet due are never walked: the claim cost does not
 * grow with the number of future contacts (STACK.md: the naive ORDER BY priority, due_at walk falls to ~280/s).
 */

export interface Head {
  id: string;
  due: string;
}

/**
 * A held callback coming back (released, its lease expired): to the queue, unless it was withdrawn while held
 * (work/promises.ts withdrawCallback) — then it closes with the withdrawal's reason.
 */
export const CALLBACK_BACK_TO_QUEUE = (at: string) =>
  sql`status = CASE WHEN withdrawn_reason IS NULL THEN 'pending' ELSE 'cancelled' END,
      closed_at = CASE WHEN withdrawn_reason IS NULL THEN NULL ELSE ${at} END,
      close_reason = withdrawn_reason, lease_owner = NULL, lease_expires_at = NULL, updated_at = ${at}`;

export async function reapExpiredLeases(db: Executor, at: string): Promise<void> {
  // each statement reads the lease index: only claimed rows whose lease ran out
  await sql`UPDATE campaign_contacts SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL, updated_at = ${at}
            WHERE status = 'claimed' AND lease_expires_at < ${at}`.execute(db);
  await sql`UPDATE callback_requests SET ${CALLBACK_BACK_TO_QUEUE(at)} WHERE status = 'claimed' AND lease_expires_at < ${at}`.execute(
    db,
  );
  await sql`UPDATE leads SET lease_owner = NULL, lease_expires_at = NULL, updated_at = ${at}
            WHERE status = 'open' AND lease_owner IS NOT NULL AND lease_expires_at < ${at}`.execute(db);
}

export interface HeldRef {
  kind: QueueKind;
  sourceId: string;
}

// The arms of the probes below, as fragments so one statement can carry several of them.
const heldQueueArms = (db: Executor, userId: number, at: string) => sql`
      SELECT 'held' AS arm, 'callback' AS kind, id, NULL AS due FROM (SELECT id FROM callback_requests INDEXED BY callback_requests_owner
        WHERE status = 'claimed' AND lease_owner = ${opaque(db, userId)} AND lease_expires_at >= ${opaque(db, at)} LIMIT 1) AS h
      UNION ALL
      SELECT 'held', 'lead_followup', CAST(id AS TEXT), NULL FROM (SELECT id FROM leads INDEXED BY leads_owner
        WHERE status = 'open' AND lease_owner IS NOT NULL AND lease_owner = ${opaque(db, userId)} AND lease_expires_at >= ${opaque(db, at)} LIMIT 1) AS h`;

const heldContactArm = (db: Executor, userId: number, at: string) => sql`
      SELECT 'held' AS arm, 'campaign' AS kind, CAST(id AS TEXT) AS id, NULL AS due FROM (SELECT id FROM campaign_contacts INDEXED BY campaign_contacts_owner
        WHERE status = 'claimed' AND lease_owner = ${opaque(db, userId)} AND lease_expires_at >= ${opaque(db, at)} LIMIT 1) AS h`;

const heldArms = (db: Executor, userId: number, at: string) =>
  sql`${heldQueueArms(db, userId, at)} UNION ALL ${heldContactArm(db, userId, at)}`;

// The pool arms skip the promises still offered to the operator who agreed them (personal_until in the future): at
// a given moment there are few of those (a handful per operator), so the skip costs little. The 'mine' arms read the
// operator's own due promises through their owner index.
const headArms = (db: Executor, siteId: number, userId: number, at: string) => sql`
      SELECT 'now' AS arm, 'callback' AS kind, id, due FROM (SELECT id, due_by AS due FROM callback_requests AS q INDEXED BY callback_requests_queue
        WHERE status = 'pending' AND mode = 'now' AND due_at <= ${opaque(db, at)} ORDER BY due_by, due_at LIMIT 1${skipLocked(db, 'q')}) AS h
      UNION ALL
      SELECT 'mine', 'callback', id, due FROM (SELECT id, due_at AS due FROM callback_requests INDEXED BY callback_requests_promised
        WHERE owner_id = ${opaque(db, userId)} AND status = 'pending' AND due_at <= ${opaque(db, at)} ORDER BY due_at LIMIT 1) AS h
      UNION ALL
      SELECT 'mine', 'lead_followup', CAST(id AS TEXT), due FROM (SELECT id, follow_up_at AS due FROM leads INDEXED BY leads_promised
        WHERE owner_id = ${opaque(db, userId)} AND status = 'open' AND follow_up_at <= ${opaque(db, at)} AND lease_owner IS NULL ORDER BY follow_up_at LIMIT 1) AS h
      UNION ALL
      SELECT 'scheduled', 'callback', id, due FROM (SELECT id, due_at AS due FROM callback_requests AS q INDEXED BY callback_requests_queue
        WHERE status = 'pending' AND mode = 'scheduled' AND due_at <= ${opaque(db, at)}
          AND (site_id IS NULL OR site_id = ${opaque(db, siteId)}) AND (personal_until IS NULL OR personal_until <= ${opaque(db, at)})
        ORDER BY due_at LIMIT 1${skipLocked(db, 'q')}) AS h
      UNION ALL
      SELECT 'lead', 'lead_followup', CAST(id AS TEXT), due FROM (SELECT id, follow_up_at AS due FROM leads AS q INDEXED BY leads_followup_queue
        WHERE status = 'open' AND lease_owner IS NULL AND site_id = ${opaque(db, siteId)} AND follow_up_at <= ${opaque(db, at)}
          AND (personal_until IS NULL OR personal_until <= ${opaque(db, at)})
        ORDER BY follow_up_at LIMIT 1${skipLocked(db, 'q')}) AS h`;

interface ArmRow {
  arm: 'held' | 'now' | 'mine' | 'scheduled' | 'lead';
  kind: QueueKind;
  id: string | number;
  due: string | null;
}

/** The item this operator holds under a live lease, or null (one at a time): one statement, three owner-index probes. */
export async function findHeld(db: Executor, userId: number, at: string): Promise<HeldRef | null> {
  const r = await sql<ArmRow>`${heldArms(db, userId, at)}`.execute(db);
  // UNION ALL keeps the arms' order: a callback before a lead before a contact, as when they were three probes
  const row = r.rows[0];
  return row ? { kind: row.kind, sourceId: String(row.id) } : null;
}

export interface QueueHeads {
  callMeNow: Head | null;
  /** the operator's own most overdue promise (an agreed callback or a lead they own) */
  mine: (Head & { kind: 'callback' | 'lead_followup' }) | null;
  scheduled: Head | null;
  lead: Head | null;
}

function headsOf(rows: ArmRow[]): QueueHeads {
  const heads: QueueHeads = { callMeNow: null, mine: null, scheduled: null, lead: null };
  for (const row of rows) {
    const head = { id: String(row.id), due: row.due ?? '' };
    if (row.arm === 'now') heads.callMeNow = head;
    else if (row.arm === 'mine' && (row.kind === 'callback' || row.kind === 'lead_followup')) {
      if (!heads.mine || head.due < heads.mine.due) heads.mine = { ...head, kind: row.kind };
    } else if (row.arm === 'scheduled') heads.scheduled = head;
    else if (row.arm === 'lead') heads.lead = head;
  }
  return heads;
}

/**
 * The heads of the three priority queues above the campaigns in one statement: the due Call Me Now request (by
 * service-level deadline), the due scheduled callback and the site's due lead follow-up (by due time). Each arm is
 * a bounded read of its own partial index.
 */
export async function queueHeads(db: Executor, siteId: number, userId: number, at: string): Promise<QueueHeads> {
  const r = await sql<ArmRow>`${headArms(db, siteId, userId, at)}`.execute(db);
  return headsOf(r.rows);
}

/**
 * The start of a claim: what the operator holds, and the three queue heads. The held callback or lead and the heads
 * share one statement; the held campaign contact is read on its own, only when neither is held. Inside the shared
 * statement, that arm cost ~45 µs on a worked queue (thousands of contacts claimed) against ~10 µs alone: measured
 * on a 1M-contact campaign with ~40,000 contacts claimed: 48 µs for the six arms together, 12 µs as two statements.
 */
export async function claimProbe(
  db: Executor,
  userId: number,
  siteId: number,
  at: string,
): Promise<{ held: HeldRef | null; heads: QueueHeads }> {
  const r = await sql<ArmRow>`${heldQueueArms(db, userId, at)} UNION ALL ${headArms(db, siteId, userId, at)}`.execute(
    db,
  );
  // UNION ALL keeps the arms' order: a held callback before a held lead
  let held = r.rows.find((row) => row.arm === 'held');
  held ??= (await sql<ArmRow>`${heldContactArm(db, userId, at)}`.execute(db)).rows[0];
  return { held: held ? { kind: held.kind, sourceId: String(held.id) } : null, heads: headsOf(r.rows) };
}

export interface ContactHead extends Head {
  customerId: number;
  phone: string;
  attempts: number;
  customerName: string;
  /** the customer's current marketing consent (phone or any channel), read in the same statement */
  consent: boolean;
  /** the number is on the national opt-out registry, read in the same statement */
  onRegistry: boolean;
}

/**
 * The due head of one campaign's queue with its claim-time compliance facts (consent, registry) and what the work
 * item shows, in one statement.
 */
interface HeadRow {
  campaign_id: number;
  id: number;
  due_at: string;
  customer_id: number;
  phone: string;
  attempts: number;
  customer_name: string;
  consent: number | null;
  on_registry: number;
}

// One campaign's due head, as an arm that several campaigns' heads can share a statement with.
const headArm = (db: Executor, campaignId: number, at: string) => sql`SELECT * FROM (
      SELECT cc.campaign_id, cc.id, cc.due_at, cc.customer_id, cc.phone, cc.attempts,
        (SELECT first_name || ' ' || last_name FROM customers WHERE id = cc.customer_id) AS customer_name,
        ${currentMarketingConsent(sql.ref<number>('cc.customer_id'), CALL_CHANNEL)} AS consent,
        EXISTS (SELECT 1 FROM optout_registry WHERE phone = cc.phone) AS on_registry
      FROM campaign_contacts AS cc INDEXED BY campaign_contacts_queue
      WHERE cc.campaign_id = ${opaque(db, campaignId)} AND cc.status = 'pending' AND cc.due_at <= ${opaque(db, at)} ORDER BY cc.due_at LIMIT 1${skipLocked(db, 'cc')}) AS h`;

function toHead(row: HeadRow): ContactHead {
  return {
    id: String(row.id),
    due: row.due_at,
    customerId: row.customer_id,
    phone: row.phone,
    attempts: row.attempts,
    customerName: row.customer_name,
    consent: row.consent === 1,
    onRegistry: row.on_registry === 1,
  };
}

export async function headCampaignContact(db: Executor, campaignId: number, at: string): Promise<ContactHead | null> {
  const r = await sql<HeadRow>`${headArm(db, campaignId, at)}`.execute(db);
  const row = r.rows[0];
  return row ? toHead(row) : null;
}

/**
 * The due heads of several campaigns in one statement (one bounded arm each); campaigns with nothing due have no
 * entry. A claim reads every dialable campaign of its site, and most of them may have nothing due.
 */
export async function campaignHeads(
  db: Executor,
  campaignIds: readonly number[],
  at: string,
): Promise<Map<number, ContactHead>> {
  const heads = new Map<number, ContactHead>();
  if (campaignIds.length === 0) return heads;
  const r = await sql<HeadRow>`${sql.join(
    campaignIds.map((id) => headArm(db, id, at)),
    sql` UNION ALL `,
  )}`.execute(db);
  for (const row of r.rows) heads.set(row.campaign_id, toHead(row));
  return heads;
}

export interface ActiveCampaignRow extends DialableCampaignRow {
  product_code: string;
  max_attempts: number;
  script_version: string;
}

/** Active campaigns worked by a site (the caller filters period, window and registry age). */
// read on every claim (precompiled: db/precompiled.ts)
const activeCampaignsOfSiteQuery = precompiled((db, v: { siteId: number }) =>
  db
    .selectFrom('campaigns')
    .innerJoin('campaign_sites', 'campaign_sites.campaign_id', 'campaigns.id')
    .select([
      'campaigns.id',
      'campaigns.name',
      'campaigns.starts_on',
      'campaigns.ends_on',
      'campaigns.calling_window',
      'campaigns.registry_checked_at',
      'campaigns.product_code',
      'campaigns.max_attempts',
      'campaigns.script_version',
    ])
    // out of SQLite's planner's sight (db/postgres-dialect.ts `opaque`): read on every claim, not re-planned each time
    .where('campaign_sites.site_id', '=', opaque(db, v.siteId))
    .where('campaigns.status', '=', sql.lit('active')),
);

export function activeCampaignsOfSite(db: Executor, siteId: number): Promise<ActiveCampaignRow[]> {
  return activeCampaignsOfSiteQuery.execute(db, { siteId });
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
  if (table === 'callback_requests' && leaseUntil === null) {
    const back = await sql`UPDATE callback_requests SET ${CALLBACK_BACK_TO_QUEUE(at)}
      WHERE id = ${ref.sourceId} AND status = 'claimed' AND lease_owner = ${userId}`.execute(db);
    return Number(back.numAffectedRows ?? 0) === 1;
  }
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
export async function countCallbacks(
  db: Executor,
  siteId: number,
  userId: number,
  at: string,
  cap: number,
): Promise<number> {
  const r = await sql<{
    n: number;
  }>`SELECT count(*) AS n FROM (SELECT 1 FROM callback_requests INDEXED BY callback_requests_queue
      WHERE status = 'pending' AND mode IN ('now', 'scheduled') AND due_at <= ${at}
        AND (site_id IS NULL OR site_id = ${siteId})
        AND (personal_until IS NULL OR personal_until <= ${at} OR owner_id = ${userId}) LIMIT ${cap}) AS h`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

export async function countLeadFollowUps(
  db: Executor,
  siteId: number,
  userId: number,
  at: string,
  cap: number,
): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*) AS n FROM (SELECT 1 FROM leads INDEXED BY leads_followup_queue
      WHERE status = 'open' AND lease_owner IS NULL AND site_id = ${siteId} AND follow_up_at <= ${at}
        AND (personal_until IS NULL OR personal_until <= ${at} OR owner_id = ${userId}) LIMIT ${cap}) AS h`.execute(db);
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
      WHERE campaign_id = ${campaignId} AND status = 'pending' AND due_at <= ${at} LIMIT ${cap}) AS h`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

export interface PromiseRow {
  kind: 'callback' | 'lead_followup';
  id: string;
  flow: string;
  customer_id: number | null;
  first_name: string | null;
  last_name: string | null;
  phone: string;
  due_at: string;
  personal_until: string | null;
  product_code: string | null;
  lease_owner: number | null;
  lease_expires_at: string | null;
  note: string | null;
}

/** An operator's open promises (their owner indexes), most overdue first. */
export async function listPromisesOf(db: Executor, userId: number, limit: number): Promise<PromiseRow[]> {
  const r = await sql<PromiseRow>`SELECT * FROM (
      SELECT 'callback' AS kind, c.id, c.flow, c.customer_id, cu.first_name, cu.last_name, c.phone, c.due_at,
        c.personal_until, c.product_code, c.lease_owner, c.lease_expires_at, c.note
      FROM callback_requests c INDEXED BY callback_requests_promised LEFT JOIN customers cu ON cu.id = c.customer_id
      WHERE c.owner_id = ${userId} AND c.status IN ('pending', 'claimed')
      UNION ALL
      SELECT 'lead_followup', CAST(l.id AS TEXT), 'callback', l.customer_id, cu.first_name, cu.last_name, cu.phone,
        l.follow_up_at, l.personal_until, l.product_code, l.lease_owner, l.lease_expires_at, l.notes
      FROM leads l INDEXED BY leads_promised JOIN customers cu ON cu.id = l.customer_id
      WHERE l.owner_id = ${userId} AND l.status = 'open') AS h
    ORDER BY due_at, id LIMIT ${limit}`.execute(db);
  return r.rows;
}

/** Claims an operator's own due promise; false when it is not theirs, not due, or not free. */
export async function claimOwnPromise(
  db: Executor,
  ref: HeldRef,
  userId: number,
  leaseUntil: string,
  at: string,
): Promise<boolean> {
  if (ref.kind === 'callback') {
    const r = await sql<{ id: string }>`UPDATE callback_requests SET status = 'claimed', lease_owner = ${userId},
        lease_expires_at = ${leaseUntil}, updated_at = ${at}
      WHERE id = ${ref.sourceId} AND status = 'pending' AND owner_id = ${userId} AND due_at <= ${at} RETURNING id`.execute(
      db,
    );
    return r.rows.length === 1;
  }
  const r = await sql<{
    id: number;
  }>`UPDATE leads SET lease_owner = ${userId}, lease_expires_at = ${leaseUntil}, updated_at = ${at}
      WHERE id = ${Number(ref.sourceId)} AND status = 'open' AND lease_owner IS NULL AND owner_id = ${userId}
        AND follow_up_at <= ${at} RETURNING id`.execute(db);
  return r.rows.length === 1;
}
