import { z } from 'zod';
import { clientId, id } from './common';

export const LEAD_STATUSES = ['open', 'won', 'lost'] as const;
export const leadListInput = z
  .object({ status: z.enum(LEAD_STATUSES).default('open'), limit: z.number().int().min(1).max(200).default(50) })
  .strict();
export const closeLeadInput = z
  .object({ leadId: id, status: z.enum(['won', 'lost']), note: z.string().max(500).optional(), requestId: clientId })
  .strict();
export const leadSummary = z.object({
  id: z.number().int(),
  customerId: z.number().int(),
  customerName: z.string(),
  productCode: z.string(),
  status: z.enum(LEAD_STATUSES),
  followUpAt: z.string(),
  notes: z.string().nullable(),
  createdAt: z.string(),
});
export type LeadSummary = z.infer<typeof leadSummary>;
