import { sql } from 'kysely';
import type { SessionUser } from '@valore/shared/schemas/auth';
import type { ReassignCallbackInput, ReassignCallbackResult } from '@valore/shared/schemas/monitor';
import type { WorkOfferEvent } from '@valore/shared/schemas/work';
import type { Executor } from '../../db/database';
import type { AppDeps } from '../../deps';
import { DomainError } from '../../errors';
import { topics } from '../../realtime/event-bus';
import { insertAudit } from '../audit/audit.repository';
import { idempotentTransaction, userCaller } from '../audit/idempotency';
import { findOperatorStatus, findUserRef } from '../monitor/monitor.repository';
import { DEFAULT_OFFER_SECONDS } from './offers';
import { closedCallingWindow } from './promises';
import { findHeld, reapExpiredLeases } from './work.repository';
import { buildItem } from './work.service';

/**
 * A tutor reassigns a late callback (monitor.reassignCallback, docs/api.md "Reassigning a late callback"): to another
 * Ready operator of their site — the callback becomes that operator's promise and is offered to them at once, as
 * pushed work is (work/offers.ts: claimed under a lease as long as the offer; they accept it with one key; unanswered,
 * it goes back to the queue) — or back to the pool, its owner cleared. Only an open callback past its due-by that
 * nobody holds now: every write is conditional on the row still being pending, so a reassign and an operator's claim
 * racing for it have one winner, and an item is never held by two people. Idempotent (requestId), audited
 * `callback.reassigned`.
 */

const notFound = (id: string) => new DomainError('NOT_FOUND', 'NOT_FOUND', `Callback ${id} does not exist.`);
const conflict = (message: string) => new DomainError('CONFLICT', 'VALIDATION', message);

interface CallbackRef {
  id: string;
  status: string;
  due_by: string;
  site_id: number | null;
  owner_id: number | null;
}

async function lateOpenCallback(trx: Executor, actor: SessionUser, id: string, at: string): Promise<CallbackRef> {
  const row = await trx
    .selectFrom('callback_requests')
    .select(['id', 'status', 'due_by', 'site_id', 'owner_id'])
    .where('id', '=', id)
    .executeTakeFirst();
  // another site's callback is reported as missing: its existence is not the tutor's business
  if (!row || (actor.role !== 'admin' && row.site_id !== null && row.site_id !== actor.siteId)) throw notFound(id);
  if (row.status !== 'pending' && row.status !== 'claimed')
    throw conflict('This callback is closed: there is nothing to reassign.');
  if (row.due_by >= at) throw conflict('This callback is not late: it stays with its queue until its due-by.');
  if (row.status === 'claimed')
    throw conflict('An operator is working on this callback now: it can be reassigned once it is back in the queue.');
  return row;
}

/** The operator it goes to: an active operator of the actor's site (and of the callback's), Ready, holding nothing. */
async function availableOperator(trx: Executor, actor: SessionUser, cb: CallbackRef, operatorId: number, at: string) {
  const operator = await findUserRef(trx, operatorId);
  if (!operator || operator.role !== 'operator')
    throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Operator ${operatorId} does not exist.`);
  const site = actor.role === 'admin' ? (cb.site_id ?? operator.site_id) : actor.siteId;
  if (operator.site_id === null || operator.site_id !== site)
    throw new DomainError('FORBIDDEN', 'FORBIDDEN_SCOPE', 'You can only reassign to the operators of your own site.');
  const active = await trx.selectFrom('users').select('active').where('id', '=', operatorId).executeTakeFirst();
  const status = await findOperatorStatus(trx, operatorId);
  if (active?.active !== 1 || status?.state !== 'ready')
    throw conflict('The operator is not Ready now: choose an operator who is available.');
  const offered = await trx
    .selectFrom('work_offers')
    .select('id')
    .where('operator_id', '=', operatorId)
    .where('status', '=', 'offered')
    .executeTakeFirst();
  if (offered || (await findHeld(trx, operatorId, at)))
    throw conflict('The operator is already taking another contact: choose an operator who is available.');
  return { id: operator.id, siteId: operator.site_id };
}

export async function reassignLateCallback(
  deps: AppDeps,
  actor: SessionUser,
  input: ReassignCallbackInput,
  ip: string | null,
): Promise<ReassignCallbackResult & { siteId: number | null }> {
  if (actor.role !== 'admin' && actor.siteId === null)
    throw new DomainError('FORBIDDEN', 'FORBIDDEN_SCOPE', 'You are not assigned to a site.');
  const now = deps.clock.now();
  const at = now.toISOString();
  let pushed: WorkOfferEvent | null = null;
  let siteOf: number | null = null;
  const { response, replayed } = await idempotentTransaction(
    deps,
    { caller: userCaller(actor), scope: `monitor.reassignCallback:${actor.id}`, key: input.requestId, input, at },
    async (trx) => {
      // a lease that ran out puts its item back first (as a claim would), so "held" means held now
      await reapExpiredLeases(trx, at);
      const cb = await lateOpenCallback(trx, actor, input.callbackId, at);
      siteOf = cb.site_id;
      let offer: { id: number; expiresAt: string } | null = null;
      if (input.toOperatorId === null) {
        const r = await sql`UPDATE callback_requests SET owner_id = NULL, personal_until = NULL, updated_at = ${at}
          WHERE id = ${cb.id} AND status = 'pending'`.execute(trx);
        if (Number(r.numAffectedRows ?? 0) !== 1) throw conflict('The callback was just taken: nothing changed.');
      } else {
        const to = await availableOperator(trx, actor, cb, input.toOperatorId, at);
        const closed = await closedCallingWindow(trx, cb.id, now);
        if (closed)
          throw conflict(`The campaign's calling window is closed now: it opens at ${closed.opening.toISOString()}.`);
        const expiresAt = new Date(
          now.getTime() + (deps.config.offerSeconds ?? DEFAULT_OFFER_SECONDS) * 1_000,
        ).toISOString();
        // the one conditional claim: still pending (nobody took it meanwhile), now the operator's under the offer's lease
        const r = await sql`UPDATE callback_requests SET status = 'claimed', lease_owner = ${to.id},
            lease_expires_at = ${expiresAt}, owner_id = ${to.id}, personal_until = NULL, updated_at = ${at}
          WHERE id = ${cb.id} AND status = 'pending'`.execute(trx);
        if (Number(r.numAffectedRows ?? 0) !== 1) throw conflict('The callback was just taken: nothing changed.');
        const inserted = await trx
          .insertInto('work_offers')
          .values({
            operator_id: to.id,
            site_id: to.siteId,
            item_kind: 'callback',
            source_id: cb.id,
            offered_at: at,
            expires_at: expiresAt,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        offer = { id: inserted.id, expiresAt };
        const item = await buildItem(trx, { kind: 'callback', sourceId: cb.id });
        pushed = { offer: { id: inserted.id, offeredAt: at, expiresAt, item }, ended: null };
      }
      await insertAudit(trx, {
        at,
        actorId: actor.id,
        action: 'callback.reassigned',
        entityType: 'callback_request',
        entityId: cb.id,
        details: { fromOwnerId: cb.owner_id, toOperatorId: input.toOperatorId, offerId: offer?.id ?? null },
        ip,
      });
      return {
        callbackId: cb.id,
        toOperatorId: input.toOperatorId,
        fromOwnerId: cb.owner_id,
        offerId: offer?.id ?? null,
        offerExpiresAt: offer?.expiresAt ?? null,
      };
    },
  );
  // the operator's console rings now (the offers stream); the item is what it would be from work.next
  if (!replayed && pushed && input.toOperatorId !== null)
    deps.bus.publish(topics.userOffers(input.toOperatorId), pushed);
  return { ...response, siteId: siteOf };
}
