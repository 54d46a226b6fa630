import { sql, type Kysely } from 'kysely';

/**
 * Work queues: campaign list imports with their per-line reject report, and the indexes the one operator queue
 * (work.next) probes so it never walks rows that are not due or not claimable.
 */
const up_statements = [
  `CREATE TABLE campaign_imports (
     id INTEGER PRIMARY KEY,
     campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
     status TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running','done','failed')),
     customer_id_column TEXT, phone_column TEXT,
     total INTEGER NOT NULL DEFAULT 0, imported INTEGER NOT NULL DEFAULT 0,
     duplicates INTEGER NOT NULL DEFAULT 0, rejected INTEGER NOT NULL DEFAULT 0,
     created_by INTEGER REFERENCES users(id), created_at TEXT NOT NULL, finished_at TEXT)`,
  `CREATE INDEX campaign_imports_campaign ON campaign_imports(campaign_id, created_at)`,
  `CREATE TABLE campaign_import_rejects (
     import_id INTEGER NOT NULL REFERENCES campaign_imports(id) ON DELETE CASCADE,
     line INTEGER NOT NULL,
     reason TEXT NOT NULL CHECK (reason IN ('malformed','unknown_customer','no_marketing_consent','on_optout_registry')),
     value TEXT,
     PRIMARY KEY (import_id, line)) WITHOUT ROWID`,
  // the item an operator holds (a page reload gives it back)
  `CREATE INDEX campaign_contacts_owner ON campaign_contacts(lease_owner) WHERE status = 'claimed'`,
  `CREATE INDEX callback_requests_owner ON callback_requests(lease_owner) WHERE status = 'claimed'`,
  // lead follow-ups: open leads are claimed through their lease columns, per site
  `CREATE INDEX leads_followup_queue ON leads(site_id, follow_up_at) WHERE status = 'open' AND lease_owner IS NULL`,
  `CREATE INDEX leads_lease ON leads(lease_expires_at) WHERE status = 'open' AND lease_owner IS NOT NULL`,
  `CREATE INDEX leads_owner ON leads(lease_owner) WHERE status = 'open' AND lease_owner IS NOT NULL`,
  `CREATE INDEX campaign_sites_site ON campaign_sites(site_id)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    'DROP INDEX IF EXISTS campaign_sites_site',
    'DROP INDEX IF EXISTS leads_owner',
    'DROP INDEX IF EXISTS leads_lease',
    'DROP INDEX IF EXISTS leads_followup_queue',
    'DROP INDEX IF EXISTS callback_requests_owner',
    'DROP INDEX IF EXISTS campaign_contacts_owner',
    'DROP TABLE IF EXISTS campaign_import_rejects',
    'DROP TABLE IF EXISTS campaign_imports',
  ]) {
    await sql.raw(statement).execute(db);
  }
}
