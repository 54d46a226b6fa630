import { sql, type Insertable } from 'kysely';
import type { Executor } from '../../db/database';
import { isoPlusMinutes } from '../../db/postgres-dialect';
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

export interface OpenItemRow {
  kind: 'callback' | 'lead_followup';
  id: string;
  origin: 'intake' | 'agreed' | 'reschedule' | 'lead';
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
  owner_id: number | null;
  owner_name: string | null;
  personal_until: string | null;
}

/**
 * Every open promise a viewer of `siteId` (null: every site) may see, as one relation: the web and app requests of
 * every site, the callbacks agreed by the site's operators (and the reschedules of missed appointments), and the
 * site's open lead follow-ups. A lead's follow-up has no service-level deadline of its own: it counts as late
 * `toleranceMinutes` after its time, as a scheduled callback does.
 */
function openItems(db: Executor, siteId: number | null, toleranceMinutes: number, leadMaxAttempts: number) {
  return sql`
    SELECT 'callback' AS kind, c.id, c.origin, c.mode, c.channel, c.product_code, p.name_it, p.name_en, c.phone,
      c.customer_id, c.status, c.created_at, c.preferred_at, c.due_at, c.due_by, c.attempts, c.max_attempts,
      c.lease_owner, c.lease_expires_at, h.display_name AS holder_name, c.owner_id, o.display_name AS owner_name,
      c.personal_until
    FROM callback_requests c
    LEFT JOIN products p ON p.code = c.product_code
    LEFT JOIN users h ON h.id = c.lease_owner
    LEFT JOIN users o ON o.id = c.owner_id
    WHERE c.status IN ('pending', 'claimed') AND (c.site_id IS NULL OR CAST(${siteId} AS BIGINT) IS NULL OR c.site_id = ${siteId})
    UNION ALL
    SELECT 'lead_followup', CAST(l.id AS TEXT), 'lead', 'scheduled', 'phone', l.product_code, p.name_it, p.name_en,
      cu.phone, l.customer_id, CASE WHEN l.lease_owner IS NULL THEN 'pending' ELSE 'claimed' END, l.created_at,
      l.follow_up_at, l.follow_up_at,
      ${isoPlusMinutes(db, sql`l.follow_up_at`, toleranceMinutes)},
      l.attempts, ${leadMaxAttempts}, l.lease_owner, l.lease_expires_at, h.display_name, l.owner_id, o.display_name,
      l.personal_until
    FROM leads l
    JOIN customers cu ON cu.id = l.customer_id
    LEFT JOIN products p ON p.code = l.product_code
    LEFT JOIN users h ON h.id = l.lease_owner
    LEFT JOIN users o ON o.id = l.owner_id
    WHERE l.status = 'open' AND (CAST(${siteId} AS BIGINT) IS NULL OR l.site_id = ${siteId})`;
}

export interface OpenItemsScope {
  siteId: number | null;
  toleranceMinutes: number;
  leadMaxAttempts: number;
}

/** Open promises, most urgent due-by first: the SLA board's rows. */
export async function openBoardItems(db: Executor, scope: OpenItemsScope, limit: number): Promise<OpenItemRow[]> {
  const r =
    await sql<OpenItemRow>`SELECT * FROM (${openItems(db, scope.siteId, scope.toleranceMinutes, scope.leadMaxAttempts)}) AS items
    ORDER BY due_by, id LIMIT ${limit}`.execute(db);
  return r.rows;
}

export interface OpenCounts {
  open: number;
  waiting: number;
  scheduled: number;
  claimed: number;
  breached: number;
}

/**
 * Counts over the open promises. A claim whose lease has run out counts as waiting again: the queue hands it out
 * anew (the other side of the lease contract), so the board must not show it as being handled.
 */
export async function openCounts(db: Executor, scope: OpenItemsScope, now: string): Promise<OpenCounts> {
  const r = await sql<Record<keyof OpenCounts, number | null>>`SELECT count(*) AS open,
      sum(CASE WHEN (status = 'pending' OR lease_expires_at <= ${now}) AND due_at <= ${now} THEN 1 ELSE 0 END) AS waiting,
      sum(CASE WHEN status = 'pending' AND due_at > ${now} THEN 1 ELSE 0 END) AS scheduled,
      sum(CASE WHEN status = 'claimed' AND (lease_expires_at IS NULL OR lease_expires_at > ${now}) THEN 1 ELSE 0 END) AS claimed,
      sum(CASE WHEN due_by < ${now} THEN 1 ELSE 0 END) AS breached
    FROM (${openItems(db, scope.siteId, scope.toleranceMinutes, scope.leadMaxAttempts)}) AS items`.execute(db);
  const row = r.rows[0];
  return {
    open: Number(row?.open ?? 0),
    waiting: Number(row?.waiting ?? 0),
    scheduled: Number(row?.scheduled ?? 0),
    claimed: Number(row?.claimed ?? 0),
    breached: Number(row?.breached ?? 0),
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
