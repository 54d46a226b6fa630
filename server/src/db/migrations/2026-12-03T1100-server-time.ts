import { sql, type Kysely } from 'kysely';

/**
 * The server's clock is the record (interactions/reported-times.ts): a consent's `recorded_at` is the server's time at
 * receipt; the time the console reported is kept beside it. A completion delivered from the console's offline queue
 * is flagged `late`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE consents ADD COLUMN reported_at TEXT`.execute(db);
  await sql`ALTER TABLE interactions ADD COLUMN late INTEGER NOT NULL DEFAULT 0`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE interactions DROP COLUMN late`.execute(db);
  await sql`ALTER TABLE consents DROP COLUMN reported_at`.execute(db);
}
