import type { CustomerCard, CustomerSearchResult } from '@valore/shared/schemas/customers';
import type { REVEALABLE_FIELDS } from '@valore/shared/schemas/customers';
import type { AppDeps } from '../../deps';
import type { SessionUser } from '@valore/shared/schemas/auth';
import { DomainError } from '../../trpc/errors';
import { insertAudit } from '../audit/audit.repository';
import {
  currentConsents,
  customerHoldings,
  findCustomer,
  findCustomersByName,
  findCustomersByPhone,
  findCustomersByTaxCode,
  isOnOptOutRegistry,
  provinceName,
  recentInteractionsOf,
  type CustomerRow,
} from './customers.repository';
import { CALL_CHANNEL, hasMarketingConsent } from './marketing-consent';
import { maskEmail, maskPhone, maskTaxCode } from './masking';

const TAX_CODE = /^[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$/;

/** Normalises what an operator types or a switch sends as a phone number to E.164 (+39… for Italian numbers). */
export function normalisePhone(input: string): string | null {
  const compact = input.replace(/[\s\-./()]/g, '');
  if (!/^\+?\d{6,15}$/.test(compact)) return null;
  if (compact.startsWith('+')) return compact;
  if (compact.startsWith('0039')) return `+${compact.slice(2)}`;
  return `+39${compact}`;
}

const toResult = (c: CustomerRow): CustomerSearchResult => ({
  id: c.id,
  name: `${c.first_name} ${c.last_name}`,
  provinceCode: c.province_code,
  city: c.city,
  phoneMasked: maskPhone(c.phone),
  taxCodeMasked: maskTaxCode(c.tax_code),
});

/** Finds customers by phone number, tax code or name ("Rossi", "Rossi Mario", "Mario Rossi"). */
export async function searchCustomers(deps: AppDeps, query: string): Promise<CustomerSearchResult[]> {
  const q = query.trim();
  const upper = q.toUpperCase().replace(/\s/g, '');
  if (TAX_CODE.test(upper)) return (await findCustomersByTaxCode(deps.db, upper)).map(toResult);
  const phone = /^[+\d\s\-./()]+$/.test(q) ? normalisePhone(q) : null;
  if (phone) return (await findCustomersByPhone(deps.db, phone, 20)).map(toResult);
  const words = q.split(/\s+/).filter(Boolean);
  const [a = '', b = null] = words;
  const asLastFirst = await findCustomersByName(deps.db, words.length > 2 ? words.slice(0, -1).join(' ') : a, words.length > 2 ? (words.at(-1) ?? null) : b, 20);
  if (asLastFirst.length > 0 || !b) return asLastFirst.map(toResult);
  // "Mario Rossi": first name first
  return (await findCustomersByName(deps.db, b, a, 20)).map(toResult);
}

export async function customerCard(deps: AppDeps, customerId: number): Promise<CustomerCard> {
  const c = await findCustomer(deps.db, customerId);
  if (!c) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Customer ${customerId} does not exist.`);
  const [holdings, consents, marketing, registry, recent, province] = await Promise.all([
    customerHoldings(deps.db, c.id),
    currentConsents(deps.db, c.id),
    hasMarketingConsent(deps.db, c.id, CALL_CHANNEL),
    isOnOptOutRegistry(deps.db, c.phone),
    recentInteractionsOf(deps.db, c.id, 5),
    provinceName(deps.db, c.province_code),
  ]);
  return {
    id: c.id,
    firstName: c.first_name,
    lastName: c.last_name,
    city: c.city,
    provinceCode: c.province_code,
    provinceName: province,
    birthYear: Number(c.birth_date.slice(0, 4)),
    phoneMasked: maskPhone(c.phone),
    emailMasked: c.email ? maskEmail(c.email) : null,
    taxCodeMasked: maskTaxCode(c.tax_code),
    holdings: holdings.map((h) => ({ productCode: h.product_code, since: h.since })),
    consents: consents.map((k) => ({
      purpose: k.purpose,
      channel: k.channel,
      granted: k.granted === 1,
      source: k.source,
      recordedAt: k.recorded_at,
    })),
    marketingConsent: marketing,
    onOptOutRegistry: registry,
    recentInteractions: recent.map((r) => ({
      id: r.id,
      flow: r.flow,
      outcome: r.outcome,
      productCode: r.product_code,
      startedAt: r.started_at,
      operatorName: r.operator_name,
    })),
  };
}

/** Shows one personal field in clear and leaves an audit record of who saw what, when. */
export async function revealField(
  deps: AppDeps,
  user: SessionUser,
  customerId: number,
  field: (typeof REVEALABLE_FIELDS)[number],
  ip: string | null,
): Promise<{ field: typeof field; value: string | null }> {
  const c = await findCustomer(deps.db, customerId);
  if (!c) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Customer ${customerId} does not exist.`);
  const value = field === 'phone' ? c.phone : field === 'email' ? c.email : c.tax_code;
  await insertAudit(deps.db, {
    at: deps.clock.now().toISOString(),
    actorId: user.id,
    action: 'customer.reveal',
    entityType: 'customer',
    entityId: c.id,
    details: { field },
    ip,
  });
  return { field, value };
}
