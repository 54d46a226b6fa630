import { sql, type Kysely } from 'kysely';

/**
 * The current marketing consent is the latest row of a customer for channel 'any' or 'phone'. The old index led
 * with the channel, so reading the latest over two channels sorted both ranges in a temporary B-tree: ~40 µs of
 * every claim (the campaign head reads it) and of every completion. Ordered by time within (customer, purpose),
 * the newest row comes first and the channel is a filter on a customer's few rows: ~6 µs. The customer card and
 * the list import read consents by customer too, so the old index has no reader left.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX consents_latest ON consents(customer_id, purpose, recorded_at, id)`.execute(db);
  await sql`DROP INDEX consents_current`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX consents_current ON consents(customer_id, purpose, channel, recorded_at)`.execute(db);
  await sql`DROP INDEX consents_latest`.execute(db);
}
