import { sql, type Kysely } from 'kysely';

/**
 * The Saturday rota (domains/rota): who covers each open Saturday of a site and the weekday of the following week on
 * which they recover the weekly rest (a rest row points at its Saturday and goes with it). A row is a draft until the
 * team lead publishes the period; operators see only published rows. A person works a day once (the unique key),
 * and the rota screen reads a site's days (the index). `rota_rules` keeps the need of the site's last generation, so
 * the screen can judge coverage after manual changes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE rota_shifts (
      id INTEGER PRIMARY KEY,
      site_id INTEGER NOT NULL REFERENCES sites(id),
      user_id INTEGER NOT NULL REFERENCES users(id),
      team_id INTEGER REFERENCES teams(id) ON DELETE SET NULL,
      date TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('saturday', 'rest')),
      starts TEXT,
      ends TEXT,
      rest_of INTEGER REFERENCES rota_shifts(id) ON DELETE CASCADE,
      status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
      created_at TEXT NOT NULL,
      created_by INTEGER REFERENCES users(id),
      published_at TEXT,
      UNIQUE (user_id, date, kind)
    )`.execute(db);
  await sql`CREATE INDEX rota_shifts_site_date ON rota_shifts (site_id, date)`.execute(db);
  // the rest row of a Saturday is found by it (deleting a Saturday cascades through it)
  await sql`CREATE INDEX rota_shifts_rest_of ON rota_shifts (rest_of) WHERE rest_of IS NOT NULL`.execute(db);
  await sql`
    CREATE TABLE rota_rules (
      site_id INTEGER PRIMARY KEY REFERENCES sites(id),
      need TEXT NOT NULL
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE rota_rules`.execute(db);
  await sql`DROP TABLE rota_shifts`.execute(db);
}
