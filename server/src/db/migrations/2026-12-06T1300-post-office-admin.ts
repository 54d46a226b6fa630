import { sql, type Kysely } from 'kysely';

/**
 * Post offices run from the admin screen (domains/admin/post-offices.service.ts): a closure (days an office is shut)
 * closes its slots in those days — a closed slot is never offered nor taken (post-offices.repository takeSlotSeat) —
 * and weekly slot templates from which the slots ahead are generated on a schedule.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE appointment_slots ADD COLUMN closed_at TEXT`.execute(db);
  await sql`
    CREATE TABLE post_office_closures (
      id INTEGER PRIMARY KEY,
      post_office_id INTEGER NOT NULL REFERENCES post_offices(id),
      from_date TEXT NOT NULL,
      to_date TEXT NOT NULL,
      reason TEXT NOT NULL,
      created_by INTEGER REFERENCES users(id),
      created_at TEXT NOT NULL,
      CHECK (from_date <= to_date)
    )`.execute(db);
  await sql`CREATE INDEX post_office_closures_office ON post_office_closures(post_office_id, to_date)`.execute(db);
  await sql`
    CREATE TABLE slot_templates (
      id INTEGER PRIMARY KEY,
      post_office_id INTEGER NOT NULL REFERENCES post_offices(id),
      weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 6),
      start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
      duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 5 AND 240),
      capacity INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 50),
      UNIQUE (post_office_id, weekday, start_minute)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE slot_templates`.execute(db);
  await sql`DROP TABLE post_office_closures`.execute(db);
  await sql`ALTER TABLE appointment_slots DROP COLUMN closed_at`.execute(db);
}
