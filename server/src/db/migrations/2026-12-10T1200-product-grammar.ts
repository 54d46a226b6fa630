import { sql, type Kysely } from 'kysely';
import { PRODUCT_CATALOGUE } from '@valore/shared/reference/products';

/**
 * How a product's Italian name takes its article and pronoun in the script's lines and the messages
 * (shared/src/reference/italian.ts): the gender and number of its head noun, and an optional expression used instead
 * of the article ("l'offerta" Luce e gas). The demo catalogue's products get theirs; others default to masculine
 * singular until an admin sets them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE products ADD COLUMN gender_it TEXT NOT NULL DEFAULT 'm' CHECK (gender_it IN ('m', 'f'))`.execute(
    db,
  );
  await sql`ALTER TABLE products ADD COLUMN plural_it INTEGER NOT NULL DEFAULT 0 CHECK (plural_it IN (0, 1))`.execute(
    db,
  );
  await sql`ALTER TABLE products ADD COLUMN article_it TEXT`.execute(db);
  for (const p of PRODUCT_CATALOGUE) {
    await sql`UPDATE products SET gender_it = ${p.grammar.gender}, plural_it = ${p.grammar.plural ? 1 : 0},
      article_it = ${p.grammar.article ?? null} WHERE code = ${p.code}`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE products DROP COLUMN article_it`.execute(db);
  await sql`ALTER TABLE products DROP COLUMN plural_it`.execute(db);
  await sql`ALTER TABLE products DROP COLUMN gender_it`.execute(db);
}
