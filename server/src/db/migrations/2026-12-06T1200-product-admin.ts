import { sql, type Kysely } from 'kysely';

/**
 * Products are edited on the admin screen (domains/admin/products.service.ts): each gets the query string its funnel
 * links add when followed (before: always utm_source=valore&utm_medium=<channel>, kept as the default).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE products ADD COLUMN utm_template TEXT NOT NULL DEFAULT 'utm_source=valore&utm_medium={channel}'`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE products DROP COLUMN utm_template`.execute(db);
}
