import { sql, type Kysely } from 'kysely';

/**
 * Inbound calls reported by the telephony integration (CTI), one row per call, and the indexes the Call Me Now
 * SLA board reads: the open requests by due-by time, and the ones answered on a given day.
 */
const up_statements = [
  `CREATE TABLE cti_calls (
     id INTEGER PRIMARY KEY,
     call_id TEXT NOT NULL UNIQUE,        -- the telephony system's id
     ani TEXT NOT NULL,                   -- caller's number as received
     ani_normalised TEXT,                 -- +39… when it is a number, null when withheld
     dnis TEXT NOT NULL,                  -- dialled number (digits)
     flow TEXT CHECK (flow IN ('inbound_sales','ocs_cross_sell')),
     operator_id INTEGER NOT NULL REFERENCES users(id),
     customer_id INTEGER REFERENCES customers(id),
     state TEXT NOT NULL CHECK (state IN ('offered','answered','ended')),
     offered_at TEXT, answered_at TEXT, ended_at TEXT,
     created_at TEXT NOT NULL, updated_at TEXT NOT NULL)`,
  `CREATE INDEX cti_calls_operator_updated ON cti_calls(operator_id, updated_at)`,
  `CREATE INDEX cti_calls_created ON cti_calls(created_at)`,
  `CREATE INDEX callback_requests_open ON callback_requests(due_by) WHERE status IN ('pending','claimed')`,
  `CREATE INDEX callback_requests_answered ON callback_requests(answered_at) WHERE answered_at IS NOT NULL`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS callback_requests_answered`.execute(db);
  await sql`DROP INDEX IF EXISTS callback_requests_open`.execute(db);
  await sql`DROP TABLE IF EXISTS cti_calls`.execute(db);
}
