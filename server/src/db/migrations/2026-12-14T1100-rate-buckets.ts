import { sql, type Kysely } from 'kysely';

/**
 * The REST rate limits' token buckets (per API key for intake, CTI and attendance; per address for the self-service
 * pages) in the database, used on PostgreSQL where several nodes serve one centre (http/rate-buckets.ts, issue 21):
 * in each process's memory every node gave a client its own allowance. Keys are `<limit> <client>`; `at` in epoch ms.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE rate_buckets (key TEXT PRIMARY KEY, tokens REAL NOT NULL, at INTEGER NOT NULL) WITHOUT ROWID`.execute(
    db,
  );
  await sql`CREATE INDEX rate_buckets_at ON rate_buckets (at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE rate_buckets`.execute(db);
}
