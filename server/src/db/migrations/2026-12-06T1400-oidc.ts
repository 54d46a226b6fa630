import { sql, type Kysely } from 'kysely';

/**
 * Sign-in with the company's identity provider (domains/auth/oidc.service.ts): a user made or matched by it keeps the
 * provider's subject (issuer and sub); the centre's settings an admin changes on the screen (local passwords on/off).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE users ADD COLUMN oidc_subject TEXT`.execute(db);
  await sql`CREATE UNIQUE INDEX users_oidc_subject ON users(oidc_subject) WHERE oidc_subject IS NOT NULL`.execute(db);
  await sql`
    CREATE TABLE app_settings (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL,
      updated_by INTEGER REFERENCES users(id),
      updated_at TEXT NOT NULL
    ) WITHOUT ROWID`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE app_settings`.execute(db);
  await sql`DROP INDEX users_oidc_subject`.execute(db);
  await sql`ALTER TABLE users DROP COLUMN oidc_subject`.execute(db);
}
