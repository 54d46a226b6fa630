import { z } from 'zod';

/**
 * One event of a work item's life (the per-item monitoring of docs/console.md): a callback's (callbacks.timeline) or
 * a lead follow-up's (leads.timeline). Each item names its own events; the shape is the same, so the console shows
 * both with one list.
 */
export function timelineEvent<const E extends readonly [string, ...string[]]>(events: E) {
  return z.object({
    at: z.string(),
    event: z.enum(events),
    /** the operator (offer, contact) or the person who changed it; null: the system or the customer's channel */
    by: z.string().nullable(),
    /** the outcome of a contact, the change made (an audit action), the channel of a request, a due time */
    detail: z.string().nullable(),
  });
}

/** A timeline event of any item, as the console's list shows it. */
export type TimelineEventOf<E extends string = string> = {
  at: string;
  event: E;
  by: string | null;
  detail: string | null;
};
