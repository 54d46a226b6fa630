import type { SessionUser } from '@valore/shared/schemas/auth';
import type {
  AckMessageInput,
  CoachingMessage,
  MessagesEvent,
  SendCoachingInput,
} from '@valore/shared/schemas/monitor';
import { romeParts, romeToUtc } from '@valore/shared/time/rome-time';
import type { AppDeps } from '../../deps';
import type { Executor } from '../../db/database';
import type { FeedSend } from '../../realtime/feed';
import { topics } from '../../realtime/event-bus';
import { DomainError } from '../../errors';
import { insertAudit } from '../audit/audit.repository';
import { idempotentTransaction, userCaller } from '../audit/idempotency';
import {
  deliverQueuedMessages,
  findMessage,
  findOperatorStatus,
  findUserRef,
  insertMessage,
  listMessagesOfInteraction,
  listMessagesTo,
  markMessageRead,
  type TutorMessageRow,
} from './monitor.repository';

export function toCoachingMessage(row: TutorMessageRow): CoachingMessage {
  return {
    id: row.id,
    fromUserId: row.from_user_id,
    fromName: row.from_name,
    toUserId: row.to_user_id,
    interactionClientId: row.interaction_client_id,
    step: row.step,
    body: row.body,
    sentAt: row.sent_at,
    deliveredAt: row.delivered_at,
    acknowledgedAt: row.acknowledged_at,
  };
}

/** A tutor may address only operators of their own site; an admin anyone. Unknown and foreign look alike. */
export async function operatorInScope(db: Executor, actor: SessionUser, operatorId: number) {
  const operator = await findUserRef(db, operatorId);
  if (!operator || operator.role !== 'operator')
    throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Operator ${operatorId} does not exist.`);
  if (actor.role !== 'admin' && operator.site_id !== actor.siteId) {
    throw new DomainError('FORBIDDEN', 'FORBIDDEN_SCOPE', 'You can only coach the operators of your own site.');
  }
  return operator;
}

/**
 * Sends a coaching message to a signed-in operator. On a contact it is pinned to that contact and the step it is at,
 * and delivered at once; otherwise it is queued and delivered when the operator opens their next contact
 * (deliverQueuedCoaching). The contact and the step come from the operator's state on the server, not from the
 * tutor's screen, which may be a second behind.
 */
export async function sendCoaching(
  deps: AppDeps,
  actor: SessionUser,
  input: SendCoachingInput,
  ip: string | null,
): Promise<CoachingMessage> {
  const at = deps.clock.now().toISOString();
  const { response, replayed } = await idempotentTransaction(
    deps,
    { caller: userCaller(actor), scope: `monitor.sendCoaching:${actor.id}`, key: input.requestId, input, at },
    async (trx) => {
      await operatorInScope(trx, actor, input.operatorId);
      const status = await findOperatorStatus(trx, input.operatorId);
      if (!status || status.state === 'signed_out') {
        throw new DomainError(
          'CONFLICT',
          'VALIDATION',
          'The operator is signed out: a coaching message waits only for a signed-in operator.',
        );
      }
      const onContact = status.state === 'on_contact' && status.interaction_client_id !== null;
      const id = await insertMessage(trx, {
        from_user_id: actor.id,
        to_user_id: input.operatorId,
        interaction_client_id: onContact ? status.interaction_client_id : null,
        step: onContact ? status.step : null,
        body: input.body,
        sent_at: at,
        delivered_at: onContact ? at : null,
        acknowledged_at: null,
      });
      await insertAudit(trx, {
        at,
        actorId: actor.id,
        action: 'coaching.sent',
        entityType: 'tutor_message',
        entityId: id,
        details: onContact
          ? { operatorId: input.operatorId, interactionClientId: status.interaction_client_id, step: status.step }
          : { operatorId: input.operatorId, queued: true },
        ip,
      });
      const row = await findMessage(trx, id);
      if (!row) throw new DomainError('INTERNAL_SERVER_ERROR', 'NOT_FOUND', 'The message was not stored.');
      return toCoachingMessage(row);
    },
  );
  // a queued message reaches the operator's console when it is delivered, not before
  if (!replayed && response.deliveredAt !== null) deps.bus.publish(topics.userMessages(input.operatorId), response);
  return response;
}

/**
 * Delivers the operator's queued messages to the contact they just opened, at its step, in the transaction that
 * records the new state: each queued message is delivered once (the update takes only those still queued). Returns
 * them, for the caller to publish once the transaction is committed (publishDelivered).
 */
export async function deliverQueuedCoaching(
  trx: Executor,
  operatorId: number,
  contact: { interactionClientId: string; step: string | null },
  at: string,
): Promise<CoachingMessage[]> {
  const ids = await deliverQueuedMessages(trx, operatorId, contact, at);
  const rows = await Promise.all(ids.map((id) => findMessage(trx, id)));
  return rows.filter((r): r is TutorMessageRow => r !== undefined).map(toCoachingMessage);
}

export function publishDelivered(bus: AppDeps['bus'], messages: readonly CoachingMessage[]): void {
  for (const m of messages) bus.publish(topics.userMessages(m.toUserId), m);
}

function startOfToday(deps: AppDeps): string {
  return romeToUtc(romeParts(deps.clock.now()).date, 0).toISOString();
}

/** The operator's own messages: unread ones, today's, and (when given) all of one contact. */
export async function myMessages(
  deps: AppDeps,
  user: SessionUser,
  interactionClientId: string | undefined,
): Promise<CoachingMessage[]> {
  const rows = await listMessagesTo(deps.db, user.id, {
    interactionClientId,
    since: startOfToday(deps),
    delivered: true,
  });
  return rows.map(toCoachingMessage);
}

/** What a tutor sent to one operator of their site today, with read receipts. */
export async function messagesToOperator(
  deps: AppDeps,
  actor: SessionUser,
  operatorId: number,
): Promise<CoachingMessage[]> {
  await operatorInScope(deps.db, actor, operatorId);
  const rows = await listMessagesTo(deps.db, operatorId, { since: startOfToday(deps) });
  return rows.filter((r) => r.sent_at >= startOfToday(deps)).map(toCoachingMessage);
}

export async function messagesOfInteraction(db: Executor, interactionClientId: string): Promise<CoachingMessage[]> {
  return (await listMessagesOfInteraction(db, interactionClientId)).map(toCoachingMessage);
}

export async function acknowledgeMessage(
  deps: AppDeps,
  user: SessionUser,
  input: AckMessageInput,
  ip: string | null,
): Promise<CoachingMessage> {
  const at = deps.clock.now().toISOString();
  const { response } = await idempotentTransaction(
    deps,
    { caller: userCaller(user), scope: `monitor.ackMessage:${user.id}`, key: input.requestId, input, at },
    async (trx) => {
      const row = await findMessage(trx, input.messageId);
      // someone else's message is reported as missing: its existence is not the operator's business
      // so is a queued one: the operator sees it only once it is delivered with their next contact
      if (!row || row.to_user_id !== user.id || row.delivered_at === null)
        throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Message ${input.messageId} does not exist.`);
      if (row.acknowledged_at === null) {
        await markMessageRead(trx, row.id, at);
        await insertAudit(trx, {
          at,
          actorId: user.id,
          action: 'coaching.acknowledged',
          entityType: 'tutor_message',
          entityId: row.id,
          ip,
        });
      }
      return toCoachingMessage({ ...row, acknowledged_at: row.acknowledged_at ?? at });
    },
  );
  return response;
}

/**
 * The operator's live message feed: today's messages first (a snapshot), then each new message as it is sent.
 * After a reconnect (`lastEventId`: the id of the last message received) only the messages after it come, one by
 * one. Listens on the bus before reading, so nothing sent meanwhile is lost; nothing is sent twice.
 */
export async function openMessagesFeed(
  deps: AppDeps,
  user: SessionUser,
  lastEventId: string | null,
  send: FeedSend<MessagesEvent>,
): Promise<() => void> {
  let seen: Set<number> | null = null; // null until the first read is out: bus messages wait in `early`
  const early: CoachingMessage[] = [];
  const deliver = (message: CoachingMessage) => {
    if (seen?.has(message.id)) return;
    seen?.add(message.id);
    send({ kind: 'message', message }, String(message.id));
  };
  const stop = deps.bus.subscribe<CoachingMessage>(topics.userMessages(user.id), (message) =>
    seen ? deliver(message) : early.push(message),
  );
  try {
    const existing = await myMessages(deps, user, undefined);
    const after = lastEventId !== null && /^\d{1,15}$/.test(lastEventId) ? Number(lastEventId) : null;
    seen = new Set();
    if (after === null) {
      existing.forEach((m) => seen?.add(m.id));
      const last = existing.reduce((max, m) => Math.max(max, m.id), 0);
      send({ kind: 'snapshot', messages: existing }, String(last));
    } else {
      existing.forEach((m) => (m.id > after ? deliver(m) : seen?.add(m.id)));
    }
    early.forEach(deliver);
    return stop;
  } catch (error) {
    stop();
    throw error;
  }
}
