import { sql, type Kysely } from 'kysely';

/**
 * Which script version new contacts play (domains/scripts/script-assignments.ts): per flow, and per campaign, one
 * version or an A/B split by weights ([{ version, weight }] as JSON). No row: the flow's newest published version
 * (a campaign: its pinned script version).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE script_assignments (
      scope TEXT PRIMARY KEY,
      flow TEXT NOT NULL,
      campaign_id INTEGER REFERENCES campaigns(id),
      splits TEXT NOT NULL,
      updated_by INTEGER REFERENCES users(id),
      updated_at TEXT NOT NULL
    ) WITHOUT ROWID`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE script_assignments`.execute(db);
}
