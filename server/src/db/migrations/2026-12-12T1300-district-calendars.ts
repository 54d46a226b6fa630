import { sql, type Kysely } from 'kysely';

/**
 * A district's service calendar (domains/org/service-calendars.ts), as JSON like a site's: the sites of the district
 * without a calendar of their own follow it; null keeps them on the centre's default.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE districts ADD COLUMN service_calendar TEXT`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE districts DROP COLUMN service_calendar`.execute(db);
}
