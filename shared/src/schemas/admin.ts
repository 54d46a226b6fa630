import { z } from 'zod';
import { clientId, id, text } from './common';

/** A data subject's request (GDPR art. 15 access, art. 17 erasure), carried out by an admin. */
export const dataSubjectExportInput = z.object({ customerId: id }).strict();
export type DataSubjectExportInput = z.infer<typeof dataSubjectExportInput>;

export const ERASURE_REASON_MIN = 5;
export const dataSubjectEraseInput = z
  .object({
    customerId: id,
    /** why: the request's reference (e.g. the protocol number of the customer's letter) and its ground */
    reason: text(500).pipe(
      z
        .string()
        .min(ERASURE_REASON_MIN, `Say why (at least ${ERASURE_REASON_MIN} characters), e.g. the request's reference`),
    ),
    requestId: clientId,
  })
  .strict();
export type DataSubjectEraseInput = z.infer<typeof dataSubjectEraseInput>;

/** Stored rows exactly as held, one object per row (JSON columns parsed): the export hides nothing it holds. */
const rows = z.array(z.record(z.string(), z.unknown()));

export const DATA_SUBJECT_EXPORT_FORMAT = 'valore.data-subject-export/1';

export const dataSubjectExport = z.object({
  format: z.literal(DATA_SUBJECT_EXPORT_FORMAT),
  exportedAt: z.string(),
  customerId: z.number().int(),
  customer: z.record(z.string(), z.unknown()),
  /** products the customer holds */
  holdings: rows,
  /** every consent and withdrawal on file, oldest first */
  consents: rows,
  /** the customer's number on the national opt-out registry (Registro pubblico delle opposizioni), or null */
  optOutRegistry: z.record(z.string(), z.unknown()).nullable(),
  /** contacts with the customer, with their recorded script events and notes */
  interactions: rows,
  appointments: rows,
  /** tracked links sent to the customer, each with its clicks */
  funnelLinks: rows,
  leads: rows,
  /** Call Me Back / Call Me Now requests and agreed callbacks (by customer, or by their number when unmatched) */
  callbackRequests: rows,
  campaignContacts: rows,
  /** SMS and e-mails sent (or to be sent) to the customer */
  outboxMessages: rows,
  /** inbound calls from the customer (by customer, or by their number when unmatched) */
  ctiCalls: rows,
  /** quality scorecards of the customer's calls */
  scorecards: rows,
  /** who was given access to the customer's data outside a work item or a call, and why (contacts started, break-glass) */
  accessGrants: rows,
  /** audit rows about the customer and about their contacts, appointments, links, leads and requests */
  auditRows: rows,
  /** erasures carried out for this customer */
  erasures: rows,
});
export type DataSubjectExport = z.infer<typeof dataSubjectExport>;

export const erasureCounts = z.object({
  interactions: z.number().int(),
  leads: z.number().int(),
  leadsClosed: z.number().int(),
  appointmentsCancelled: z.number().int(),
  callbackRequests: z.number().int(),
  callbacksCancelled: z.number().int(),
  campaignContacts: z.number().int(),
  ctiCalls: z.number().int(),
  funnelLinks: z.number().int(),
  outboxMessages: z.number().int(),
  outboxWithdrawn: z.number().int(),
});
export type ErasureCounts = z.infer<typeof erasureCounts>;

export const dataSubjectErasure = z.object({
  customerId: z.number().int(),
  requestId: z.string(),
  erasedAt: z.string(),
  /** what was anonymised, and what open work was closed */
  counts: erasureCounts,
});
export type DataSubjectErasure = z.infer<typeof dataSubjectErasure>;
