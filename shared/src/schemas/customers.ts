import { z } from 'zod';
import { clientId, id, text } from './common';

export { customerSearchInput } from './forms';

export const customerSearchResult = z.object({
  id: z.number().int(),
  name: z.string(),
  provinceCode: z.string(),
  city: z.string(),
  phoneMasked: z.string(),
  taxCodeMasked: z.string(),
});
export type CustomerSearchResult = z.infer<typeof customerSearchResult>;

export const customerCardInput = z.object({ customerId: id }).strict();

export const CONSENT_PURPOSES = ['marketing', 'profiling', 'third_parties'] as const;

export const customerCard = z.object({
  id: z.number().int(),
  firstName: z.string(),
  lastName: z.string(),
  city: z.string(),
  provinceCode: z.string(),
  provinceName: z.string(),
  birthYear: z.number().int(),
  phoneMasked: z.string(),
  emailMasked: z.string().nullable(),
  taxCodeMasked: z.string(),
  holdings: z.array(z.object({ productCode: z.string(), since: z.string() })),
  consents: z.array(
    z.object({
      purpose: z.enum(CONSENT_PURPOSES),
      channel: z.string(),
      granted: z.boolean(),
      source: z.string(),
      recordedAt: z.string(),
    }),
  ),
  marketingConsent: z.boolean(),
  onOptOutRegistry: z.boolean(),
  recentInteractions: z.array(
    z.object({
      id: z.number().int(),
      flow: z.string(),
      outcome: z.string(),
      productCode: z.string().nullable(),
      startedAt: z.string(),
      operatorName: z.string(),
    }),
  ),
});
export type CustomerCard = z.infer<typeof customerCard>;

export const REVEALABLE_FIELDS = ['phone', 'email', 'taxCode'] as const;
export const revealInput = z.object({ customerId: id, field: z.enum(REVEALABLE_FIELDS) }).strict();
export const revealOutput = z.object({ field: z.enum(REVEALABLE_FIELDS), value: z.string().nullable() });

/**
 * Why an operator starts a contact with a customer they found by search (customers/access-policy.ts): the customer
 * is on an inbound call, asked to be contacted, or is the caller of a held item or a call that came without a
 * customer.
 */
export const CONTACT_REASONS = ['inbound_call', 'customer_request', 'caller_identified'] as const;
export type ContactReason = (typeof CONTACT_REASONS)[number];

export const startContactInput = z.object({ customerId: id, reason: z.enum(CONTACT_REASONS), clientId }).strict();
export type StartContactInput = z.infer<typeof startContactInput>;
export const accessGrant = z.object({
  customerId: z.number().int(),
  reason: z.string(),
  grantedAt: z.string(),
  expiresAt: z.string(),
});
export type AccessGrant = z.infer<typeof accessGrant>;

export const BREAK_GLASS_REASON_MIN = 10;
/** Access to a customer one is not handling, with the reason admins will review. */
export const breakGlassInput = z
  .object({
    customerId: id,
    reason: text(500).pipe(
      z
        .string()
        .min(
          BREAK_GLASS_REASON_MIN,
          `Say why you need this customer's data (at least ${BREAK_GLASS_REASON_MIN} characters)`,
        ),
    ),
  })
  .strict();
export type BreakGlassInput = z.infer<typeof breakGlassInput>;

export const breakGlassLogInput = z
  .object({
    limit: z.number().int().min(1).max(500).default(100),
    /** the id of the last entry of the previous page (newest first) */
    before: id.optional(),
  })
  .strict();
export const breakGlassLogEntry = z.object({
  id: z.number().int(),
  customerId: z.number().int(),
  customerName: z.string(),
  userId: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  siteId: z.number().int().nullable(),
  reason: z.string(),
  grantedAt: z.string(),
  expiresAt: z.string(),
});
export const breakGlassLog = z.object({ items: z.array(breakGlassLogEntry), nextBefore: z.number().int().nullable() });
export type BreakGlassLog = z.infer<typeof breakGlassLog>;
