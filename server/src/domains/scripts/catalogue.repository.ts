import type { CatalogueProduct } from '@valore/shared/schemas/catalogue';
import type { ValueOutcome } from '@valore/shared/reference/outcomes';
import type { Executor } from '../../db/database';

export async function activeCatalogue(db: Executor): Promise<CatalogueProduct[]> {
  const rows = await db
    .selectFrom('products')
    .selectAll()
    .where('active', '=', 1)
    .orderBy('family')
    .orderBy('code')
    .execute();
  return rows.map((r) => ({
    code: r.code,
    family: r.family,
    businessUnit: r.business_unit,
    name: { it: r.name_it, en: r.name_en },
    grammar: { gender: r.gender_it, plural: r.plural_it === 1, article: r.article_it },
    outcomes: JSON.parse(r.outcomes) as ValueOutcome[],
  }));
}

/** product code → allowed value outcomes: the input the call scripts take. */
export async function outcomesByProduct(db: Executor): Promise<Record<string, ValueOutcome[]>> {
  const products = await activeCatalogue(db);
  return Object.fromEntries(products.map((p) => [p.code, p.outcomes]));
}

/**
 * How long a completion may use the catalogue it read. An admin's change (domains/admin/products.service.ts) drops
 * the cached copy at once (forgetCatalogue); the bound is for changes made outside this process.
 */
const CATALOGUE_CACHE_MS = 30_000;
const outcomesCache = new WeakMap<object, { until: number; value: Promise<Record<string, ValueOutcome[]>> }>();

/**
 * `outcomesByProduct`, read at most every 30 s per database (`owner`: the long-lived handle, e.g. deps.db) instead of
 * on every completion; `db` may be the caller's transaction. A failed read is not kept.
 */
export function cachedOutcomesByProduct(
  owner: object,
  db: Executor,
  nowMs: number,
): Promise<Record<string, ValueOutcome[]>> {
  const hit = outcomesCache.get(owner);
  if (hit && hit.until > nowMs) return hit.value;
  const value = outcomesByProduct(db);
  outcomesCache.set(owner, { until: nowMs + CATALOGUE_CACHE_MS, value });
  value.catch(() => outcomesCache.delete(owner));
  return value;
}

/** Drops the cached catalogue of a database: the next completion reads the products again. */
export function forgetCatalogue(owner: object): void {
  outcomesCache.delete(owner);
}
