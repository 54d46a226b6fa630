import { sql, type Kysely } from 'kysely';

/**
 * The Ready operators in the order the offer dispatcher serves them (longest Ready first, work/offers.ts). It asks
 * twice a second; without this index it walked every operator's status row and sorted them each time. Partial: only
 * the Ready ones are in it, so a status change elsewhere costs it nothing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX operator_status_ready ON operator_status (since, user_id) WHERE state = 'ready'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX operator_status_ready`.execute(db);
}
