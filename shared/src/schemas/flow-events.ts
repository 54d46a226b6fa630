import { z } from 'zod';
import { CONSENT_CHANNELS, FUNNEL_CHANNELS, NOT_REACHED_REASONS } from '../flows/event-names';
import { id, isoDateTime, productCode } from './common';

/**
 * Every event of the scripts, written once: the machines' events (flowEvent) and the events as the host records them
 * (recordedEvent) are this list, the second with the recording time added to each event. Plain JSON facts: the host
 * logs them and the server replays them through the same machine.
 */
function eventUnion<const Stamp extends z.ZodRawShape>(stamp: Stamp) {
  return z.discriminatedUnion('type', [
    z.object({ type: z.literal('contact.reached'), ...stamp }).strict(),
    z.object({ type: z.literal('contact.not_reached'), ...stamp, reason: z.enum(NOT_REACHED_REASONS) }).strict(),
    z.object({ type: z.literal('customer.identified'), ...stamp, customerId: id }).strict(),
    z.object({ type: z.literal('customer.not_eligible'), ...stamp }).strict(),
    z.object({ type: z.literal('ocs.solved'), ...stamp }).strict(),
    z.object({ type: z.literal('ocs.unsolved'), ...stamp }).strict(),
    z.object({ type: z.literal('propensity.accepted'), ...stamp }).strict(),
    z.object({ type: z.literal('propensity.declined'), ...stamp }).strict(),
    z.object({ type: z.literal('consent.granted'), ...stamp, channel: z.enum(CONSENT_CHANNELS) }).strict(),
    z.object({ type: z.literal('consent.refused'), ...stamp }).strict(),
    z.object({ type: z.literal('needs.identified'), ...stamp, productCode }).strict(),
    z.object({ type: z.literal('proposal.accepted'), ...stamp }).strict(),
    z
      .object({
        type: z.literal('proposal.objection'),
        ...stamp,
        /** the prepared objection the customer raised (the script version's library); absent: another one */
        code: z
          .string()
          .regex(/^[a-z0-9_]{1,32}$/)
          .optional(),
        /** the customer's words, or the objection when it is none of the prepared ones */
        objection: z.string().max(500).optional(),
      })
      .strict(),
    z.object({ type: z.literal('objection.resolved'), ...stamp }).strict(),
    z.object({ type: z.literal('proposal.declined'), ...stamp }).strict(),
    z.object({ type: z.literal('outcome.appointment'), ...stamp, postOfficeId: id, slotId: id }).strict(),
    z.object({ type: z.literal('outcome.funnel'), ...stamp, channel: z.enum(FUNNEL_CHANNELS) }).strict(),
    z
      .object({
        type: z.literal('outcome.lead'),
        ...stamp,
        followUpAt: isoDateTime,
        notes: z.string().max(1000).optional(),
      })
      .strict(),
    /** `callbackAt`, not `at`: `at` is the recording timestamp of a recorded event. */
    z.object({ type: z.literal('callback.requested'), ...stamp, callbackAt: isoDateTime }).strict(),
    z.object({ type: z.literal('customer.opted_out'), ...stamp }).strict(),
    /** A lead follow-up sold on the phone; `reference` is the order or contract number. */
    z
      .object({
        type: z.literal('outcome.assisted_sale'),
        ...stamp,
        reference: z
          .string()
          .trim()
          .min(1, 'Give the order or contract reference')
          .max(64)
          .regex(/^[\p{L}\p{N} ._/-]+$/u, 'Letters, digits, spaces and . _ / - only'),
      })
      .strict(),
  ]);
}

/** An event the scripts' machines take. */
export const flowEvent = eventUnion({});
export type FlowEvent = z.infer<typeof flowEvent>;
export type FlowEventType = FlowEvent['type'];

/** Every recorded script event: the machine's event plus the time the operator recorded it. */
export const recordedEvent = eventUnion({ at: isoDateTime });
export type RecordedFlowEvent = z.infer<typeof recordedEvent>;

/** The names of the events in the order of this union (checked against flows/event-names.ts by its test). */
export const FLOW_EVENT_TYPES_OF_SCHEMA: readonly FlowEventType[] = flowEvent.options.flatMap((option) => [
  ...option.shape.type.values,
]);
