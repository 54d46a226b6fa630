import { z } from 'zod';
import { FLOWS } from '../reference/outcomes';
import { QUEUE_KINDS } from '../reference/enums';

export { QUEUE_KINDS, type QueueKind } from '../reference/enums';

/** Work item ids are "<kind>:<sourceId>", e.g. "campaign:1234". */
export const workItemId = z
  .string()
  .max(80)
  .regex(/^(callback|campaign|lead_followup):[A-Za-z0-9_-]{1,64}$/, 'Not a work item id');

/** What work.next hands an operator: the contract fields first, then what the console shows. */
export const workItem = z.object({
  id: z.string(),
  kind: z.enum(QUEUE_KINDS),
  flow: z.enum(FLOWS),
  customerId: z.number().int().nullable(),
  /** the callback request, campaign contact or lead the item came from */
  sourceId: z.string(),
  dueAt: z.string(),
  leaseExpiresAt: z.string(),
  presetProductCode: z.string().nullable(),
  customerName: z.string().nullable(),
  phoneMasked: z.string(),
  attempts: z.number().int(),
  maxAttempts: z.number().int().nullable(),
  /** callbacks only */
  mode: z.enum(['now', 'scheduled']).nullable(),
  dueBy: z.string().nullable(),
  note: z.string().nullable(),
  /** campaigns only */
  campaignId: z.number().int().nullable(),
  campaignName: z.string().nullable(),
  /** the script version the contact plays (its assignment: docs/scripts.md); null only when the flow has none */
  scriptVersion: z.string().nullable(),
});
export type WorkItem = z.infer<typeof workItem>;

/** An item pushed to a Ready operator (docs/api.md, "Pushed work"): theirs to accept until it expires. */
export const workOffer = z.object({
  id: z.number().int(),
  offeredAt: z.string(),
  expiresAt: z.string(),
  item: workItem,
});
export type WorkOffer = z.infer<typeof workOffer>;
/** The offers stream's event: the operator's open offer now (null: none), and how the last one ended. */
export interface WorkOfferEvent {
  offer: WorkOffer | null;
  ended: 'accepted' | 'declined' | 'expired' | null;
}
export const workOfferInput = z.object({ offerId: z.number().int().positive() }).strict();

export const workNextInput = z.object({}).strict();
export const workHeartbeatInput = z.object({}).strict();

/** Returns a held item to the queue at once; the reason is audited. */
export const workReleaseInput = z
  .object({ id: workItemId, reason: z.string().trim().min(1, 'Say why you release the item').max(200) })
  .strict();
export type WorkReleaseInput = z.infer<typeof workReleaseInput>;
export const workReleaseOutput = z.object({ released: z.boolean() });

/** Claimable items for this operator now; `capped` when there are at least `count` (counting stops there). */
export const workQueueSize = z.object({ count: z.number().int(), capped: z.boolean() });
export type WorkQueueSize = z.infer<typeof workQueueSize>;

/**
 * One of the operator's own open promises (work.mine): a callback they agreed, or a lead follow-up they own. It is
 * offered to them alone until `personalUntil` (its due time plus a grace period), then to the site's pool.
 */
export const myPromise = z.object({
  /** the work item id, as work.next hands it out */
  id: z.string(),
  kind: z.enum(['callback', 'lead_followup']),
  sourceId: z.string(),
  flow: z.enum(FLOWS),
  customerId: z.number().int().nullable(),
  customerName: z.string().nullable(),
  phoneMasked: z.string(),
  dueAt: z.string(),
  personalUntil: z.string().nullable(),
  productCode: z.string().nullable(),
  /** held by this operator right now */
  held: z.boolean(),
  /** due (the time has come) */
  due: z.boolean(),
  note: z.string().nullable(),
});
export type MyPromise = z.infer<typeof myPromise>;
export const workMineOutput = z.array(myPromise);

/** Takes one of the operator's own due promises now (from "I miei impegni"), instead of the next item in order. */
export const workTakeInput = z.object({ id: workItemId }).strict();
export type WorkTakeInput = z.infer<typeof workTakeInput>;
