import { z } from 'zod';
import { CONSENT_CHANNELS, FUNNEL_CHANNELS, NOT_REACHED_REASONS } from '../flows/types';
import { id, isoDateTime, productCode } from './common';

/** Every recorded script event: the machine's event plus the time the operator recorded it. */
const at = isoDateTime;
export const recordedEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('contact.reached'), at }).strict(),
  z.object({ type: z.literal('contact.not_reached'), at, reason: z.enum(NOT_REACHED_REASONS) }).strict(),
  z.object({ type: z.literal('customer.identified'), at, customerId: id }).strict(),
  z.object({ type: z.literal('customer.not_eligible'), at }).strict(),
  z.object({ type: z.literal('ocs.solved'), at }).strict(),
  z.object({ type: z.literal('ocs.unsolved'), at }).strict(),
  z.object({ type: z.literal('propensity.accepted'), at }).strict(),
  z.object({ type: z.literal('propensity.declined'), at }).strict(),
  z.object({ type: z.literal('consent.granted'), at, channel: z.enum(CONSENT_CHANNELS) }).strict(),
  z.object({ type: z.literal('consent.refused'), at }).strict(),
  z.object({ type: z.literal('needs.identified'), at, productCode }).strict(),
  z.object({ type: z.literal('proposal.accepted'), at }).strict(),
  z.object({ type: z.literal('proposal.objection'), at, objection: z.string().max(500).optional() }).strict(),
  z.object({ type: z.literal('objection.resolved'), at }).strict(),
  z.object({ type: z.literal('proposal.declined'), at }).strict(),
  z.object({ type: z.literal('outcome.appointment'), at, postOfficeId: id, slotId: id }).strict(),
  z.object({ type: z.literal('outcome.funnel'), at, channel: z.enum(FUNNEL_CHANNELS) }).strict(),
  z.object({ type: z.literal('outcome.lead'), at, followUpAt: isoDateTime, notes: z.string().max(1000).optional() }).strict(),
  z.object({ type: z.literal('callback.requested'), at, callbackAt: isoDateTime }).strict(),
  z.object({ type: z.literal('customer.opted_out'), at }).strict(),
  z
    .object({
      type: z.literal('outcome.assisted_sale'),
      at,
      reference: z.string().trim().min(1, 'Give the order or contract reference').max(64).regex(/^[\p{L}\p{N} ._/-]+$/u, 'Letters, digits, spaces and . _ / - only'),
    })
    .strict(),
]);
export type RecordedFlowEvent = z.infer<typeof recordedEvent>;
