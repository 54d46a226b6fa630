import { randomBytes } from 'node:crypto';
import type { Executor } from '../../db/database';

/** Reads a persisted secret, creating it on first use; concurrent first uses agree on one value. */
export async function getOrCreateSecret(db: Executor, name: string, now: Date): Promise<string> {
  await db
    .insertInto('app_secrets')
    .values({ name, value: randomBytes(32).toString('base64url'), created_at: now.toISOString() })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db.selectFrom('app_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  return row.value;
}

export async function findSecret(db: Executor, name: string): Promise<string | null> {
  const row = await db.selectFrom('app_secrets').select('value').where('name', '=', name).executeTakeFirst();
  return row?.value ?? null;
}
