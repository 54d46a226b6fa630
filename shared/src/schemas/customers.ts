import { z } from 'zod';
import { id } from './common';

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
