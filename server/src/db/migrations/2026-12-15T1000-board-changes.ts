import { sql, type Kysely } from 'kysely';

/**
 * The live board's changes, numbered per site in the database (domains/monitor/board-sequence.ts, issue 21): a
 * board on every node numbers an operator's change the same way, so a board that reconnects to another node resumes
 * after its last number instead of starting from a snapshot. `board_sequences` holds each site's last number;
 * `board_changes` the changes (the operator's status as the board shows it, JSON), the latest few thousand per site.
 * A change is numbered in its own transaction on SQLite (one writer); on PostgreSQL just after it commits (a
 * counter row every status change updated would make concurrent changes of a site fail each other's
 * serialization), so `seq` is empty until then.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE board_sequences (
    site_id INTEGER PRIMARY KEY REFERENCES sites(id),
    seq INTEGER NOT NULL
  ) WITHOUT ROWID`.execute(db);
  await sql`CREATE TABLE board_changes (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites(id),
    seq INTEGER,
    user_id INTEGER NOT NULL REFERENCES users(id),
    status TEXT NOT NULL,
    at TEXT NOT NULL
  )`.execute(db);
  await sql`CREATE UNIQUE INDEX board_changes_seq ON board_changes (site_id, seq) WHERE seq IS NOT NULL`.execute(db);
  await sql`CREATE INDEX board_changes_pending ON board_changes (site_id, id) WHERE seq IS NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE board_changes`.execute(db);
  await sql`DROP TABLE board_sequences`.execute(db);
}
