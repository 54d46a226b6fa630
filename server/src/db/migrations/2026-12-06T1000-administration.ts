import { sql, type Kysely } from 'kysely';

/**
 * Administration (docs/admin.md): a user an admin created or whose password an admin reset signs in with a temporary
 * password and must choose their own before anything else; API keys made on the admin screen (stored as a SHA-256 of
 * the key, looked up by its public prefix) with scopes, expiry, last use and revocation.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0`.execute(db);
  await sql`ALTER TABLE users ADD COLUMN password_changed_at TEXT`.execute(db);
  await sql`
    CREATE TABLE api_keys (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      prefix TEXT NOT NULL UNIQUE,
      key_hash TEXT NOT NULL,
      scopes TEXT NOT NULL,
      expires_at TEXT,
      last_used_at TEXT,
      revoked_at TEXT,
      revoked_by INTEGER REFERENCES users(id),
      created_by INTEGER REFERENCES users(id),
      created_at TEXT NOT NULL
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE api_keys`.execute(db);
  await sql`ALTER TABLE users DROP COLUMN password_changed_at`.execute(db);
  await sql`ALTER TABLE users DROP COLUMN must_change_password`.execute(db);
}
