import { sql, type Kysely } from 'kysely';

/**
 * A site's own service calendar (domains/org/service-calendars.ts): Monday–Friday and Saturday hours and local
 * holidays, as JSON; null keeps the centre's default calendar.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE sites ADD COLUMN service_calendar TEXT`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE sites DROP COLUMN service_calendar`.execute(db);
}
