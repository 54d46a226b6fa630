import { sql, type Kysely } from 'kysely';

/**
 * Conversion rollups are now brought up to date in batches (domains/stats/stats.catchup.ts) instead of inside each
 * completion: `stats_cursor` holds the id of the last interaction already counted, moved in the same transaction
 * as the counts it stands for. Every interaction stored so far was counted when it was written, so the cursor
 * starts at the newest one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE stats_cursor (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_interaction_id INTEGER NOT NULL
  )`.execute(db);
  await sql`INSERT INTO stats_cursor (id, last_interaction_id) SELECT 1, COALESCE(MAX(id), 0) FROM interactions`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE stats_cursor`.execute(db);
}
