import { sql, type Kysely } from 'kysely';

/**
 * Script versions made in the studio (domains/scripts/script-versions.ts): drafts, published versions (immutable) and
 * retired ones (no new contacts; old ones still replay). The scripts shipped with the product are not rows unless
 * retired. `definition` is the JSON script definition (shared/src/flows/definition.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE script_versions (
      flow TEXT NOT NULL,
      version TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'retired')),
      definition TEXT NOT NULL,
      note TEXT,
      updated_by INTEGER REFERENCES users(id),
      updated_at TEXT NOT NULL,
      published_at TEXT,
      retired_at TEXT,
      PRIMARY KEY (flow, version)
    ) WITHOUT ROWID`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE script_versions`.execute(db);
}
