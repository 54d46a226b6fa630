import { sql } from 'kysely';
import type { SessionUser } from '@valore/shared/schemas/auth';
import type { WorkItem, WorkOffer, WorkOfferEvent } from '@valore/shared/schemas/work';
import type { Executor } from '../../db/database';
import type { OfferStatus } from './work.table';
import type { AppDeps } from '../../deps';
import { DomainError } from '../../errors';
import type { Logger } from '../../logger';
import { repeatEvery } from '../../repeat';
import type { FeedMark, FeedSend } from '../../realtime/feed';
import { topics, type EventBus } from '../../realtime/event-bus';
import { findOperatorStatus } from '../monitor/monitor.repository';
import { announceStatus, changeOperatorStatus } from '../monitor/status.service';
import { findHeld, setLease, type HeldRef } from './work.repository';
import { buildItem, claimNextWorkItemIn, leaseMinutes, requireOperator } from './work.service';
import { groupCommit } from '../../db/group-commit';

/**
 * Pushed work, as an ACD does it (docs/api.md, "Pushed work"): in a site that pushes (sites.dispatch_mode, the
 * default), each operator who is Ready and holds nothing is offered the most urgent item — the one work.next would
 * give them, claimed by the same code under a lease as long as the offer — longest-ready first. The console rings;
 * the operator accepts with one key (the lease becomes a work lease and the contact opens) or declines; an offer not
 * answered in time expires. A declined or expired offer gives the item back to the queue at once, where the next
 * Ready operator is offered it, and puts the operator who let it go in a pause (missed_offer / declined_offer): a
 * ringing console nobody answers does not keep taking the queue's head. Every offer and how it ended is kept
 * (work_offers). work.next stays: it accepts the operator's own open offer, and in a pull site it is the only way.
 */

export const DEFAULT_OFFER_SECONDS = 15;

interface OfferRow {
  id: number;
  operator_id: number;
  site_id: number;
  item_kind: HeldRef['kind'];
  source_id: string;
  offered_at: string;
  expires_at: string;
}

/**
 * `status = 'offered'` written into the SQL, not bound: it is the condition of the partial indexes work_offers_open and
 * work_offers_due, and SQLite matches a partial index only against a literal (a bound value makes it re-plan the
 * statement on every run, or scan). Every work.next reads the caller's open offer.
 */
const OFFERED = sql.lit<OfferStatus>('offered');

const refOf = (row: OfferRow): HeldRef => ({ kind: row.item_kind, sourceId: row.source_id });

async function openOfferOf(db: Executor, operatorId: number): Promise<OfferRow | undefined> {
  return db
    .selectFrom('work_offers')
    .select(['id', 'operator_id', 'site_id', 'item_kind', 'source_id', 'offered_at', 'expires_at'])
    .where('operator_id', '=', operatorId)
    .where('status', '=', OFFERED)
    .executeTakeFirst();
}

async function offerOf(db: Executor, row: OfferRow): Promise<WorkOffer> {
  return { id: row.id, offeredAt: row.offered_at, expiresAt: row.expires_at, item: await buildItem(db, refOf(row)) };
}

function publish(bus: EventBus, operatorId: number, event: WorkOfferEvent): void {
  bus.publish(topics.userOffers(operatorId), event);
}

/**
 * Ends an open offer (not accepted): the item back to the queue, the operator paused, both told. Runs in the caller's
 * transaction; returns whether it ended the offer and whether it paused the operator (whose board change the caller
 * announces once committed: announceStatus).
 */
async function letGo(
  deps: Pick<AppDeps, 'db' | 'bus'>,
  trx: Executor,
  row: OfferRow,
  how: 'declined' | 'expired',
  at: string,
): Promise<{ ended: boolean; paused: boolean }> {
  const ended = await trx
    .updateTable('work_offers')
    .set({ status: how, decided_at: at })
    .where('id', '=', row.id)
    .where('status', '=', 'offered')
    .executeTakeFirst();
  if (Number(ended.numUpdatedRows) !== 1) return { ended: false, paused: false };
  await setLease(trx, refOf(row), row.operator_id, null, at);
  // paused only from Ready: an operator who meanwhile opened another contact (a manual call) stays on it
  const current = await findOperatorStatus(trx, row.operator_id);
  const paused = current?.state === 'ready';
  if (paused) {
    await changeOperatorStatus(
      trx,
      { id: row.operator_id, siteId: row.site_id },
      { state: 'paused', reason: how === 'expired' ? 'missed_offer' : 'declined_offer' },
      at,
    );
  }
  publish(deps.bus, row.operator_id, { offer: null, ended: how });
  return { ended: true, paused };
}

/**
 * One round of the dispatcher: offers that ran out expire, then each Ready operator of a pushing site who holds
 * nothing and has no open offer is offered the head of their queue. Returns how many offers it made.
 */
export async function dispatchOffers(
  deps: Pick<AppDeps, 'db' | 'bus' | 'clock' | 'config' | 'logger'>,
): Promise<number> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const due = await deps.db
    .selectFrom('work_offers')
    .select(['id', 'operator_id', 'site_id', 'item_kind', 'source_id', 'offered_at', 'expires_at'])
    .where('status', '=', OFFERED)
    .where('expires_at', '<=', at)
    .execute();
  for (const row of due) {
    const { paused } = await deps.db.transaction().execute((trx) => letGo(deps, trx, row, 'expired', at));
    if (paused) await announceStatus(deps, row.site_id);
  }

  const ready = await sql<{ user_id: number; site_id: number }>`
    SELECT s.user_id, u.site_id FROM operator_status s
      JOIN users u ON u.id = s.user_id
      JOIN sites t ON t.id = u.site_id
    WHERE s.state = 'ready' AND u.role = 'operator' AND u.active = 1 AND t.dispatch_mode = 'push'
      AND NOT EXISTS (SELECT 1 FROM work_offers o WHERE o.operator_id = s.user_id AND o.status = 'offered')
    ORDER BY s.since, s.user_id
    LIMIT 200`.execute(deps.db);
  const seconds = deps.config.offerSeconds ?? DEFAULT_OFFER_SECONDS;
  let made = 0;
  for (const op of ready.rows) {
    // One unit of work (a savepoint in the shared commit): the held check, the claim and the offer row commit together
    // or not at all. Apart, a crash between the claim and the offer left the item leased to an operator with no offer
    // on file (shown as theirs on a reload), and each offer cost two commits.
    const offered = await groupCommit(deps.db, async (trx) => {
      // an item already held (a contact in progress, a promise taken) is not replaced by an offer
      if (await findHeld(trx, op.user_id, at)) return null;
      const claimant = { userId: op.user_id, siteId: op.site_id };
      const item = await claimNextWorkItemIn(trx, deps.db, claimant, now, seconds / 60);
      if (!item) return null;
      const inserted = await trx
        .insertInto('work_offers')
        .values({
          operator_id: op.user_id,
          site_id: op.site_id,
          item_kind: item.kind,
          source_id: item.sourceId,
          offered_at: at,
          expires_at: item.leaseExpiresAt,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { id: inserted.id, item };
    });
    if (!offered) continue;
    made += 1;
    const { id, item } = offered;
    publish(deps.bus, op.user_id, { offer: { id, offeredAt: at, expiresAt: item.leaseExpiresAt, item }, ended: null });
  }
  return made;
}

/**
 * Accepts the operator's open offer: the short lease becomes a work lease and the item is theirs, as from work.next.
 * Accepting again (a retry) returns the item they now hold; an offer that expired or was never theirs is a conflict.
 */
export async function acceptOffer(deps: AppDeps, user: SessionUser, offerId: number): Promise<WorkItem> {
  const op = requireOperator(user);
  const now = deps.clock.now();
  const at = now.toISOString();
  const leaseUntil = new Date(now.getTime() + leaseMinutes(deps.config) * 60_000).toISOString();
  const item = await deps.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('work_offers')
      .select(['id', 'operator_id', 'site_id', 'item_kind', 'source_id', 'offered_at', 'expires_at', 'status'])
      .where('id', '=', offerId)
      .where('operator_id', '=', op.userId)
      .executeTakeFirst();
    if (!row) throw new DomainError('NOT_FOUND', 'NOT_FOUND', 'There is no such offer for you.');
    if (row.status === 'accepted') {
      const held = await findHeld(trx, op.userId, at);
      if (held && held.kind === row.item_kind && held.sourceId === row.source_id) return buildItem(trx, held);
    }
    if (row.status !== 'offered' || row.expires_at <= at)
      throw new DomainError('CONFLICT', 'OFFER_CLOSED', 'The offer is no longer open: it went to the queue.');
    if (!(await setLease(trx, refOf(row), op.userId, leaseUntil, at)))
      throw new DomainError('CONFLICT', 'OFFER_CLOSED', 'The offer is no longer open: it went to the queue.');
    await trx.updateTable('work_offers').set({ status: 'accepted', decided_at: at }).where('id', '=', row.id).execute();
    return buildItem(trx, refOf(row));
  });
  publish(deps.bus, op.userId, { offer: null, ended: 'accepted' });
  return item;
}

/** The operator declines their open offer: the item goes back to the queue (the next Ready operator), they pause. */
export async function declineOffer(deps: AppDeps, user: SessionUser, offerId: number): Promise<{ declined: boolean }> {
  const op = requireOperator(user);
  const at = deps.clock.now().toISOString();
  const { ended, paused } = await deps.db.transaction().execute(async (trx) => {
    const row = await openOfferOf(trx, op.userId);
    if (!row || row.id !== offerId) return { ended: false, paused: false };
    return letGo(deps, trx, row, 'declined', at);
  });
  if (paused) await announceStatus(deps, op.siteId);
  return { declined: ended };
}

/** work.next in a pushing site: the operator's open offer, accepted; null when they have none. */
export async function acceptOpenOffer(deps: AppDeps, user: SessionUser): Promise<WorkItem | null> {
  const row = await openOfferOf(deps.db, user.id);
  if (!row || row.expires_at <= deps.clock.now().toISOString()) return null;
  return acceptOffer(deps, user, row.id);
}

/** Whether the operator's held item is only offered to them (not theirs until accepted: no contact opens on reload). */
export async function isOffered(db: Executor, operatorId: number, ref: HeldRef): Promise<boolean> {
  const row = await openOfferOf(db, operatorId);
  return row !== undefined && row.item_kind === ref.kind && row.source_id === ref.sourceId;
}

/** The offers stream (http/streams.ts): the open offer now (or none), then each change. */
export async function openOffersFeed(
  deps: AppDeps,
  user: SessionUser,
  send: FeedSend<WorkOfferEvent>,
  mark: FeedMark,
): Promise<() => void> {
  requireOperator(user);
  let sequence = 0;
  const id = () => `${deps.clock.now().getTime()}.${++sequence}`;
  const stop = deps.bus.subscribe<WorkOfferEvent>(topics.userOffers(user.id), (event) => send(event, id()));
  try {
    const row = await openOfferOf(deps.db, user.id);
    if (row && row.expires_at > deps.clock.now().toISOString())
      send({ offer: await offerOf(deps.db, row), ended: null }, id());
    else mark(id());
    return stop;
  } catch (error) {
    stop();
    throw error;
  }
}

/** Runs the dispatcher every `intervalMs` (half a second: an item is offered within a second of being due). */
export function startOfferDispatcher(
  deps: Pick<AppDeps, 'db' | 'bus' | 'clock' | 'config'> & { logger: Logger },
  opts: { intervalMs?: number } = {},
): { stop: () => Promise<void> } {
  return repeatEvery(opts.intervalMs ?? 500, () => dispatchOffers(deps), {
    logger: deps.logger,
    message: 'work offers: dispatch failed',
  });
}
