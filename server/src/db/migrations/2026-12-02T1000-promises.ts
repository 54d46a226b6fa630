import { sql, type Kysely } from 'kysely';

/**
 * The promise ledger (domains/work/promises.ts). Every outcome that agrees a future action becomes one owned, due
 * item: a callback agreed on any call is a `callback_requests` row (origin `agreed`; a missed appointment's
 * `reschedule`), a lead is its own follow-up. Both carry the operator who agreed it (`owner_id`): it is offered to
 * them alone until `personal_until` (the due time plus a grace period), then to the site's pool.
 *
 * `callback_requests` is rebuilt (SQLite cannot relax NOT NULL or a CHECK in place): an agreed callback has no
 * product yet when the customer asked for it before the needs step, and it is agreed on the phone, not on the web
 * or app. Nothing references the table, so the rebuild is a copy, a drop and a rename in this transaction.
 */
const CALLBACK_COLUMNS = `id, phone, customer_id, product_code, mode, channel, preferred_at, note, due_at, due_by, status,
  attempts, max_attempts, lease_owner, lease_expires_at, idempotency_key, request_hash, created_at, answered_at, updated_at`;

const up_statements = [
  `CREATE TABLE callback_requests_new (
     id TEXT PRIMARY KEY,
     phone TEXT NOT NULL, customer_id INTEGER REFERENCES customers(id),
     product_code TEXT REFERENCES products(code),
     mode TEXT NOT NULL CHECK (mode IN ('now','scheduled')),
     channel TEXT NOT NULL CHECK (channel IN ('web','app','phone')),
     preferred_at TEXT, note TEXT,
     due_at TEXT NOT NULL,
     due_by TEXT NOT NULL,
     status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','claimed','done','failed','cancelled')),
     attempts INTEGER NOT NULL DEFAULT 0, max_attempts INTEGER NOT NULL DEFAULT 3,
     lease_owner INTEGER REFERENCES users(id), lease_expires_at TEXT,
     idempotency_key TEXT UNIQUE, request_hash TEXT,
     created_at TEXT NOT NULL, answered_at TEXT, updated_at TEXT NOT NULL,
     origin TEXT NOT NULL DEFAULT 'intake' CHECK (origin IN ('intake','agreed','reschedule')),
     flow TEXT NOT NULL DEFAULT 'callback' CHECK (flow IN ('campaign','inbound_sales','ocs_cross_sell','callback')),
     campaign_id INTEGER REFERENCES campaigns(id),
     site_id INTEGER REFERENCES sites(id),
     owner_id INTEGER REFERENCES users(id),
     personal_until TEXT,
     interaction_id INTEGER REFERENCES interactions(id),
     appointment_id INTEGER REFERENCES appointments(id),
     closed_at TEXT, close_reason TEXT)`,
  `INSERT INTO callback_requests_new (${CALLBACK_COLUMNS}) SELECT ${CALLBACK_COLUMNS} FROM callback_requests`,
  `DROP TABLE callback_requests`,
  `ALTER TABLE callback_requests_new RENAME TO callback_requests`,
  `CREATE INDEX callback_requests_queue ON callback_requests(mode, due_at) WHERE status = 'pending'`,
  `CREATE INDEX callback_requests_lease ON callback_requests(lease_expires_at) WHERE status = 'claimed'`,
  `CREATE INDEX callback_requests_owner ON callback_requests(lease_owner) WHERE status = 'claimed'`,
  `CREATE INDEX callback_requests_open ON callback_requests(due_by) WHERE status IN ('pending','claimed')`,
  `CREATE INDEX callback_requests_answered ON callback_requests(answered_at) WHERE answered_at IS NOT NULL`,
  // an operator's own promises: the personal arm of work.next and work.mine
  `CREATE INDEX callback_requests_promised ON callback_requests(owner_id, status, due_at) WHERE owner_id IS NOT NULL`,
  `CREATE INDEX callback_requests_customer ON callback_requests(customer_id) WHERE status IN ('pending','claimed')`,

  `ALTER TABLE leads ADD COLUMN owner_id INTEGER REFERENCES users(id)`,
  `ALTER TABLE leads ADD COLUMN personal_until TEXT`,
  // how a won lead was won: 'digital_funnel' | 'up_appointment' | 'assisted_sale' | 'manual'
  `ALTER TABLE leads ADD COLUMN won_by TEXT`,
  `ALTER TABLE leads ADD COLUMN sale_reference TEXT`,
  `ALTER TABLE leads ADD COLUMN closed_by INTEGER REFERENCES users(id)`,
  `UPDATE leads SET owner_id = created_by`,
  `CREATE INDEX leads_promised ON leads(owner_id, status, follow_up_at) WHERE owner_id IS NOT NULL`,
  `CREATE INDEX leads_site_status ON leads(site_id, status, created_at)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    'DROP INDEX IF EXISTS leads_site_status',
    'DROP INDEX IF EXISTS leads_promised',
    'ALTER TABLE leads DROP COLUMN closed_by',
    'ALTER TABLE leads DROP COLUMN sale_reference',
    'ALTER TABLE leads DROP COLUMN won_by',
    'ALTER TABLE leads DROP COLUMN personal_until',
    'ALTER TABLE leads DROP COLUMN owner_id',
    // agreed callbacks have no place in the old table
    `DELETE FROM callback_requests WHERE origin <> 'intake' OR product_code IS NULL OR channel = 'phone'`,
    `CREATE TABLE callback_requests_old (
       id TEXT PRIMARY KEY,
       phone TEXT NOT NULL, customer_id INTEGER REFERENCES customers(id),
       product_code TEXT NOT NULL REFERENCES products(code),
       mode TEXT NOT NULL CHECK (mode IN ('now','scheduled')),
       channel TEXT NOT NULL CHECK (channel IN ('web','app')),
       preferred_at TEXT, note TEXT, due_at TEXT NOT NULL, due_by TEXT NOT NULL,
       status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','claimed','done','failed','cancelled')),
       attempts INTEGER NOT NULL DEFAULT 0, max_attempts INTEGER NOT NULL DEFAULT 3,
       lease_owner INTEGER REFERENCES users(id), lease_expires_at TEXT,
       idempotency_key TEXT UNIQUE, request_hash TEXT,
       created_at TEXT NOT NULL, answered_at TEXT, updated_at TEXT NOT NULL)`,
    `INSERT INTO callback_requests_old (${CALLBACK_COLUMNS}) SELECT ${CALLBACK_COLUMNS} FROM callback_requests`,
    'DROP TABLE callback_requests',
    'ALTER TABLE callback_requests_old RENAME TO callback_requests',
    `CREATE INDEX callback_requests_queue ON callback_requests(mode, due_at) WHERE status = 'pending'`,
    `CREATE INDEX callback_requests_lease ON callback_requests(lease_expires_at) WHERE status = 'claimed'`,
    `CREATE INDEX callback_requests_owner ON callback_requests(lease_owner) WHERE status = 'claimed'`,
    `CREATE INDEX callback_requests_open ON callback_requests(due_by) WHERE status IN ('pending','claimed')`,
    `CREATE INDEX callback_requests_answered ON callback_requests(answered_at) WHERE answered_at IS NOT NULL`,
  ]) {
    await sql.raw(statement).execute(db);
  }
}
