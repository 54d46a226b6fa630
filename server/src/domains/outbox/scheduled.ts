import type { Executor } from '../../db/database';
import type { NewOutboxMessage } from './outbox.repository';

/**
 * Messages that go out later (an appointment's reminder the evening before). The worker already sends a pending
 * row only once its `next_attempt_at` has come, so a scheduled message is an ordinary pending row whose first
 * attempt lies in the future; nothing in the delivery path changes.
 */
export async function enqueueScheduledMessage(
  db: Executor,
  msg: NewOutboxMessage,
  args: { now: Date; sendAt: Date },
): Promise<number> {
  const sendAt = args.sendAt > args.now ? args.sendAt : args.now;
  const row = await db
    .insertInto('outbox')
    .values({
      channel: msg.channel,
      recipient: msg.recipient,
      subject: msg.subject,
      body: msg.body,
      last_error: null,
      ref_type: msg.refType,
      ref_id: msg.refId === null ? null : String(msg.refId),
      created_at: args.now.toISOString(),
      next_attempt_at: sendAt.toISOString(),
      sent_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Withdraws the messages of a reference that have not gone out yet; returns how many. Only 'pending' rows are
 * touched: one the worker is sending right now, or has sent, can no longer be called back. The rows are deleted
 * rather than marked, because the outbox's statuses (pending, sending, sent, failed) have no "withdrawn" and a
 * 'failed' row would ask a person to look at it; the caller's audit row records the withdrawal.
 */
export async function cancelPendingMessages(db: Executor, refType: string, refId: string | number): Promise<number> {
  const result = await db
    .deleteFrom('outbox')
    .where('ref_type', '=', refType)
    .where('ref_id', '=', String(refId))
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
