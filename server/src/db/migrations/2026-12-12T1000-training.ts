import { sql, type Kysely } from 'kysely';

/**
 * Training (domains/training): courses (hours, modules, the roles they are for), their sessions at a site (date,
 * room or remote, trainer, seats), who is enrolled in a session with the attendance recorded for them (present:
 * the session's hours; partial: the hours given; absent: none), and the feedback survey a learner who attended
 * gives once per session (six dimensions scored 1–5, a comment). A learner has completed a course when their
 * attended hours across its sessions reach the course's hours (computed on read, so a corrected attendance corrects
 * it). The indexes serve a site's sessions, a course's sessions, a learner's enrolments and a session's feedback.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE training_courses (
      id INTEGER PRIMARY KEY,
      title TEXT NOT NULL,
      hours REAL NOT NULL CHECK (hours > 0),
      modules TEXT NOT NULL,
      target_roles TEXT NOT NULL,
      created_at TEXT NOT NULL,
      created_by INTEGER REFERENCES users(id)
    )`.execute(db);
  await sql`
    CREATE TABLE training_sessions (
      id INTEGER PRIMARY KEY,
      course_id INTEGER NOT NULL REFERENCES training_courses(id),
      site_id INTEGER NOT NULL REFERENCES sites(id),
      date TEXT NOT NULL,
      starts TEXT NOT NULL,
      hours REAL NOT NULL CHECK (hours > 0),
      room TEXT,
      remote INTEGER NOT NULL DEFAULT 0 CHECK (remote IN (0, 1)),
      trainer TEXT NOT NULL,
      capacity INTEGER NOT NULL CHECK (capacity > 0),
      created_at TEXT NOT NULL,
      created_by INTEGER REFERENCES users(id)
    )`.execute(db);
  await sql`CREATE INDEX training_sessions_course ON training_sessions (course_id, site_id, date)`.execute(db);
  await sql`CREATE INDEX training_sessions_site ON training_sessions (site_id, date)`.execute(db);
  await sql`
    CREATE TABLE training_enrolments (
      session_id INTEGER NOT NULL REFERENCES training_sessions(id),
      user_id INTEGER NOT NULL REFERENCES users(id),
      enrolled_at TEXT NOT NULL,
      enrolled_by INTEGER REFERENCES users(id),
      attendance TEXT CHECK (attendance IN ('present', 'absent', 'partial')),
      hours REAL CHECK (hours >= 0),
      recorded_at TEXT,
      recorded_by INTEGER REFERENCES users(id),
      PRIMARY KEY (session_id, user_id)
    ) WITHOUT ROWID`.execute(db);
  await sql`CREATE INDEX training_enrolments_user ON training_enrolments (user_id)`.execute(db);
  await sql`
    CREATE TABLE training_feedback (
      id INTEGER PRIMARY KEY,
      session_id INTEGER NOT NULL REFERENCES training_sessions(id),
      user_id INTEGER NOT NULL REFERENCES users(id),
      usefulness INTEGER NOT NULL CHECK (usefulness BETWEEN 1 AND 5),
      logistics INTEGER NOT NULL CHECK (logistics BETWEEN 1 AND 5),
      method INTEGER NOT NULL CHECK (method BETWEEN 1 AND 5),
      tutoring INTEGER NOT NULL CHECK (tutoring BETWEEN 1 AND 5),
      teaching INTEGER NOT NULL CHECK (teaching BETWEEN 1 AND 5),
      planning INTEGER NOT NULL CHECK (planning BETWEEN 1 AND 5),
      comment TEXT,
      submitted_at TEXT NOT NULL,
      UNIQUE (session_id, user_id)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE training_feedback`.execute(db);
  await sql`DROP TABLE training_enrolments`.execute(db);
  await sql`DROP TABLE training_sessions`.execute(db);
  await sql`DROP TABLE training_courses`.execute(db);
}
