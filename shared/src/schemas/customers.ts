import { z } from 'zod';
import { APPOINTMENT_STATUSES, LEAD_CHANGES } from '../reference/history-terms';
import { FLOWS, OUTCOMES } from '../reference/outcomes';
import { clientId, id, text } from './common';

export { customerSearchInput } from './forms';

export const customerSearchResult = z.object({
  id: z.number().int(),
  name: z.string(),
  provinceCode: z.string(),
  city: z.string(),
  phoneMasked: z.string(),
  taxCodeMasked: z.string(),
  /** the year only: day and month are personal data the card reveals (birthDate), the year tells look-alikes apart */
  birthYear: z.number().int(),
  /** the start of the customer's latest contact, null when never contacted */
  lastContactAt: z.string().nullable(),
  /** from the tax code, for the words that agree with the customer ("mai contattata"); null if unknown */
  gender: z.enum(['m', 'f']).nullable(),
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

/** Shown masked until revealed (audited); `birthDate` reveals as an ISO day, YYYY-MM-DD. */
export const REVEALABLE_FIELDS = ['phone', 'email', 'taxCode', 'birthDate'] as const;
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

/** At most this many history entries in one page, and this long a search. */
export const HISTORY_LIMIT_MAX = 100;
export const HISTORY_QUERY_MAX = 100;
/** A history cursor: the time and key of the last entry of the previous page (nextCursor). */
const HISTORY_CURSOR = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z~[a-z_]+(:[a-z_0-9]+)+$/;

/**
 * A customer's history (customers/customer-history.ts): their contacts, notes, leads, appointments and consent
 * changes, newest first, `limit` at a time; `q` keeps the entries whose words (in either language) or data match every
 * word of it. Notes are personal data: masked unless `revealNotes` (operators and admins, audited, as a reveal).
 */
export const customerHistoryInput = z
  .object({
    customerId: id,
    q: text(HISTORY_QUERY_MAX).optional(),
    cursor: z.string().max(100).regex(HISTORY_CURSOR, "Use the previous page's nextCursor").optional(),
    limit: z.number().int().min(1).max(HISTORY_LIMIT_MAX).default(20),
    revealNotes: z.boolean().default(false),
    /** sent by tRPC's infinite queries; pages only go forward (older) here */
    direction: z.enum(['forward', 'backward']).optional(),
  })
  .strict();
export type CustomerHistoryInput = z.infer<typeof customerHistoryInput>;

const entry = { key: z.string(), at: z.string() };
export const historyEntry = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('contact'),
    ...entry,
    flow: z.enum(FLOWS),
    outcome: z.enum(OUTCOMES),
    productCode: z.string().nullable(),
    operatorName: z.string(),
  }),
  z.object({
    kind: z.literal('note'),
    ...entry,
    source: z.enum(['contact', 'lead']),
    authorName: z.string().nullable(),
    /** null while masked (revealNotes not asked) */
    text: z.string().nullable(),
  }),
  z.object({
    kind: z.literal('lead'),
    ...entry,
    change: z.enum(LEAD_CHANGES),
    productCode: z.string(),
    followUpAt: z.string().nullable(),
    byName: z.string().nullable(),
  }),
  z.object({
    kind: z.literal('appointment'),
    ...entry,
    productCode: z.string(),
    postOfficeName: z.string(),
    postOfficeCity: z.string(),
    slotStartsAt: z.string(),
    status: z.enum(APPOINTMENT_STATUSES),
  }),
  z.object({
    kind: z.literal('consent'),
    ...entry,
    purpose: z.enum(CONSENT_PURPOSES),
    channel: z.string(),
    granted: z.boolean(),
    source: z.string(),
  }),
]);
export type HistoryEntry = z.infer<typeof historyEntry>;
export const customerHistory = z.object({
  items: z.array(historyEntry),
  nextCursor: z.string().nullable(),
  /** whether the notes of this page are in clear */
  notesRevealed: z.boolean(),
  /** whether the customer has notes at all, whatever `q` keeps (so they can be asked for while searching) */
  hasNotes: z.boolean(),
});
export type CustomerHistory = z.infer<typeof customerHistory>;
