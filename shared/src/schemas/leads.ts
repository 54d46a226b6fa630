import { z } from 'zod';
import { clientId, id } from './common';
import { timelineEvent } from './timeline';

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

/**
 * What happened to one lead's follow-up, in time order (leads.timeline; the per-item monitoring of docs/console.md):
 * the same event shape as a callback's timeline, with the lead's own events.
 */
export const LEAD_TIMELINE_EVENTS = [
  /** recorded: `by` who, `detail` the flow of the contact it came from (null: not from a contact) */
  'created',
  /** the follow-up is due at `detail` (at creation, agreed on a follow-up call, or a retry after no answer) */
  'scheduled',
  'offered',
  'offer_accepted',
  'offer_declined',
  'offer_expired',
  /** given back to the queue by the operator holding it (`by`) */
  'released',
  /** the operator holding it (`by`) let the lease run out without a contact */
  'lease_expired',
  'contact_started',
  /** `detail`: the outcome */
  'contact_ended',
  /** a change by a person: `detail` the audit action (never the note text) */
  'changed',
  /** `detail`: how (a value outcome, a sale on the phone, by hand) */
  'won',
  'lost',
  /** a due time passed (with the tolerance of a scheduled callback) before any contact ended */
  'breached',
] as const;
export type LeadTimelineEvent = (typeof LEAD_TIMELINE_EVENTS)[number];
export const leadTimelineInput = z.object({ leadId: id }).strict();
export const leadTimeline = z.object({
  id: z.number().int(),
  status: z.enum(LEAD_STATUSES),
  productCode: z.string(),
  /** the contact that recorded it, when one did */
  interactionId: z.number().int().nullable(),
  /** when it is (or was last) due for a follow-up */
  followUpAt: z.string(),
  events: z.array(timelineEvent(LEAD_TIMELINE_EVENTS)),
});
export type LeadTimeline = z.infer<typeof leadTimeline>;
