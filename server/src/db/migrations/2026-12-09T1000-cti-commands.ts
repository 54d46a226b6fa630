import { sql, type Kysely } from 'kysely';

/**
 * The call strip (domains/cti): calls keep their hold (when the current one began, the time held before it) and a
 * version that numbers their changes for the live stream, and their direction (a call the operator placed pops no card); call commands the console sends to the telephony platform
 * wait in `cti_commands` until the adapter has handed them over (retried, then failed — never sent twice by us: the
 * platform gets each command's id as its Idempotency-Key).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE cti_calls ADD COLUMN held_at TEXT`.execute(db);
  await sql`ALTER TABLE cti_calls ADD COLUMN held_ms INTEGER NOT NULL DEFAULT 0`.execute(db);
  await sql`ALTER TABLE cti_calls ADD COLUMN version INTEGER NOT NULL DEFAULT 1`.execute(db);
  await sql`ALTER TABLE cti_calls ADD COLUMN direction TEXT NOT NULL DEFAULT 'inbound'
    CHECK (direction IN ('inbound', 'outbound'))`.execute(db);
  await sql`
    CREATE TABLE cti_commands (
      id INTEGER PRIMARY KEY,
      operator_id INTEGER NOT NULL REFERENCES users(id),
      action TEXT NOT NULL CHECK (action IN ('dial', 'answer', 'hold', 'resume', 'transfer', 'hangup')),
      call_id TEXT,
      customer_id INTEGER REFERENCES customers(id),
      target TEXT,
      status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
      attempts INTEGER NOT NULL DEFAULT 0,
      last_error TEXT,
      created_at TEXT NOT NULL,
      next_attempt_at TEXT NOT NULL,
      lease_expires_at TEXT,
      sent_at TEXT
    )`.execute(db);
  await sql`CREATE INDEX cti_commands_due ON cti_commands (next_attempt_at) WHERE status IN ('pending', 'sending')`.execute(
    db,
  );
  await sql`CREATE INDEX cti_commands_operator ON cti_commands (operator_id, id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE cti_commands`.execute(db);
  await sql`ALTER TABLE cti_calls DROP COLUMN direction`.execute(db);
  await sql`ALTER TABLE cti_calls DROP COLUMN version`.execute(db);
  await sql`ALTER TABLE cti_calls DROP COLUMN held_ms`.execute(db);
  await sql`ALTER TABLE cti_calls DROP COLUMN held_at`.execute(db);
}
