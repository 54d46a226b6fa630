import {
  DEFAULT_UTM_TEMPLATE,
  type AdminProduct,
  type ProductCreateInput,
  type ProductUpdateInput,
} from '@valore/shared/schemas/admin';
import type { ValueOutcome } from '@valore/shared/reference/outcomes';
import type { SessionUser } from '@valore/shared/schemas/auth';
import type { AppDeps } from '../../deps';
import type { Executor } from '../../db/database';
import { DomainError } from '../../errors';
import { insertAudit } from '../audit/audit.repository';
import { adminChange } from './admin-change';
import { forgetCatalogue } from '../scripts/catalogue.repository';

/**
 * The product catalogue on the admin screen (admin.products.*, docs/admin.md): family, business unit, names, the value
 * outcomes a proposal of it may end in, its funnel address with the tracking parameters its links add, active. The
 * console's catalogue, the scripts' outcomes, `GET /api/v1/products` and the next funnel link read the change at once.
 */

type Row = {
  code: string;
  family: string;
  business_unit: string;
  name_it: string;
  name_en: string;
  gender_it: 'm' | 'f';
  plural_it: 0 | 1;
  article_it: string | null;
  funnel_url: string;
  utm_template: string;
  outcomes: string;
  active: 0 | 1;
};

function toProduct(r: Row): AdminProduct {
  return {
    code: r.code,
    family: r.family,
    businessUnit: r.business_unit,
    name: { it: r.name_it, en: r.name_en },
    grammar: { gender: r.gender_it, plural: r.plural_it === 1, article: r.article_it },
    funnelUrl: r.funnel_url,
    utmTemplate: r.utm_template,
    outcomes: JSON.parse(r.outcomes) as ValueOutcome[],
    active: r.active === 1,
  };
}

async function productByCode(db: Executor, code: string): Promise<AdminProduct | null> {
  const row = await db.selectFrom('products').selectAll().where('code', '=', code).executeTakeFirst();
  return row ? toProduct(row) : null;
}

export async function listProducts(deps: AppDeps): Promise<AdminProduct[]> {
  const rows = await deps.db.selectFrom('products').selectAll().orderBy('family').orderBy('code').execute();
  return rows.map(toProduct);
}

export async function createProduct(
  deps: AppDeps,
  admin: SessionUser,
  input: ProductCreateInput,
  ip: string | null,
): Promise<AdminProduct> {
  const at = deps.clock.now().toISOString();
  const product = await adminChange(deps, admin, 'admin.products.create', input, at, async (trx) => {
    if (await productByCode(trx, input.code)) {
      throw new DomainError('CONFLICT', 'VALIDATION', `The product code ${input.code} is taken.`, {
        code: ['Already in the catalogue'],
      });
    }
    await trx
      .insertInto('products')
      .values({
        code: input.code,
        family: input.family,
        business_unit: input.businessUnit,
        name_it: input.nameIt,
        name_en: input.nameEn,
        gender_it: input.genderIt ?? 'm',
        plural_it: input.pluralIt ? 1 : 0,
        article_it: input.articleIt || null,
        funnel_url: input.funnelUrl,
        utm_template: input.utmTemplate ?? DEFAULT_UTM_TEMPLATE,
        outcomes: JSON.stringify(input.outcomes),
        active: input.active === false ? 0 : 1,
      })
      .execute();
    await insertAudit(trx, {
      at,
      actorId: admin.id,
      action: 'admin.product_created',
      entityType: 'product',
      entityId: input.code,
      details: { ...input, requestId: undefined },
      ip,
    });
    return (await productByCode(trx, input.code)) as AdminProduct;
  });
  forgetCatalogue(deps.db);
  return product;
}

export async function updateProduct(
  deps: AppDeps,
  admin: SessionUser,
  input: ProductUpdateInput,
  ip: string | null,
): Promise<AdminProduct> {
  const at = deps.clock.now().toISOString();
  const product = await adminChange(deps, admin, 'admin.products.update', input, at, async (trx) => {
    const before = await productByCode(trx, input.code);
    if (!before) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Product ${input.code} does not exist.`);
    const after: AdminProduct = {
      ...before,
      family: input.family ?? before.family,
      businessUnit: input.businessUnit ?? before.businessUnit,
      name: { it: input.nameIt ?? before.name.it, en: input.nameEn ?? before.name.en },
      grammar: {
        gender: input.genderIt ?? before.grammar.gender,
        plural: input.pluralIt ?? before.grammar.plural,
        article: input.articleIt === undefined ? before.grammar.article : input.articleIt || null,
      },
      funnelUrl: input.funnelUrl ?? before.funnelUrl,
      utmTemplate: input.utmTemplate ?? before.utmTemplate,
      outcomes: input.outcomes ?? before.outcomes,
      active: input.active ?? before.active,
    };
    await trx
      .updateTable('products')
      .set({
        family: after.family,
        business_unit: after.businessUnit,
        name_it: after.name.it,
        name_en: after.name.en,
        gender_it: after.grammar.gender,
        plural_it: after.grammar.plural ? 1 : 0,
        article_it: after.grammar.article,
        funnel_url: after.funnelUrl,
        utm_template: after.utmTemplate,
        outcomes: JSON.stringify(after.outcomes),
        active: after.active ? 1 : 0,
      })
      .where('code', '=', input.code)
      .execute();
    const changes = Object.fromEntries(
      (Object.keys(after) as (keyof AdminProduct)[])
        .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
        .map((k) => [k, { from: before[k], to: after[k] }]),
    );
    // an update that changes nothing is no change to record
    if (Object.keys(changes).length > 0)
      await insertAudit(trx, {
        at,
        actorId: admin.id,
        action: 'admin.product_updated',
        entityType: 'product',
        entityId: input.code,
        details: { changes },
        ip,
      });
    return after;
  });
  forgetCatalogue(deps.db);
  return product;
}
