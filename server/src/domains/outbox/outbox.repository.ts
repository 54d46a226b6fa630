import type { Selectable } from 'kysely';
import type { Executor } from '../../db/database';
import type { OutboxTable } from './outbox.table';

export type OutboxRow = Selectable<OutboxTable>;
export type OutboxChannel = OutboxTable['channel'];

export interface NewOutboxMessage {
  channel: OutboxChannel;
  recipient: string;
  subject: string | null;
  body: string;
  refType: string | null;
  refId: string | number | null;
}

/** After this many failed attempts a message is given up ('failed') and left for a person to look at. */
export const MAX_ATTEMPTS = 5;
/** How long a claimed ('sending') message is reserved before a restarted worker may take it again. */
export const SENDING_LEASE_MS = 5 * 60_000;

export async function enqueueMessage(db: Executor, msg: NewOutboxMessage, now: Date): Promise<number> {
  const at = now.toISOString();
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
      created_at: at,
      next_attempt_at: at,
      sent_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Takes up to `limit` due messages in one statement (pending → sending), oldest due first. While a message is
 * 'sending', next_attempt_at holds the end of its lease, so a crash mid-send leaves it recoverable.
 */
export async function claimDueMessages(db: Executor, now: Date, limit: number): Promise<OutboxRow[]> {
  const at = now.toISOString();
  const rows = await db
    .updateTable('outbox')
    .set({ status: 'sending', next_attempt_at: new Date(now.getTime() + SENDING_LEASE_MS).toISOString() })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('outbox')
        .select('id')
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', at)
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(limit),
    )
    .returningAll()
    .execute();
  return rows.sort((a, b) => a.next_attempt_at.localeCompare(b.next_attempt_at) || a.id - b.id);
}

/** Puts back messages whose sending lease ran out (the worker died mid-send): at-least-once delivery. */
export async function releaseExpiredClaims(db: Executor, now: Date): Promise<number> {
  const result = await db
    .updateTable('outbox')
    .set({ status: 'pending' })
    .where('status', '=', 'sending')
    .where('next_attempt_at', '<=', now.toISOString())
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function markSent(db: Executor, id: number, now: Date): Promise<void> {
  await db
    .updateTable('outbox')
    .set((eb) => ({ status: 'sent', sent_at: now.toISOString(), attempts: eb('attempts', '+', 1), last_error: null }))
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .execute();
}

/** Next try after 2, 4, 8, 16 minutes; the fifth failure is final. */
export function retryDelayMs(attemptsSoFar: number): number {
  return 2 ** attemptsSoFar * 60_000;
}

export async function markFailed(
  db: Executor,
  row: Pick<OutboxRow, 'id' | 'attempts'>,
  error: string,
  now: Date,
): Promise<'pending' | 'failed'> {
  const attempts = row.attempts + 1;
  const status = attempts >= MAX_ATTEMPTS ? 'failed' : 'pending';
  await db
    .updateTable('outbox')
    .set({
      status,
      attempts,
      last_error: error.slice(0, 500),
      next_attempt_at: new Date(now.getTime() + (status === 'pending' ? retryDelayMs(attempts) : 0)).toISOString(),
    })
    .where('id', '=', row.id)
    .where('status', '=', 'sending')
    .execute();
  return status;
}

export async function findMessagesByRef(db: Executor, refType: string, refId: string | number): Promise<OutboxRow[]> {
  return db
    .selectFrom('outbox')
    .selectAll()
    .where('ref_type', '=', refType)
    .where('ref_id', '=', String(refId))
    .orderBy('id')
    .execute();
}
