import { sql, type Kysely } from 'kysely';

/**
 * Practice mode (domains/practice; docs/training.md, "Practice mode"): contacts played against a simulated customer.
 * Practice keeps its own records and nothing else: no interaction, statistic, lead, appointment, message, audit row
 * or operator status of a real contact is ever written for it.
 *
 * - practice_sets: what a tutor (or an admin) asks operators to practise — the scripts (flow and optional version),
 *   the personas, how many contacts, by when.
 * - practice_assignments: a set given to one operator (once per set and operator).
 * - practice_contacts: one practice contact — who, which published script version, which persona and seed (the
 *   synthetic customer is kept as it was generated), the weights and the script's input it was played with, its path,
 *   outcome and score once completed. Read by the operator's own list, a set's progress and the site's contacts.
 * - practice_scorecards: a tutor's optional scorecard of a completed practice contact (one per contact, re-saved).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE practice_sets (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      site_id INTEGER REFERENCES sites(id),
      scripts TEXT NOT NULL,
      persona_ids TEXT NOT NULL,
      count_required INTEGER NOT NULL CHECK (count_required > 0),
      due_date TEXT,
      created_by INTEGER NOT NULL REFERENCES users(id),
      created_at TEXT NOT NULL
    )`.execute(db);
  await sql`
    CREATE TABLE practice_assignments (
      id INTEGER PRIMARY KEY,
      set_id INTEGER NOT NULL REFERENCES practice_sets(id) ON DELETE CASCADE,
      user_id INTEGER NOT NULL REFERENCES users(id),
      assigned_at TEXT NOT NULL,
      UNIQUE (set_id, user_id)
    )`.execute(db);
  await sql`CREATE INDEX practice_assignments_user ON practice_assignments (user_id)`.execute(db);
  await sql`
    CREATE TABLE practice_contacts (
      id INTEGER PRIMARY KEY,
      user_id INTEGER NOT NULL REFERENCES users(id),
      site_id INTEGER REFERENCES sites(id),
      assignment_id INTEGER REFERENCES practice_assignments(id) ON DELETE SET NULL,
      flow TEXT NOT NULL,
      script_version TEXT NOT NULL,
      persona_id TEXT NOT NULL,
      seed INTEGER NOT NULL,
      customer TEXT NOT NULL,
      weights TEXT NOT NULL,
      flow_input TEXT NOT NULL,
      started_at TEXT NOT NULL,
      ended_at TEXT,
      duration_ms INTEGER,
      path TEXT,
      outcome TEXT,
      score TEXT,
      total_score INTEGER CHECK (total_score BETWEEN 0 AND 100)
    )`.execute(db);
  await sql`CREATE INDEX practice_contacts_user ON practice_contacts (user_id, started_at)`.execute(db);
  await sql`CREATE INDEX practice_contacts_assignment ON practice_contacts (assignment_id)
    WHERE assignment_id IS NOT NULL`.execute(db);
  await sql`
    CREATE TABLE practice_scorecards (
      id INTEGER PRIMARY KEY,
      practice_id INTEGER NOT NULL UNIQUE REFERENCES practice_contacts(id) ON DELETE CASCADE,
      tutor_id INTEGER NOT NULL REFERENCES users(id),
      scores TEXT NOT NULL,
      overall INTEGER NOT NULL CHECK (overall BETWEEN 1 AND 5),
      comments TEXT,
      saved_at TEXT NOT NULL
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE practice_scorecards`.execute(db);
  await sql`DROP TABLE practice_contacts`.execute(db);
  await sql`DROP TABLE practice_assignments`.execute(db);
  await sql`DROP TABLE practice_sets`.execute(db);
}
