import { genderFromTaxCode } from '@valore/shared/reference/italian';
import type {
  AccessGrant,
  BreakGlassInput,
  BreakGlassLog,
  CustomerCard,
  CustomerSearchResult,
  StartContactInput,
} from '@valore/shared/schemas/customers';
import type { REVEALABLE_FIELDS } from '@valore/shared/schemas/customers';
import type { AppDeps } from '../../deps';
import type { SessionUser } from '@valore/shared/schemas/auth';
import { DomainError } from '../../errors';
import { insertAudit } from '../audit/audit.repository';
import { idempotentTransaction, userCaller } from '../audit/idempotency';
import { BREAK_GLASS_MINUTES, CONTACT_GRANT_MINUTES, requireCustomerAccess } from './access-policy';
import {
  breakGlassEntries,
  currentConsents,
  customerHoldings,
  findCustomer,
  findCustomersByName,
  findCustomersByPhone,
  findCustomersByTaxCode,
  insertAccessGrant,
  isOnOptOutRegistry,
  provinceName,
  recentInteractionsOf,
  type CustomerRow,
} from './customers.repository';
import { CALL_CHANNEL, hasMarketingConsent } from './marketing-consent';
import { lastContacts } from './history.repository';
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

/**
 * A search result: masked like the card (phone and tax code masked, the birth year only), with what tells look-alikes
 * apart — the birth year, the tax code's first and last characters, the last contact.
 */
async function toResults(deps: AppDeps, rows: CustomerRow[]): Promise<CustomerSearchResult[]> {
  const last = await lastContacts(
    deps.db,
    rows.map((c) => c.id),
  );
  return rows.map((c) => ({
    id: c.id,
    name: `${c.first_name} ${c.last_name}`,
    provinceCode: c.province_code,
    city: c.city,
    phoneMasked: maskPhone(c.phone),
    taxCodeMasked: maskTaxCode(c.tax_code),
    birthYear: birthYearOf(c.birth_date),
    lastContactAt: last.get(c.id) ?? null,
    gender: genderFromTaxCode(c.tax_code),
  }));
}

const birthYearOf = (birthDate: string) => Number(birthDate.slice(0, 4));

/** Finds customers by phone number, tax code or name ("Rossi", "Rossi Mario", "Mario Rossi"). */
export async function searchCustomers(deps: AppDeps, query: string): Promise<CustomerSearchResult[]> {
  return toResults(deps, await findByQuery(deps, query));
}

async function findByQuery(deps: AppDeps, query: string): Promise<CustomerRow[]> {
  const q = query.trim();
  const upper = q.toUpperCase().replace(/\s/g, '');
  if (TAX_CODE.test(upper)) return findCustomersByTaxCode(deps.db, upper);
  const phone = /^[+\d\s\-./()]+$/.test(q) ? normalisePhone(q) : null;
  if (phone) return findCustomersByPhone(deps.db, phone, 20);
  const words = q.split(/\s+/).filter(Boolean);
  const [a = '', b = null] = words;
  const asLastFirst = await findCustomersByName(
    deps.db,
    words.length > 2 ? words.slice(0, -1).join(' ') : a,
    words.length > 2 ? (words.at(-1) ?? null) : b,
    20,
  );
  if (asLastFirst.length > 0 || !b) return asLastFirst;
  // "Mario Rossi": first name first
  return findCustomersByName(deps.db, b, a, 20);
}

export async function customerCard(deps: AppDeps, user: SessionUser, customerId: number): Promise<CustomerCard> {
  await requireCustomerAccess(deps.db, user, customerId, deps.clock.now());
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
    birthYear: birthYearOf(c.birth_date),
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
  await requireCustomerAccess(deps.db, user, customerId, deps.clock.now());
  const c = await findCustomer(deps.db, customerId);
  if (!c) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Customer ${customerId} does not exist.`);
  const value = { phone: c.phone, email: c.email, taxCode: c.tax_code, birthDate: c.birth_date }[field];
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

const minutesAfter = (now: Date, minutes: number) => new Date(now.getTime() + minutes * 60_000).toISOString();

/**
 * An operator starts a contact with a customer they found by search, saying why: the grant lets them open the card
 * for CONTACT_GRANT_MINUTES (access-policy.ts). The grant, its idempotency record (the console's client id) and the
 * audit row commit together.
 */
export async function startContact(
  deps: AppDeps,
  user: SessionUser,
  input: StartContactInput,
  ip: string | null,
): Promise<AccessGrant> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const { response } = await idempotentTransaction(
    deps,
    {
      caller: userCaller(user),
      scope: 'customers.startContact',
      key: input.clientId,
      input: [input.customerId, input.reason, input.clientId],
      at,
    },
    async (trx): Promise<AccessGrant> => {
      if (!(await findCustomer(trx, input.customerId))) {
        throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Customer ${input.customerId} does not exist.`);
      }
      const expiresAt = minutesAfter(now, CONTACT_GRANT_MINUTES);
      const id = await insertAccessGrant(trx, {
        user_id: user.id,
        customer_id: input.customerId,
        kind: 'contact',
        reason: input.reason,
        client_id: input.clientId,
        granted_at: at,
        expires_at: expiresAt,
      });
      await insertAudit(trx, {
        at,
        actorId: user.id,
        action: 'customer.contact_started',
        entityType: 'customer',
        entityId: input.customerId,
        details: { reason: input.reason, grantId: id, clientId: input.clientId, expiresAt },
        ip,
      });
      return { customerId: input.customerId, reason: input.reason, grantedAt: at, expiresAt };
    },
  );
  return response;
}

/**
 * Access to a customer one is not handling, for BREAK_GLASS_MINUTES, with a mandatory reason: recorded as a grant and
 * an audit row ('customer.break_glass') in one transaction, and listed for the admins to review. Each request is an
 * access of its own to review, so a repeated one is recorded again.
 */
export async function breakGlass(
  deps: AppDeps,
  user: SessionUser,
  input: BreakGlassInput,
  ip: string | null,
): Promise<AccessGrant> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const expiresAt = minutesAfter(now, BREAK_GLASS_MINUTES);
  return deps.db.transaction().execute(async (trx) => {
    if (!(await findCustomer(trx, input.customerId))) {
      throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Customer ${input.customerId} does not exist.`);
    }
    const id = await insertAccessGrant(trx, {
      user_id: user.id,
      customer_id: input.customerId,
      kind: 'break_glass',
      reason: input.reason,
      client_id: null,
      granted_at: at,
      expires_at: expiresAt,
    });
    await insertAudit(trx, {
      at,
      actorId: user.id,
      action: 'customer.break_glass',
      entityType: 'customer',
      entityId: input.customerId,
      details: { reason: input.reason, grantId: id, expiresAt },
      ip,
    });
    return { customerId: input.customerId, reason: input.reason, grantedAt: at, expiresAt };
  });
}

/** The break-glass accesses, newest first, for the admins' review. */
export async function breakGlassLog(
  deps: AppDeps,
  input: { limit: number; before?: number | undefined },
): Promise<BreakGlassLog> {
  const rows = await breakGlassEntries(deps.db, input.limit + 1, input.before ?? null);
  const page = rows.slice(0, input.limit);
  return {
    items: page.map((r) => ({
      id: r.id,
      customerId: r.customer_id,
      customerName: `${r.first_name} ${r.last_name}`,
      userId: r.user_id,
      username: r.username,
      displayName: r.display_name,
      siteId: r.site_id,
      reason: r.reason,
      grantedAt: r.granted_at,
      expiresAt: r.expires_at,
    })),
    nextBefore: rows.length > input.limit ? (page.at(-1)?.id ?? null) : null,
  };
}
