import { sql, type Kysely } from 'kysely';

/**
 * Bounded imports (issue 13): an import stores at most a configured number of reject rows and counts the rest in
 * `rejects_not_stored`; a failed import says why (`failure_reason`: too large, interrupted by a restart, a server
 * error), so the team lead knows whether to send the file again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE campaign_imports ADD COLUMN rejects_not_stored INTEGER NOT NULL DEFAULT 0`.execute(db);
  await sql`ALTER TABLE campaign_imports ADD COLUMN failure_reason TEXT`.execute(db);
  // the start-up sweep of imports a crash left running reads them by status
  await sql`CREATE INDEX IF NOT EXISTS campaign_imports_running ON campaign_imports(id) WHERE status = 'running'`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS campaign_imports_running`.execute(db);
  await sql`ALTER TABLE campaign_imports DROP COLUMN failure_reason`.execute(db);
  await sql`ALTER TABLE campaign_imports DROP COLUMN rejects_not_stored`.execute(db);
}
