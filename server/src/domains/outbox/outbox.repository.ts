import { sql, type Selectable } from 'kysely';
import type { Executor } from '../../db/database';
import type { DeliveryReceipt } from './delivery';
import type { OutboxStatus, OutboxTable } from './outbox.table';

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
/**
 * The statuses of the partial indexes outbox_pending and outbox_sending, written into the SQL: SQLite matches a partial
 * index only against a literal (bound, it re-plans the statement on every run). The worker asks every two seconds.
 */
const PENDING = sql.lit<OutboxStatus>('pending');
const SENDING = sql.lit<OutboxStatus>('sending');

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
        .where('status', '=', PENDING)
        .where('next_attempt_at', '<=', at)
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(limit),
    )
    .returningAll()
    .execute();
  return rows.sort((a, b) => a.next_attempt_at.localeCompare(b.next_attempt_at) || a.id - b.id);
}

/**
 * Puts back messages whose sending lease ran out (the worker died mid-send): at-least-once delivery for the
 * adapters that record nothing before sending. A message whose submit had started is not among them: see
 * settleInterruptedSubmissions.
 */
export async function releaseExpiredClaims(db: Executor, now: Date): Promise<number> {
  const result = await db
    .updateTable('outbox')
    .set({ status: 'pending' })
    .where('status', '=', SENDING)
    .where('next_attempt_at', '<=', now.toISOString())
    .where('submit_started_at', 'is', null)
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
      // the gateway said no (or it never went out): nothing of this attempt is in flight
      submit_started_at: null,
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

/** Why a message is `unknown` after a restart: its submit went out and the process stopped before the answer. */
export const INTERRUPTED_SUBMIT =
  'The server stopped after this SMS was submitted to the SMSC and before its answer was recorded: it may or may not ' +
  'have been accepted, so it is not sent again (at most once). Check with the SMSC before sending it by hand.';

/**
 * The adapter is about to put the message on the wire. Committed before the submit, so that after a crash the row
 * says "may have gone out" and is never submitted again. False when the row is no longer this worker's to send.
 */
export async function markSubmitting(db: Executor, id: number, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set({ submit_started_at: now.toISOString() })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * The gateway accepted the message under its own id (SMPP: submit_sm_resp). Also from `unknown`: an answer that
 * arrives late, or after a restart settled the row, still tells the truth. Returns whether the row changed.
 */
export async function markAccepted(db: Executor, id: number, gatewayMessageId: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set((eb) => ({
      status: 'sent',
      smsc_message_id: gatewayMessageId,
      sent_at: now.toISOString(),
      attempts: eb
        .case()
        .when('status', '=', 'sending')
        .then(eb('attempts', '+', 1))
        .else(eb.ref('attempts'))
        .end(),
      last_error: null,
    }))
    .where('id', '=', id)
    .where('status', 'in', ['sending', 'unknown'])
    .where('smsc_message_id', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The submit went out and no answer came (link lost, timeout): not sent again, left for a person. */
export async function markUnknown(
  db: Executor,
  row: Pick<OutboxRow, 'id' | 'attempts'>,
  reason: string,
  now: Date,
): Promise<void> {
  await db
    .updateTable('outbox')
    .set({
      status: 'unknown',
      attempts: row.attempts + 1,
      last_error: reason.slice(0, 500),
      next_attempt_at: now.toISOString(),
    })
    .where('id', '=', row.id)
    .where('status', '=', 'sending')
    .execute();
}

/** The gateway refused the message for good (e.g. an invalid number): no retry. */
export async function markRejected(
  db: Executor,
  row: Pick<OutboxRow, 'id' | 'attempts'>,
  error: string,
  now: Date,
): Promise<void> {
  await db
    .updateTable('outbox')
    .set({
      status: 'failed',
      attempts: row.attempts + 1,
      last_error: error.slice(0, 500),
      submit_started_at: null,
      next_attempt_at: now.toISOString(),
    })
    .where('id', '=', row.id)
    .where('status', '=', 'sending')
    .execute();
}

/**
 * A message whose submit had started and whose answer was never recorded, of a process that is gone, becomes
 * `unknown`: resending could give the customer the SMS twice. `leaseOver`: only those whose sending lease ran out
 * (a live process finishes a submit well within it) — always so with several nodes on one database, where another
 * node may be mid-submit right now; without it, every such message (at the start of the one server of a SQLite
 * file: nothing else can be sending). A late answer could still record it (markAccepted), so this is safe even if
 * its process were alive after all.
 */
export async function settleInterruptedSubmissions(
  db: Executor,
  now: Date,
  opts: { leaseOver?: boolean } = {},
): Promise<number> {
  let query = db
    .updateTable('outbox')
    .set((eb) => ({
      status: 'unknown',
      attempts: eb('attempts', '+', 1),
      last_error: INTERRUPTED_SUBMIT,
      next_attempt_at: now.toISOString(),
    }))
    .where('status', '=', SENDING)
    .where('submit_started_at', 'is not', null)
    .where('smsc_message_id', 'is', null);
  if (opts.leaseOver) query = query.where('next_attempt_at', '<=', now.toISOString());
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * A delivery receipt: sent → delivered or failed, once (a repeated receipt, or one for a message already final,
 * changes nothing). Returns whether a message took it.
 */
export async function recordReceipt(db: Executor, receipt: DeliveryReceipt, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set({
      status: receipt.outcome,
      receipt_stat: receipt.stat,
      receipt_at: now.toISOString(),
      last_error: receipt.error?.slice(0, 500) ?? null,
    })
    .where('smsc_message_id', '=', receipt.gatewayMessageId)
    .where('channel', '=', 'sms')
    .where('status', '=', 'sent')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
