import type { ValueOutcome } from '@valore/shared/reference/outcomes';
import type { Executor } from '../../db/database';
import { precompiled } from '../../db/precompiled';
import { DomainError } from '../../errors';

/** Lookups every value-outcome effect starts with; the effects trust nothing the client replayed. */
export interface CustomerContact {
  id: number;
  firstName: string;
  lastName: string;
  phone: string;
  email: string | null;
  /** the language of the messages we send them */
  language: 'it' | 'en';
}

/**
 * The customer an effect acts on. A caller that has just read the customer in the same transaction passes it as
 * `known` (the completion does), which saves reading the same row again; any other caller gets it read here.
 */
export function customerContactFor(
  db: Executor,
  customerId: number,
  known?: CustomerContact,
): Promise<CustomerContact> {
  return known?.id === customerId ? Promise.resolve(known) : requireCustomerContact(db, customerId);
}

export function contactOf(row: {
  id: number;
  first_name: string;
  last_name: string;
  phone: string;
  email: string | null;
  language: 'it' | 'en';
}): CustomerContact {
  return {
    id: row.id,
    firstName: row.first_name,
    lastName: row.last_name,
    phone: row.phone,
    email: row.email,
    language: row.language,
  };
}

export async function requireCustomerContact(db: Executor, customerId: number): Promise<CustomerContact> {
  const row = Number.isSafeInteger(customerId)
    ? await db
        .selectFrom('customers')
        .select(['id', 'first_name', 'last_name', 'phone', 'email', 'language'])
        .where('id', '=', customerId)
        .executeTakeFirst()
    : undefined;
  if (!row) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Customer ${customerId} does not exist.`);
  return contactOf(row);
}

export interface ProductForOutcome {
  code: string;
  nameIt: string;
  nameEn: string;
  funnelUrl: string;
}

// every value outcome reads it (precompiled: db/precompiled.ts)
const productByCode = precompiled((db, v: { code: string }) =>
  db
    .selectFrom('products')
    .select(['code', 'name_it', 'name_en', 'funnel_url', 'outcomes', 'active'])
    .where('code', '=', v.code),
);

/** The product must exist, be active and allow this value outcome (a proposal closes only on an allowed one). */
export async function requireProductFor(
  db: Executor,
  productCode: string,
  outcome: ValueOutcome,
): Promise<ProductForOutcome> {
  const row = await productByCode.first(db, { code: productCode });
  if (!row || row.active !== 1) {
    throw new DomainError('BAD_REQUEST', 'VALIDATION', `"${productCode}" is not an active product of the catalogue.`);
  }
  const outcomes: unknown = JSON.parse(row.outcomes);
  if (!Array.isArray(outcomes) || !outcomes.includes(outcome)) {
    throw new DomainError(
      'BAD_REQUEST',
      'VALIDATION',
      `Product ${productCode} cannot close on the outcome "${outcome}".`,
    );
  }
  return { code: row.code, nameIt: row.name_it, nameEn: row.name_en, funnelUrl: row.funnel_url };
}
