import { sql, type Kysely } from 'kysely';

/**
 * After-call work with a limit (docs/api.md, "After-call work"): each site says how long an operator may stay in
 * after-call work before the console records the outcome and puts them back to Ready; 0 means no limit.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE sites ADD COLUMN wrap_up_seconds INTEGER NOT NULL DEFAULT 60
    CHECK (wrap_up_seconds BETWEEN 0 AND 900)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE sites DROP COLUMN wrap_up_seconds`.execute(db);
}
