import { sql, type Kysely } from 'kysely';

/**
 * Sign-in throttling in the database (domains/auth/rate-limiter.ts, issue 21): the fading failure counts and the known
 * devices were in each process's memory, so with several nodes behind a proxy an attacker got each node's allowance
 * and a restart forgot them all. Keys are the limiter's own (JSON of the table and its parts); times are epoch
 * milliseconds. `pending_until`: an attempt admitted but not settled counts until then — a node that dies between the
 * two cannot leave an account held forever.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    level REAL NOT NULL,
    at INTEGER NOT NULL,
    pending INTEGER NOT NULL,
    pending_until INTEGER NOT NULL
  ) WITHOUT ROWID`.execute(db);
  await sql`CREATE INDEX login_throttle_at ON login_throttle (at)`.execute(db);
  await sql`CREATE TABLE login_known_devices (key TEXT PRIMARY KEY, last_success INTEGER NOT NULL) WITHOUT ROWID`.execute(
    db,
  );
  await sql`CREATE INDEX login_known_devices_last_success ON login_known_devices (last_success)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE login_known_devices`.execute(db);
  await sql`DROP TABLE login_throttle`.execute(db);
}
