import { sql, type Kysely } from 'kysely';

/**
 * Access grants (why an operator could see a customer; a break-glass reason) are a record of access like the audit
 * log, and go when the audit period is over (domains/retention/purge.ts): the purge reads them by expiry.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX customer_access_grants_expiry ON customer_access_grants(expires_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX customer_access_grants_expiry`.execute(db);
}
