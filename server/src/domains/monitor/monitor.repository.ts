import type { Selectable } from 'kysely';
import type { Executor } from '../../db/database';
import type { OperatorStatusTable } from './monitor.table';

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

export async function logOperatorState(db: Executor, row: { user_id: number; state: OperatorStatusRow['state']; reason: string | null; at: string }): Promise<void> {
  await db.insertInto('operator_status_log').values(row).execute();
}
