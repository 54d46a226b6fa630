import { sql, type Insertable, type Selectable } from 'kysely';
import type { Executor } from '../../db/database';
import { opaque } from '../../db/postgres-dialect';
import { precompiled } from '../../db/precompiled';
import type { ConsentsTable, CustomerAccessGrantsTable, CustomersTable } from './customers.table';

export type CustomerRow = Selectable<CustomersTable>;

// the card, every completion and the effects read it (precompiled: db/precompiled.ts); the current marketing consent
// is marketing-consent.ts's
const customerById = precompiled((db, v: { id: number }) =>
  db.selectFrom('customers').selectAll().where('id', '=', v.id),
);

export async function findCustomer(db: Executor, id: number): Promise<CustomerRow | undefined> {
  return customerById.first(db, { id });
}

export async function findCustomersByPhone(db: Executor, phone: string, limit: number): Promise<CustomerRow[]> {
  return db.selectFrom('customers').selectAll().where('phone', '=', phone).limit(limit).execute();
}

export async function findCustomersByTaxCode(db: Executor, taxCode: string): Promise<CustomerRow[]> {
  return db.selectFrom('customers').selectAll().where('tax_code', '=', taxCode).execute();
}

/** Name search on the (last_name, first_name) NOCASE index: prefix matches only, so it stays an index range. */
export async function findCustomersByName(
  db: Executor,
  last: string,
  first: string | null,
  limit: number,
): Promise<CustomerRow[]> {
  let query = db
    .selectFrom('customers')
    .selectAll()
    .where(sql<boolean>`last_name COLLATE NOCASE >= ${last} AND last_name COLLATE NOCASE < ${last + '\uffff'}`);
  if (first) query = query.where(sql<boolean>`first_name COLLATE NOCASE LIKE ${first + '%'}`);
  return query
    .orderBy(sql`last_name COLLATE NOCASE`)
    .orderBy(sql`first_name COLLATE NOCASE`)
    .limit(limit)
    .execute();
}

export async function customerHoldings(
  db: Executor,
  customerId: number,
): Promise<{ product_code: string; since: string }[]> {
  return (
    db
      .selectFrom('customer_products')
      .select(['product_code', 'since'])
      // opaque: customer_id leads a key of two columns, a range STAT4 samples (db/postgres-dialect.ts)
      .where('customer_id', '=', opaque(db, customerId))
      .orderBy('since')
      .execute()
  );
}

/** The latest consent per purpose and channel: the current state. */
export async function currentConsents(db: Executor, customerId: number): Promise<Selectable<ConsentsTable>[]> {
  const rows = await db
    .selectFrom('consents')
    .selectAll()
    .where('customer_id', '=', opaque(db, customerId))
    .orderBy('recorded_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  const seen = new Set<string>();
  return rows.filter((r) => {
    const key = `${r.purpose}:${r.channel}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export async function isOnOptOutRegistry(db: Executor, phone: string): Promise<boolean> {
  const row = await db.selectFrom('optout_registry').select('phone').where('phone', '=', phone).executeTakeFirst();
  return row !== undefined;
}

export async function recentInteractionsOf(db: Executor, customerId: number, limit: number) {
  return db
    .selectFrom('interactions')
    .innerJoin('users', 'users.id', 'interactions.operator_id')
    .select([
      'interactions.id',
      'interactions.flow',
      'interactions.outcome',
      'interactions.product_code',
      'interactions.started_at',
      'users.display_name as operator_name',
    ])
    .where('interactions.customer_id', '=', opaque(db, customerId))
    .orderBy('interactions.started_at', 'desc')
    .limit(limit)
    .execute();
}

export async function provinceName(db: Executor, code: string): Promise<string> {
  const row = await db.selectFrom('provinces').select('name').where('code', '=', code).executeTakeFirst();
  return row?.name ?? code;
}

export async function insertAccessGrant(db: Executor, row: Insertable<CustomerAccessGrantsTable>): Promise<number> {
  const { id } = await db.insertInto('customer_access_grants').values(row).returning('id').executeTakeFirstOrThrow();
  return id;
}

export interface BreakGlassRow {
  id: number;
  customer_id: number;
  first_name: string;
  last_name: string;
  user_id: number;
  username: string;
  display_name: string;
  site_id: number | null;
  reason: string;
  granted_at: string;
  expires_at: string;
}

/** Break-glass grants newest first (by id, which grows with time), `before` an id for the next page. */
export async function breakGlassEntries(db: Executor, limit: number, before: number | null): Promise<BreakGlassRow[]> {
  let query = db
    .selectFrom('customer_access_grants as g')
    .innerJoin('customers as c', 'c.id', 'g.customer_id')
    .innerJoin('users as u', 'u.id', 'g.user_id')
    .select([
      'g.id',
      'g.customer_id',
      'c.first_name',
      'c.last_name',
      'g.user_id',
      'u.username',
      'u.display_name',
      'u.site_id',
      'g.reason',
      'g.granted_at',
      'g.expires_at',
    ])
    .where('g.kind', '=', 'break_glass');
  if (before !== null) query = query.where('g.id', '<', before);
  return query.orderBy('g.id', 'desc').limit(limit).execute();
}
