import { sql, type Kysely } from 'kysely';

/**
 * Pushed work (domains/work/offers.ts): the item offered to a Ready operator, held for them under a short lease until
 * they accept it, decline it or the offer expires — every offer and how it ended is kept. A site chooses push (the
 * default) or pull (the operator asks with work.next).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE work_offers (
      id INTEGER PRIMARY KEY,
      operator_id INTEGER NOT NULL REFERENCES users(id),
      site_id INTEGER NOT NULL REFERENCES sites(id),
      item_kind TEXT NOT NULL CHECK (item_kind IN ('callback', 'campaign', 'lead_followup')),
      source_id TEXT NOT NULL,
      offered_at TEXT NOT NULL,
      expires_at TEXT NOT NULL,
      status TEXT NOT NULL DEFAULT 'offered' CHECK (status IN ('offered', 'accepted', 'declined', 'expired')),
      decided_at TEXT
    )`.execute(db);
  // one open offer per operator at a time; the dispatcher finds the ones that ran out by their expiry
  await sql`CREATE UNIQUE INDEX work_offers_open ON work_offers (operator_id) WHERE status = 'offered'`.execute(db);
  await sql`CREATE INDEX work_offers_due ON work_offers (expires_at) WHERE status = 'offered'`.execute(db);
  await sql`CREATE INDEX work_offers_item ON work_offers (item_kind, source_id, offered_at)`.execute(db);
  await sql`ALTER TABLE sites ADD COLUMN dispatch_mode TEXT NOT NULL DEFAULT 'push'
    CHECK (dispatch_mode IN ('push', 'pull'))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE sites DROP COLUMN dispatch_mode`.execute(db);
  await sql`DROP TABLE work_offers`.execute(db);
}
