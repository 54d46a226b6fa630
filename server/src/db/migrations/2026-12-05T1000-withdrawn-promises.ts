import { sql, type Kysely } from 'kysely';

/**
 * A promise whose reason is gone (its appointment was corrected to attended, the customer opted out) while an
 * operator holds it is marked withdrawn: the holder's call still settles it, and if the lease comes back instead
 * (release, expiry, a not-reached retry) it closes rather than returning to the queue (work/promises.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE callback_requests ADD COLUMN withdrawn_reason TEXT`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE callback_requests DROP COLUMN withdrawn_reason`.execute(db);
}
