import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../db/database';
import type { OperatorStatusTable, TutorMessagesTable } from './monitor.table';

export type OperatorStatusRow = Selectable<OperatorStatusTable>;

export async function findOperatorStatus(db: Executor, userId: number): Promise<OperatorStatusRow | undefined> {
  return db.selectFrom('operator_status').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

export async function upsertOperatorStatus(db: Executor, row: OperatorStatusRow): Promise<void> {
  await db
    .insertInto('operator_status')
    .values(row)
    .onConflict((oc) => oc.column('user_id').doUpdateSet(row))
    .execute();
}

export async function logOperatorState(
  db: Executor,
  row: { user_id: number; state: OperatorStatusRow['state']; reason: string | null; at: string },
): Promise<void> {
  await db.insertInto('operator_status_log').values(row).execute();
}

// ---------- board ----------

export interface SiteOperatorRow {
  id: number;
  username: string;
  display_name: string;
  status: OperatorStatusRow | null;
}

export async function listSiteOperators(db: Executor, siteId: number): Promise<SiteOperatorRow[]> {
  const rows = await db
    .selectFrom('users')
    .leftJoin('operator_status', 'operator_status.user_id', 'users.id')
    .select([
      'users.id',
      'users.username',
      'users.display_name',
      'operator_status.user_id',
      'operator_status.state',
      'operator_status.reason',
      'operator_status.since',
      'operator_status.flow',
      'operator_status.step',
      'operator_status.step_since',
      'operator_status.interaction_client_id',
      'operator_status.customer_id',
      'operator_status.updated_at',
    ])
    .where('users.site_id', '=', siteId)
    .where('users.role', '=', 'operator')
    .where('users.active', '=', 1)
    .orderBy('users.display_name')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    username: r.username,
    display_name: r.display_name,
    status:
      r.user_id !== null && r.state !== null && r.since !== null && r.updated_at !== null
        ? {
            user_id: r.user_id,
            state: r.state,
            reason: r.reason,
            since: r.since,
            flow: r.flow,
            step: r.step,
            step_since: r.step_since,
            interaction_client_id: r.interaction_client_id,
            customer_id: r.customer_id,
            updated_at: r.updated_at,
          }
        : null,
  }));
}

export interface OutcomeCountRow {
  operator_id: number;
  outcome: string;
  n: number;
}

/** Contacts of a site since `from`, per operator and outcome. */
export async function countOutcomesSince(db: Executor, siteId: number, from: string): Promise<OutcomeCountRow[]> {
  const rows = await db
    .selectFrom('interactions')
    .select(['operator_id', 'outcome', (eb) => eb.fn.countAll<number>().as('n')])
    .where('site_id', '=', siteId)
    .where('started_at', '>=', from)
    .groupBy(['operator_id', 'outcome'])
    .execute();
  return rows.map((r) => ({ operator_id: r.operator_id, outcome: r.outcome, n: Number(r.n) }));
}

export async function medianHandleMsSince(db: Executor, siteId: number, from: string): Promise<number | null> {
  const base = db.selectFrom('interactions').where('site_id', '=', siteId).where('started_at', '>=', from);
  const { n } = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const count = Number(n);
  if (count === 0) return null;
  const row = await base
    .select('handle_ms')
    .orderBy('handle_ms')
    .limit(1)
    .offset(Math.floor((count - 1) / 2))
    .executeTakeFirst();
  return row?.handle_ms ?? null;
}

export interface CallMeNowRow {
  id: string;
  product_code: string | null;
  due_by: string;
  status: 'pending' | 'claimed';
}

/** Call Me Now requests still waiting for an answer whose target falls before `until` (breached ones included). */
export async function callMeNowDueBefore(db: Executor, until: string, limit = 20): Promise<CallMeNowRow[]> {
  const rows = await db
    .selectFrom('callback_requests')
    .select(['id', 'product_code', 'due_by', 'status'])
    .where('mode', '=', 'now')
    .where('status', 'in', ['pending', 'claimed'])
    .where('due_by', '<', until)
    .orderBy('due_by')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, status: r.status === 'claimed' ? 'claimed' : 'pending' }));
}

// ---------- users ----------

export interface UserRef {
  id: number;
  role: string;
  site_id: number | null;
  display_name: string;
}

export async function findUserRef(db: Executor, userId: number): Promise<UserRef | undefined> {
  return db
    .selectFrom('users')
    .select(['id', 'role', 'site_id', 'display_name'])
    .where('id', '=', userId)
    .executeTakeFirst();
}

// ---------- coaching messages ----------

export type TutorMessageRow = Selectable<TutorMessagesTable> & { from_name: string };

function messagesQuery(db: Executor) {
  return db
    .selectFrom('tutor_messages')
    .innerJoin('users', 'users.id', 'tutor_messages.from_user_id')
    .selectAll('tutor_messages')
    .select('users.display_name as from_name');
}

export async function insertMessage(db: Executor, row: Insertable<TutorMessagesTable>): Promise<number> {
  const { id } = await db.insertInto('tutor_messages').values(row).returning('id').executeTakeFirstOrThrow();
  return id;
}

export async function findMessage(db: Executor, id: number): Promise<TutorMessageRow | undefined> {
  return messagesQuery(db).where('tutor_messages.id', '=', id).executeTakeFirst();
}

/**
 * An operator's messages: those not yet acknowledged, plus (when given) every one of a contact, oldest first.
 * `delivered`: only those delivered (what the operator sees; the queued ones wait for their next contact).
 */
export async function listMessagesTo(
  db: Executor,
  userId: number,
  opts: { interactionClientId?: string; since?: string; limit?: number; delivered?: boolean },
): Promise<TutorMessageRow[]> {
  return messagesQuery(db)
    .where('tutor_messages.to_user_id', '=', userId)
    .$if(opts.delivered === true, (q) => q.where('tutor_messages.delivered_at', 'is not', null))
    .where((eb) =>
      eb.or([
        eb('tutor_messages.acknowledged_at', 'is', null),
        ...(opts.interactionClientId
          ? [eb('tutor_messages.interaction_client_id', '=', opts.interactionClientId)]
          : []),
        ...(opts.since ? [eb('tutor_messages.sent_at', '>=', opts.since)] : []),
      ]),
    )
    .orderBy('tutor_messages.sent_at')
    .orderBy('tutor_messages.id')
    .limit(opts.limit ?? 100)
    .execute();
}

export async function listMessagesOfInteraction(db: Executor, interactionClientId: string): Promise<TutorMessageRow[]> {
  return messagesQuery(db)
    .where('tutor_messages.interaction_client_id', '=', interactionClientId)
    .orderBy('tutor_messages.sent_at')
    .orderBy('tutor_messages.id')
    .execute();
}

export async function markMessageRead(db: Executor, id: number, at: string): Promise<void> {
  await db
    .updateTable('tutor_messages')
    .set({ acknowledged_at: at })
    .where('id', '=', id)
    .where('acknowledged_at', 'is', null)
    .execute();
}

/** Pins an operator's queued messages to the contact they opened (only those still queued); returns their ids. */
export async function deliverQueuedMessages(
  db: Executor,
  userId: number,
  contact: { interactionClientId: string; step: string | null },
  at: string,
): Promise<number[]> {
  const rows = await db
    .updateTable('tutor_messages')
    .set({ interaction_client_id: contact.interactionClientId, step: contact.step, delivered_at: at })
    .where('to_user_id', '=', userId)
    .where('delivered_at', 'is', null)
    .returning('id')
    .execute();
  return rows.map((r) => r.id).sort((a, b) => a - b);
}
