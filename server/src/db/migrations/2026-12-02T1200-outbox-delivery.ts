import { sql, type Kysely } from 'kysely';

/**
 * SMS over SMPP (domains/outbox/smpp-adapter.ts): the outbox learns what the SMSC said about a message.
 *
 * - `submit_started_at`: set, and committed, just before the submit_sm goes on the wire. A row that has it but no
 *   `smsc_message_id` was caught between submit and its recorded answer: it is never submitted again (status
 *   `unknown`), so a crash cannot send the customer the same SMS twice.
 * - `smsc_message_id`: the id from submit_sm_resp; delivery receipts (deliver_sm) are matched on it.
 * - `receipt_stat` / `receipt_at`: the final state the receipt reported (DELIVRD, UNDELIV, EXPIRED, …) and when it
 *   was recorded.
 * - two statuses more: `delivered` (a receipt said so) and `unknown` (sent or not, nobody can tell).
 *
 * SQLite cannot relax a CHECK in place, so the table is rebuilt: nothing references it, so the rebuild is a copy, a
 * drop and a rename in this transaction, then the index `outbox_pending` again.
 */
const OLD_COLUMNS = `id, channel, recipient, subject, body, status, attempts, last_error, ref_type, ref_id, created_at,
  next_attempt_at, sent_at`;

const up_statements = [
  `CREATE TABLE outbox_new (
     id INTEGER PRIMARY KEY,
     channel TEXT NOT NULL CHECK (channel IN ('sms','email')),
     recipient TEXT NOT NULL, subject TEXT, body TEXT NOT NULL,
     status TEXT NOT NULL DEFAULT 'pending'
       CHECK (status IN ('pending','sending','sent','delivered','failed','unknown')),
     attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT,
     ref_type TEXT, ref_id TEXT,
     created_at TEXT NOT NULL, next_attempt_at TEXT NOT NULL, sent_at TEXT,
     submit_started_at TEXT,
     smsc_message_id TEXT,
     receipt_stat TEXT, receipt_at TEXT)`,
  `INSERT INTO outbox_new (${OLD_COLUMNS}) SELECT ${OLD_COLUMNS} FROM outbox`,
  `DROP TABLE outbox`,
  `ALTER TABLE outbox_new RENAME TO outbox`,
  `CREATE INDEX outbox_pending ON outbox(next_attempt_at) WHERE status = 'pending'`,
  // the claims a restart settles or releases (a handful of rows among every message ever sent)
  `CREATE INDEX outbox_sending ON outbox(next_attempt_at) WHERE status = 'sending'`,
  // receipts find their message by the SMSC's id
  `CREATE INDEX outbox_smsc_message_id ON outbox(smsc_message_id) WHERE smsc_message_id IS NOT NULL`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    `CREATE TABLE outbox_old (
       id INTEGER PRIMARY KEY,
       channel TEXT NOT NULL CHECK (channel IN ('sms','email')),
       recipient TEXT NOT NULL, subject TEXT, body TEXT NOT NULL,
       status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sending','sent','failed')),
       attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT,
       ref_type TEXT, ref_id TEXT,
       created_at TEXT NOT NULL, next_attempt_at TEXT NOT NULL, sent_at TEXT)`,
    // the old statuses: a delivered message was sent; an unknown one is left for a person, as a failure is
    `INSERT INTO outbox_old (${OLD_COLUMNS})
       SELECT id, channel, recipient, subject, body,
              CASE status WHEN 'delivered' THEN 'sent' WHEN 'unknown' THEN 'failed' ELSE status END,
              attempts, last_error, ref_type, ref_id, created_at, next_attempt_at, sent_at
       FROM outbox`,
    'DROP TABLE outbox',
    'ALTER TABLE outbox_old RENAME TO outbox',
    `CREATE INDEX outbox_pending ON outbox(next_attempt_at) WHERE status = 'pending'`,
  ]) {
    await sql.raw(statement).execute(db);
  }
}
