import { sql, type Kysely } from 'kysely';

/**
 * The data-access policy (domains/customers/access-policy.ts).
 *
 * `customer_access_grants`: why an operator may see a customer they reached without a work item or a screen pop — a
 * contact started from search ('contact', short-lived, with the reason the operator gave) or a break-glass access
 * ('break_glass', with a free-text reason that admins review). The policy reads a user's live grant for one customer
 * (user_id, customer_id, expires_at); the admins' review reads break-glass rows newest first; a site's reach (tutors)
 * reads grants by customer.
 *
 * `idempotency_keys.actor`: who used a key (`user:<id>`, `key:<api key id>`, `link:<token subject>`). A key is the
 * caller's own: another caller presenting it is refused (409) instead of being handed the first caller's answer. The
 * rows written before this migration had no actor; those of interactions.complete get theirs from the contact they
 * logged, the rest stay NULL and are treated as someone else's (refused) until the retention purge drops them.
 * Written 2026-12-04 (after the retention migration) so that databases that already ran it migrate in order.
 */
const up_statements = [
  `CREATE TABLE customer_access_grants (
     id INTEGER PRIMARY KEY,
     user_id INTEGER NOT NULL REFERENCES users(id),
     customer_id INTEGER NOT NULL REFERENCES customers(id),
     kind TEXT NOT NULL CHECK (kind IN ('contact','break_glass')),
     reason TEXT NOT NULL,
     client_id TEXT,
     granted_at TEXT NOT NULL,
     expires_at TEXT NOT NULL)`,
  `CREATE INDEX customer_access_grants_user ON customer_access_grants(user_id, customer_id, expires_at)`,
  `CREATE INDEX customer_access_grants_customer ON customer_access_grants(customer_id)`,
  `CREATE INDEX customer_access_grants_break_glass ON customer_access_grants(id) WHERE kind = 'break_glass'`,
  `ALTER TABLE idempotency_keys ADD COLUMN actor TEXT`,
  `UPDATE idempotency_keys SET actor = 'user:' || (SELECT operator_id FROM interactions WHERE client_id = idempotency_keys.key)
     WHERE scope = 'interactions.complete'`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE idempotency_keys DROP COLUMN actor`.execute(db);
  await sql`DROP TABLE IF EXISTS customer_access_grants`.execute(db);
}
