import { sql, type Kysely } from 'kysely';

/**
 * Retention (domains/retention/): the daily purge finds what has outlived its period through an index instead of a
 * table walk, the data-subject export and erasure find a customer's rows in every table through an index, and each
 * erasure is recorded for good (it outlives the 7-day idempotency records and the 24-month audit log: it is the
 * proof that the request was carried out, GDPR art. 5(2)).
 */
const up_statements = [
  // purge: messages whose content is still there, by the time they reached their final state
  `CREATE INDEX outbox_retention ON outbox(COALESCE(sent_at, next_attempt_at)) WHERE recipient <> ''`,
  // export and erasure: a customer's messages by what they are about, and (for other references) by address
  `CREATE INDEX outbox_ref ON outbox(ref_type, ref_id)`,
  `CREATE INDEX outbox_recipient ON outbox(recipient) WHERE recipient <> ''`,
  `CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at)`,
  `CREATE INDEX cti_calls_customer ON cti_calls(customer_id) WHERE customer_id IS NOT NULL`,
  `CREATE INDEX cti_calls_ani ON cti_calls(ani_normalised) WHERE ani_normalised IS NOT NULL`,
  // the existing customer index of callback_requests holds only open requests
  `CREATE INDEX callback_requests_customer_all ON callback_requests(customer_id) WHERE customer_id IS NOT NULL`,
  `CREATE INDEX callback_requests_phone ON callback_requests(phone) WHERE customer_id IS NULL`,
  `CREATE INDEX funnel_links_customer ON funnel_links(customer_id)`,
  `CREATE TABLE data_subject_erasures (
     request_id TEXT PRIMARY KEY,
     customer_id INTEGER NOT NULL REFERENCES customers(id),
     request_hash TEXT NOT NULL,
     reason TEXT NOT NULL,
     erased_at TEXT NOT NULL,
     erased_by INTEGER REFERENCES users(id),
     response TEXT NOT NULL)`,
  `CREATE INDEX data_subject_erasures_customer ON data_subject_erasures(customer_id)`,
];

const INDEXES = [
  'data_subject_erasures_customer',
  'funnel_links_customer',
  'callback_requests_phone',
  'callback_requests_customer_all',
  'cti_calls_ani',
  'cti_calls_customer',
  'idempotency_keys_created',
  'outbox_recipient',
  'outbox_ref',
  'outbox_retention',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS data_subject_erasures`.execute(db);
  for (const name of INDEXES) await sql.raw(`DROP INDEX IF EXISTS ${name}`).execute(db);
}
