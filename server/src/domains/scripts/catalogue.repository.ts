import type { CatalogueProduct } from '@valore/shared/schemas/catalogue';
import type { ValueOutcome } from '@valore/shared/reference/outcomes';
import type { Executor } from '../../db/database';

export async function activeCatalogue(db: Executor): Promise<CatalogueProduct[]> {
  const rows = await db.selectFrom('products').selectAll().where('active', '=', 1).orderBy('family').orderBy('code').execute();
  return rows.map((r) => ({
    code: r.code,
    family: r.family,
    businessUnit: r.business_unit,
    name: { it: r.name_it, en: r.name_en },
    outcomes: JSON.parse(r.outcomes) as ValueOutcome[],
  }));
}

/** product code → allowed value outcomes: the input the call scripts take. */
export async function outcomesByProduct(db: Executor): Promise<Record<string, ValueOutcome[]>> {
  const products = await activeCatalogue(db);
  return Object.fromEntries(products.map((p) => [p.code, p.outcomes]));
}
