import { sql, type Kysely } from 'kysely';

/**
 * Weekday shifts in the rota (domains/rota, docs/admin.md "Weekday shifts"): a third kind of row, `weekday`, one operator's
 * hours on a Monday–Friday date (without hours: a day off the team lead planned). A person may work a split day, so
 * the one-a-day key now holds for Saturday shifts and rest days only (a partial unique index).
 *
 * SQLite cannot relax a CHECK or drop a table constraint in place, so the table is rebuilt: the new table refers to
 * itself under its new name (a rest row's `rest_of`), so dropping the old one cascades into nothing, and the rename
 * carries the reference over. Nothing else refers to rota_shifts. The indexes come back under their names.
 */
const COLUMNS = `id, site_id, user_id, team_id, date, kind, starts, ends, rest_of, status, created_at, created_by,
  published_at`;

function table(name: string, kinds: string, unique: string): string {
  return `
    CREATE TABLE ${name} (
      id INTEGER PRIMARY KEY,
      site_id INTEGER NOT NULL REFERENCES sites(id),
      user_id INTEGER NOT NULL REFERENCES users(id),
      team_id INTEGER REFERENCES teams(id) ON DELETE SET NULL,
      date TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN (${kinds})),
      starts TEXT,
      ends TEXT,
      rest_of INTEGER REFERENCES ${name}(id) ON DELETE CASCADE,
      status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
      created_at TEXT NOT NULL,
      created_by INTEGER REFERENCES users(id),
      published_at TEXT${unique}
    )`;
}

const INDEXES = [
  `CREATE INDEX rota_shifts_site_date ON rota_shifts (site_id, date)`,
  // the rest row of a Saturday is found by it (deleting a Saturday cascades through it)
  `CREATE INDEX rota_shifts_rest_of ON rota_shifts (rest_of) WHERE rest_of IS NOT NULL`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    table('rota_shifts_new', `'saturday', 'rest', 'weekday'`, ''),
    // by id, so a rest row's Saturday is copied before it
    `INSERT INTO rota_shifts_new (${COLUMNS}) SELECT ${COLUMNS} FROM rota_shifts ORDER BY id`,
    'DROP TABLE rota_shifts',
    'ALTER TABLE rota_shifts_new RENAME TO rota_shifts',
    ...INDEXES,
    // one Saturday shift and one rest day a person a date; weekday rows may be several (a split day)
    `CREATE UNIQUE INDEX rota_shifts_one_a_day ON rota_shifts (user_id, date, kind) WHERE kind IN ('saturday', 'rest')`,
    // a person's week, read by planWeek and copyWeek
    `CREATE INDEX rota_shifts_user_date ON rota_shifts (user_id, date)`,
  ]) {
    await sql.raw(statement).execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    table('rota_shifts_old', `'saturday', 'rest'`, ',\n      UNIQUE (user_id, date, kind)'),
    // weekday rows have no place in the old table
    `INSERT INTO rota_shifts_old (${COLUMNS}) SELECT ${COLUMNS} FROM rota_shifts WHERE kind != 'weekday' ORDER BY id`,
    'DROP TABLE rota_shifts',
    'ALTER TABLE rota_shifts_old RENAME TO rota_shifts',
    ...INDEXES,
  ]) {
    await sql.raw(statement).execute(db);
  }
}
