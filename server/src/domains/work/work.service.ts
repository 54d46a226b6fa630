import { assignedVersion } from '../scripts/script-assignments';
import type { SessionUser } from '@valore/shared/schemas/auth';
import type { MyPromise, QueueKind, WorkItem, WorkQueueSize } from '@valore/shared/schemas/work';
import type { DB, Executor } from '../../db/database';
import type { AppConfig, AppDeps } from '../../deps';
import { groupCommit } from '../../db/group-commit';
import { DomainError } from '../../errors';
import { insertAudit } from '../audit/audit.repository';
import { campaignMayDialNow } from '../campaigns/campaign-rules';
import { maskPhone } from '../customers/masking';
import { LEAD_FOLLOW_UP_MAX_ATTEMPTS } from './lifecycle';
import { closedCallingWindow, deferOutsideCallingWindow } from './promises';
import {
  activeCampaignsOfSite,
  campaignHeads,
  claimCallback,
  claimContact,
  claimLead,
  countCallbacks,
  countCampaignContacts,
  countLeadFollowUps,
  findHeld,
  claimProbe,
  claimOwnPromise,
  listPromisesOf,
  headCampaignContact,
  queueHeads,
  reapExpiredLeases,
  removeContact,
  setLease,
  type ActiveCampaignRow,
  type ContactHead,
  type HeldRef,
} from './work.repository';

export const DEFAULT_LEASE_MINUTES = 5;
/** Bounds one claim: candidates that fail the claim-time checks (or lose a race) before giving up for this call. */
const MAX_CANDIDATES = 200;
const QUEUE_SIZE_CAP = 999;

export const leaseMinutes = (config: AppConfig): number => config.workLeaseMinutes ?? DEFAULT_LEASE_MINUTES;

export interface Claimant {
  userId: number;
  siteId: number;
}

export function requireOperator(user: SessionUser): Claimant {
  if (user.siteId === null)
    throw new DomainError('FORBIDDEN', 'FORBIDDEN_SCOPE', 'Only operators of a site take work items.');
  return { userId: user.id, siteId: user.siteId };
}

export const workItemIdOf = (kind: QueueKind, sourceId: string): string => `${kind}:${sourceId}`;

function parseWorkItemId(id: string): HeldRef {
  const at = id.indexOf(':');
  const kind = id.slice(0, at);
  const sourceId = id.slice(at + 1);
  // a campaign contact's and a lead's ids are integers: anything else is no item of theirs (PostgreSQL refuses such a
  // text as a BIGINT value and the request ended in a 500; SQLite merely matched no row)
  const integerId = kind === 'callback' || /^\d{1,15}$/.test(sourceId);
  if ((kind !== 'callback' && kind !== 'campaign' && kind !== 'lead_followup') || !integerId) {
    throw new DomainError('BAD_REQUEST', 'VALIDATION', 'Not a work item id.');
  }
  return { kind, sourceId };
}

/**
 * Claims the most urgent item for an operator under a lease, or gives back the one they already hold.
 * Order: due Call Me Now (by service-level deadline), then due scheduled callbacks and lead follow-ups of the
 * operator's site (by due time), then due contacts of the active campaigns their site works, inside each
 * campaign's calling window and period, with a fresh registry check; consent and the registry are re-checked
 * here, at claim time. No HTTP: a benchmark calls it in-process.
 */
export async function claimNextWorkItem(db: DB, op: Claimant, now: Date, lease: number): Promise<WorkItem | null> {
  // claims arriving together share one commit (db/group-commit.ts); each still runs alone, in arrival order
  // READ COMMITTED on PostgreSQL: heads read SKIP LOCKED, taken by a conditional update (group-commit.ts)
  return groupCommit(db, (trx) => claimNextWorkItemIn(trx, db, op, now, lease), { isolation: 'read committed' });
}

/**
 * The claim itself, inside the caller's unit of work (`trx`; `db` is the database it belongs to, for the once-a-second
 * lease reaping): the offer dispatcher records its offer in the same transaction as the claim it offers.
 */
export async function claimNextWorkItemIn(
  trx: Executor,
  db: DB,
  op: Claimant,
  now: Date,
  lease: number,
): Promise<WorkItem | null> {
  const at = now.toISOString();
  const leaseUntil = new Date(now.getTime() + lease * 60_000).toISOString();
  if (reapIsDue(db, now)) await reapExpiredLeases(trx, at);
  // one statement: the item the operator already holds, and the heads of the queues above the campaigns
  const probe = await claimProbe(trx, op.userId, op.siteId, at);
  if (probe.held) return buildItem(trx, probe.held);

  // Call Me Now first, then scheduled callbacks and the site's lead follow-ups by due time; the heads are read
  // again only when a claim loses a race
  for (let i = 0; i < MAX_CANDIDATES; i++) {
    const { callMeNow, mine, scheduled, lead } =
      i === 0 ? probe.heads : await queueHeads(trx, op.siteId, op.userId, at);
    // a campaign's callback due outside the campaign's calling window moves to its next opening instead
    // (Call Me Now requests come from the web and the app, never from a campaign)
    const callback = callMeNow ? null : mine ? (mine.kind === 'callback' ? mine : null) : scheduled;
    if (callback && (await deferOutsideCallingWindow(trx, callback.id, now))) continue;
    if (callMeNow) {
      if (await claimCallback(trx, callMeNow.id, op.userId, leaseUntil, at))
        return buildItem(trx, { kind: 'callback', sourceId: callMeNow.id });
      continue;
    }
    // the operator's own promises come before the pool: they agreed the time with the customer
    if (mine) {
      const claimed =
        mine.kind === 'callback'
          ? await claimCallback(trx, mine.id, op.userId, leaseUntil, at)
          : await claimLead(trx, Number(mine.id), op.userId, leaseUntil, at);
      if (claimed) return buildItem(trx, { kind: mine.kind, sourceId: mine.id });
      continue;
    }
    if (!scheduled && !lead) break;
    if (scheduled && (!lead || scheduled.due <= lead.due)) {
      if (await claimCallback(trx, scheduled.id, op.userId, leaseUntil, at))
        return buildItem(trx, { kind: 'callback', sourceId: scheduled.id });
    } else if (lead) {
      if (await claimLead(trx, Number(lead.id), op.userId, leaseUntil, at))
        return buildItem(trx, { kind: 'lead_followup', sourceId: lead.id });
    }
  }

  const campaigns = (await activeCampaignsOfSite(trx, op.siteId)).filter((c) => campaignMayDialNow(c, now));
  const byId = new Map(campaigns.map((c) => [c.id, c]));
  const heads = await campaignHeads(
    trx,
    campaigns.map((c) => c.id),
    at,
  );
  for (let i = 0; i < MAX_CANDIDATES && heads.size > 0; i++) {
    let best: [number, ContactHead] | null = null;
    for (const entry of heads) if (!best || entry[1].due < best[1].due) best = entry;
    if (!best) break;
    const [campaignId, head] = best;
    const contactId = Number(head.id);
    // consent and the registry are re-checked at claim time (read with the head, in this same transaction)
    const reason = !head.consent ? 'no_consent' : head.onRegistry ? 'registry' : null;
    if (reason) await removeContact(trx, contactId, reason, at);
    else if (await claimContact(trx, contactId, op.userId, leaseUntil, at)) {
      const campaign = byId.get(campaignId);
      // the head and the campaign row already hold everything the item shows: no read back
      return campaign
        ? withScriptVersion(trx, campaignItem(head, campaign, leaseUntil))
        : buildItem(trx, { kind: 'campaign', sourceId: head.id });
    }
    const next = await headCampaignContact(trx, campaignId, at);
    if (next) heads.set(campaignId, next);
    else heads.delete(campaignId);
  }
  return null;
}

/**
 * Expired leases go back to their queues at most once a second (of the app's clock) per database, not on every
 * claim: three UPDATEs per claim were a fifth of its cost, and a lease runs for minutes, so an item comes back at
 * most a second later than it expired.
 */
const REAP_EVERY_MS = 1_000;
const lastReap = new WeakMap<DB, number>();
function reapIsDue(db: DB, now: Date): boolean {
  const last = lastReap.get(db);
  const t = now.getTime();
  if (last !== undefined && t >= last && t - last < REAP_EVERY_MS) return false;
  lastReap.set(db, t);
  return true;
}

function campaignItem(head: ContactHead, campaign: ActiveCampaignRow, leaseUntil: string): WorkItem {
  return {
    id: workItemIdOf('campaign', head.id),
    kind: 'campaign',
    flow: 'campaign',
    customerId: head.customerId,
    sourceId: head.id,
    dueAt: head.due,
    leaseExpiresAt: leaseUntil,
    presetProductCode: campaign.product_code,
    customerName: head.customerName,
    phoneMasked: maskPhone(head.phone),
    attempts: head.attempts,
    maxAttempts: campaign.max_attempts,
    mode: null,
    dueBy: null,
    note: null,
    campaignId: campaign.id,
    campaignName: campaign.name,
    scriptVersion: campaign.script_version,
  };
}

/**
 * The script version the item plays (scripts/script-assignments.ts): the campaign's or the flow's assignment (an A/B
 * split, deterministic per customer), else a campaign's pinned version, else the flow's newest published one.
 */
async function withScriptVersion(db: Executor, item: WorkItem): Promise<WorkItem> {
  const scriptVersion = await assignedVersion(db, {
    flow: item.flow,
    campaignId: item.flow === 'campaign' ? item.campaignId : null,
    pinned: item.scriptVersion,
    contactKey: item.customerId !== null ? `customer:${item.customerId}` : item.id,
  });
  return { ...item, scriptVersion };
}

export async function buildItem(db: Executor, ref: HeldRef): Promise<WorkItem> {
  return withScriptVersion(db, await itemOf(db, ref));
}

async function itemOf(db: Executor, ref: HeldRef): Promise<WorkItem> {
  const id = workItemIdOf(ref.kind, ref.sourceId);
  if (ref.kind === 'callback') {
    const r = await db
      .selectFrom('callback_requests')
      .leftJoin('customers', 'customers.id', 'callback_requests.customer_id')
      .leftJoin('campaigns', 'campaigns.id', 'callback_requests.campaign_id')
      .select([
        'callback_requests.flow',
        'callback_requests.campaign_id',
        'campaigns.name as campaign_name',
        'campaigns.script_version',
        'callback_requests.customer_id',
        'callback_requests.phone',
        'callback_requests.product_code',
        'callback_requests.mode',
        'callback_requests.due_at',
        'callback_requests.due_by',
        'callback_requests.note',
        'callback_requests.attempts',
        'callback_requests.max_attempts',
        'callback_requests.lease_expires_at',
        'customers.first_name',
        'customers.last_name',
      ])
      .where('callback_requests.id', '=', ref.sourceId)
      .executeTakeFirstOrThrow();
    return {
      id,
      kind: 'callback',
      // a callback agreed on a campaign call plays the campaign's script (consent first), the others the callback's
      flow: r.flow === 'campaign' ? 'campaign' : 'callback',
      customerId: r.customer_id,
      sourceId: ref.sourceId,
      dueAt: r.due_at,
      leaseExpiresAt: r.lease_expires_at ?? '',
      presetProductCode: r.product_code,
      customerName: r.first_name ? `${r.first_name} ${r.last_name ?? ''}`.trim() : null,
      phoneMasked: maskPhone(r.phone),
      attempts: r.attempts,
      maxAttempts: r.max_attempts,
      mode: r.mode,
      dueBy: r.due_by,
      note: r.note,
      campaignId: r.campaign_id,
      campaignName: r.campaign_name,
      scriptVersion: r.flow === 'campaign' ? r.script_version : null,
    };
  }
  if (ref.kind === 'lead_followup') {
    const r = await db
      .selectFrom('leads')
      .innerJoin('customers', 'customers.id', 'leads.customer_id')
      .select([
        'leads.customer_id',
        'customers.phone',
        'customers.first_name',
        'customers.last_name',
        'leads.product_code',
        'leads.follow_up_at',
        'leads.notes',
        'leads.attempts',
        'leads.lease_expires_at',
      ])
      .where('leads.id', '=', Number(ref.sourceId))
      .executeTakeFirstOrThrow();
    return {
      id,
      kind: 'lead_followup',
      // the customer asked to be contacted about the product: the callback script (no consent gate)
      flow: 'callback',
      customerId: r.customer_id,
      sourceId: ref.sourceId,
      dueAt: r.follow_up_at,
      leaseExpiresAt: r.lease_expires_at ?? '',
      presetProductCode: r.product_code,
      customerName: `${r.first_name} ${r.last_name}`,
      phoneMasked: maskPhone(r.phone),
      attempts: r.attempts,
      maxAttempts: LEAD_FOLLOW_UP_MAX_ATTEMPTS,
      mode: null,
      dueBy: null,
      note: r.notes,
      campaignId: null,
      campaignName: null,
      scriptVersion: null,
    };
  }
  const r = await db
    .selectFrom('campaign_contacts')
    .innerJoin('campaigns', 'campaigns.id', 'campaign_contacts.campaign_id')
    .innerJoin('customers', 'customers.id', 'campaign_contacts.customer_id')
    .select([
      'campaign_contacts.customer_id',
      'campaign_contacts.phone',
      'campaign_contacts.due_at',
      'campaign_contacts.attempts',
      'campaign_contacts.lease_expires_at',
      'campaigns.id as campaign_id',
      'campaigns.name as campaign_name',
      'campaigns.product_code',
      'campaigns.max_attempts',
      'campaigns.script_version',
      'customers.first_name',
      'customers.last_name',
    ])
    .where('campaign_contacts.id', '=', Number(ref.sourceId))
    .executeTakeFirstOrThrow();
  return {
    id,
    kind: 'campaign',
    flow: 'campaign',
    customerId: r.customer_id,
    sourceId: ref.sourceId,
    dueAt: r.due_at,
    leaseExpiresAt: r.lease_expires_at ?? '',
    presetProductCode: r.product_code,
    customerName: `${r.first_name} ${r.last_name}`,
    phoneMasked: maskPhone(r.phone),
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    mode: null,
    dueBy: null,
    note: null,
    campaignId: r.campaign_id,
    campaignName: r.campaign_name,
    scriptVersion: r.script_version,
  };
}

export async function nextWorkItem(deps: AppDeps, user: SessionUser): Promise<WorkItem | null> {
  return claimNextWorkItem(deps.db, requireOperator(user), deps.clock.now(), leaseMinutes(deps.config));
}

/** The item the operator holds, without claiming anything (a page reload shows it again). */
export async function currentWorkItem(deps: AppDeps, user: SessionUser): Promise<WorkItem | null> {
  const op = requireOperator(user);
  const held = await findHeld(deps.db, op.userId, deps.clock.now().toISOString());
  return held ? buildItem(deps.db, held) : null;
}

/** Keeps the held item's lease alive while the operator works on it; null when they hold nothing any more. */
export async function heartbeatWorkItem(deps: AppDeps, user: SessionUser): Promise<WorkItem | null> {
  const op = requireOperator(user);
  const now = deps.clock.now();
  const at = now.toISOString();
  const leaseUntil = new Date(now.getTime() + leaseMinutes(deps.config) * 60_000).toISOString();
  return deps.db.transaction().execute(async (trx) => {
    const held = await findHeld(trx, op.userId, at);
    if (!held || !(await setLease(trx, held, op.userId, leaseUntil, at))) return null;
    return buildItem(trx, held);
  });
}

/**
 * Gives a held item back to the queue at once, with an audited reason. Releasing an item the operator no longer
 * holds (a retried request, an expired lease) changes nothing and says so.
 */
export async function releaseWorkItem(
  deps: AppDeps,
  user: SessionUser,
  input: { id: string; reason: string },
  ip: string | null,
): Promise<{ released: boolean }> {
  const op = requireOperator(user);
  const ref = parseWorkItemId(input.id);
  const at = deps.clock.now().toISOString();
  // releases arriving together share one commit, like claims and completions (db/group-commit.ts)
  return groupCommit(deps.db, async (trx) => {
    const released = await setLease(trx, ref, op.userId, null, at);
    if (released) {
      await insertAudit(trx, {
        at,
        actorId: op.userId,
        action: 'work.release',
        entityType:
          ref.kind === 'callback' ? 'callback_request' : ref.kind === 'campaign' ? 'campaign_contact' : 'lead',
        entityId: ref.sourceId,
        details: { reason: input.reason },
        ip,
      });
    }
    return { released };
  });
}

/** How many items this operator could claim now, counted through the same index ranges and capped. */
export async function queueSize(deps: AppDeps, user: SessionUser): Promise<WorkQueueSize> {
  const op = requireOperator(user);
  const now = deps.clock.now();
  const at = now.toISOString();
  let count = await countCallbacks(deps.db, op.siteId, op.userId, at, QUEUE_SIZE_CAP);
  if (count < QUEUE_SIZE_CAP)
    count += await countLeadFollowUps(deps.db, op.siteId, op.userId, at, QUEUE_SIZE_CAP - count);
  if (count < QUEUE_SIZE_CAP) {
    const campaigns = (await activeCampaignsOfSite(deps.db, op.siteId)).filter((c) => campaignMayDialNow(c, now));
    for (const c of campaigns) {
      if (count >= QUEUE_SIZE_CAP) break;
      count += await countCampaignContacts(deps.db, c.id, at, QUEUE_SIZE_CAP - count);
    }
  }
  return { count, capped: count >= QUEUE_SIZE_CAP };
}

/** The operator's own open promises: the callbacks they agreed and the leads they own, by due time (work.mine). */
export async function myPromises(deps: AppDeps, user: SessionUser): Promise<MyPromise[]> {
  const op = requireOperator(user);
  const at = deps.clock.now().toISOString();
  const rows = await listPromisesOf(deps.db, op.userId, 200);
  return rows.map((r) => {
    const held = r.lease_owner === op.userId && r.lease_expires_at !== null && r.lease_expires_at >= at;
    return {
      id: workItemIdOf(r.kind, r.id),
      kind: r.kind,
      sourceId: r.id,
      flow: r.flow === 'campaign' ? 'campaign' : 'callback',
      customerId: r.customer_id,
      customerName: r.first_name ? `${r.first_name} ${r.last_name ?? ''}`.trim() : null,
      phoneMasked: maskPhone(r.phone),
      dueAt: r.due_at,
      personalUntil: r.personal_until,
      productCode: r.product_code,
      held,
      due: r.due_at <= at,
      note: r.note,
    };
  });
}

/**
 * Takes one of the operator's own due promises now ("I miei impegni"), under the usual lease, instead of the next item
 * in queue order. Refused while they hold another item, or when the promise is not theirs, not due, or taken.
 */
export async function takePromise(deps: AppDeps, user: SessionUser, input: { id: string }): Promise<WorkItem> {
  const op = requireOperator(user);
  const ref = parseWorkItemId(input.id);
  if (ref.kind === 'campaign')
    throw new DomainError('BAD_REQUEST', 'VALIDATION', 'Campaign contacts come from the queue.');
  const now = deps.clock.now();
  const at = now.toISOString();
  const leaseUntil = new Date(now.getTime() + leaseMinutes(deps.config) * 60_000).toISOString();
  return groupCommit(deps.db, async (trx) => {
    const held = await findHeld(trx, op.userId, at);
    if (held) {
      if (held.kind === ref.kind && held.sourceId === ref.sourceId) return buildItem(trx, held);
      throw new DomainError('CONFLICT', 'VALIDATION', 'Finish or release the item you are working on first.');
    }
    const closed = ref.kind === 'callback' ? await closedCallingWindow(trx, ref.sourceId, now) : null;
    if (closed) {
      throw new DomainError(
        'CONFLICT',
        'VALIDATION',
        `The campaign's calling window is closed now: this customer can be called from ${closed.opening.toISOString()}.`,
      );
    }
    const claimed = await claimOwnPromise(trx, ref, op.userId, leaseUntil, at);
    if (!claimed) {
      throw new DomainError(
        'CONFLICT',
        'VALIDATION',
        'This promise is not yours to take now: it is not due yet, or it was taken or closed.',
      );
    }
    return buildItem(trx, ref);
  });
}
