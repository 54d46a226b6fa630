import { sql, type Kysely } from 'kysely';

/**
 * Server-side secrets that must survive restarts (e.g. the key that signs funnel short links: a link sent by SMS
 * has to keep working after a deploy). Rows are created lazily by the code that needs them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE app_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL, created_at TEXT NOT NULL) WITHOUT ROWID`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS app_secrets`.execute(db);
}
