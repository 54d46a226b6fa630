import { sql, type Kysely } from 'kysely';

/** The admin's audit search (domains/admin/audit.service.ts) filters by who and by what, newest first. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX audit_log_actor ON audit_log(actor_id, id)`.execute(db);
  await sql`CREATE INDEX audit_log_action ON audit_log(action, id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX audit_log_action`.execute(db);
  await sql`DROP INDEX audit_log_actor`.execute(db);
}
