import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Executor } from '../../db/database';
import type { CtiCallsTable } from './cti.table';

export type CtiCallRow = Selectable<CtiCallsTable>;

export async function findOperatorByUsername(db: Executor, username: string): Promise<{ id: number } | undefined> {
  return db
    .selectFrom('users')
    .select('id')
    .where('username', '=', username)
    .where('role', '=', 'operator')
    .where('active', '=', 1)
    .executeTakeFirst();
}

export async function findCtiCall(db: Executor, callId: string): Promise<CtiCallRow | undefined> {
  return db.selectFrom('cti_calls').selectAll().where('call_id', '=', callId).executeTakeFirst();
}

export async function insertCtiCall(db: Executor, row: Insertable<CtiCallsTable>): Promise<CtiCallRow> {
  return db.insertInto('cti_calls').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function updateCtiCall(db: Executor, id: number, changes: Updateable<CtiCallsTable>): Promise<CtiCallRow> {
  return db.updateTable('cti_calls').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export async function customerName(db: Executor, id: number): Promise<string | null> {
  const row = await db
    .selectFrom('customers')
    .select(['first_name', 'last_name'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? `${row.first_name} ${row.last_name}` : null;
}

/** Calls of an operator touched since `since`, newest first: what a resumed stream replays, and the strip's call now. */
export async function recentCallsOf(
  db: Executor,
  operatorId: number,
  since: string,
): Promise<(CtiCallRow & { customer_name: string | null })[]> {
  const rows = await db
    .selectFrom('cti_calls as k')
    .leftJoin('customers as c', 'c.id', 'k.customer_id')
    .selectAll('k')
    .select(['c.first_name', 'c.last_name'])
    .where('k.operator_id', '=', operatorId)
    .where('k.updated_at', '>=', since)
    .orderBy('k.updated_at', 'desc')
    .orderBy('k.id', 'desc')
    .limit(20)
    .execute();
  return rows.map(({ first_name, last_name, ...r }) => ({
    ...r,
    customer_name: first_name !== null && last_name !== null ? `${first_name} ${last_name}` : null,
  }));
}
