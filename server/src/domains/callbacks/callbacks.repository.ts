import { sql, type Insertable } from 'kysely';
import type { Executor } from '../../db/database';
import type { CallbackRequestsTable } from './callbacks.table';

export interface IdempotentRequest {
  id: string;
  dueBy: string;
  requestHash: string | null;
}

export async function findByIdempotencyKey(db: Executor, key: string): Promise<IdempotentRequest | undefined> {
  const row = await db
    .selectFrom('callback_requests')
    .select(['id', 'due_by', 'request_hash'])
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
  return row && { id: row.id, dueBy: row.due_by, requestHash: row.request_hash };
}

export async function insertCallbackRequest(db: Executor, row: Insertable<CallbackRequestsTable>): Promise<void> {
  await db.insertInto('callback_requests').values(row).execute();
}

export interface ActiveProduct {
  code: string;
  nameIt: string;
  nameEn: string;
  outcomes: string[];
}

export async function activeProducts(db: Executor): Promise<ActiveProduct[]> {
  const rows = await db
    .selectFrom('products')
    .select(['code', 'name_it', 'name_en', 'outcomes'])
    .where('active', '=', 1)
    .orderBy('code')
    .execute();
  return rows.map((r) => ({
    code: r.code,
    nameIt: r.name_it,
    nameEn: r.name_en,
    outcomes: JSON.parse(r.outcomes) as string[],
  }));
}

export async function isActiveProduct(db: Executor, code: string): Promise<boolean> {
  const row = await db
    .selectFrom('products')
    .select('code')
    .where('code', '=', code)
    .where('active', '=', 1)
    .executeTakeFirst();
  return row !== undefined;
}

export async function customerExists(db: Executor, id: number): Promise<boolean> {
  const row = await db.selectFrom('customers').select('id').where('id', '=', id).executeTakeFirst();
  return row !== undefined;
}

/** The one customer with this phone number; null when none or when several share it (the operator identifies them). */
export async function uniqueCustomerByPhone(db: Executor, phone: string): Promise<{ id: number; name: string } | null> {
  const rows = await db
    .selectFrom('customers')
    .select(['id', 'first_name', 'last_name'])
    .where('phone', '=', phone)
    .limit(2)
    .execute();
  const [only] = rows;
  return rows.length === 1 && only ? { id: only.id, name: `${only.first_name} ${only.last_name}` } : null;
}

export interface OpenCallbackRow {
  id: string;
  mode: 'now' | 'scheduled';
  channel: 'web' | 'app' | 'phone';
  product_code: string | null;
  name_it: string | null;
  name_en: string | null;
  phone: string;
  customer_id: number | null;
  status: 'pending' | 'claimed';
  created_at: string;
  preferred_at: string | null;
  due_at: string;
  due_by: string;
  attempts: number;
  max_attempts: number;
  lease_owner: number | null;
  lease_expires_at: string | null;
  holder_name: string | null;
}

/** Open requests (pending or claimed), most urgent due-by first: the SLA board's rows. */
export async function openCallbackRequests(db: Executor, limit: number): Promise<OpenCallbackRow[]> {
  const rows = await db
    .selectFrom('callback_requests as c')
    .leftJoin('products as p', 'p.code', 'c.product_code')
    .leftJoin('users as u', 'u.id', 'c.lease_owner')
    .select([
      'c.id',
      'c.mode',
      'c.channel',
      'c.product_code',
      'p.name_it',
      'p.name_en',
      'c.phone',
      'c.customer_id',
      'c.status',
      'c.created_at',
      'c.preferred_at',
      'c.due_at',
      'c.due_by',
      'c.attempts',
      'c.max_attempts',
      'c.lease_owner',
      'c.lease_expires_at',
      'u.display_name as holder_name',
    ])
    .where('c.status', 'in', ['pending', 'claimed'])
    .orderBy('c.due_by')
    .orderBy('c.id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, status: r.status === 'claimed' ? 'claimed' : 'pending' }));
}

export interface OpenCounts {
  open: number;
  waiting: number;
  scheduled: number;
  claimed: number;
  breached: number;
}

/**
 * Counts over the open requests. A claim whose lease has run out counts as waiting again: the queue hands it out
 * anew (the other side of the lease contract), so the board must not show it as being handled.
 */
export async function openCounts(db: Executor, now: string): Promise<OpenCounts> {
  const row = await db
    .selectFrom('callback_requests')
    .select([
      sql<number>`count(*)`.as('open'),
      sql<number>`coalesce(sum(CASE WHEN (status = 'pending' OR lease_expires_at <= ${now}) AND due_at <= ${now} THEN 1 ELSE 0 END), 0)`.as(
        'waiting',
      ),
      sql<number>`coalesce(sum(CASE WHEN status = 'pending' AND due_at > ${now} THEN 1 ELSE 0 END), 0)`.as('scheduled'),
      sql<number>`coalesce(sum(CASE WHEN status = 'claimed' AND (lease_expires_at IS NULL OR lease_expires_at > ${now}) THEN 1 ELSE 0 END), 0)`.as(
        'claimed',
      ),
      sql<number>`coalesce(sum(CASE WHEN due_by < ${now} THEN 1 ELSE 0 END), 0)`.as('breached'),
    ])
    .where('status', 'in', ['pending', 'claimed'])
    .executeTakeFirstOrThrow();
  return {
    open: Number(row.open),
    waiting: Number(row.waiting),
    scheduled: Number(row.scheduled),
    claimed: Number(row.claimed),
    breached: Number(row.breached),
  };
}

/** Call Me Now requests answered in [from, to): all of them, and those answered by their due-by time. */
export async function answeredNowRequests(
  db: Executor,
  from: string,
  to: string,
): Promise<{ answered: number; withinTarget: number }> {
  const row = await db
    .selectFrom('callback_requests')
    .select([
      sql<number>`count(*)`.as('answered'),
      sql<number>`coalesce(sum(CASE WHEN answered_at <= due_by THEN 1 ELSE 0 END), 0)`.as('within'),
    ])
    .where('answered_at', '>=', from)
    .where('answered_at', '<', to)
    .where('mode', '=', 'now')
    .executeTakeFirstOrThrow();
  return { answered: Number(row.answered), withinTarget: Number(row.within) };
}
