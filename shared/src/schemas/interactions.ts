import { z } from 'zod';
import { FLOWS, OUTCOMES } from '../reference/outcomes';
import { clientId, id, isoDateTime } from './common';
import { recordedEvent } from './flow-events';

export const WORK_KINDS = ['callback', 'campaign', 'lead_followup', 'inbound', 'manual'] as const;

export const completeInteractionInput = z
  .object({
    clientId,
    flow: z.enum(FLOWS),
    scriptId: z.string().min(1).max(64),
    scriptVersion: z.string().min(1).max(32),
    customerId: id.nullable(),
    /** The work item the contact came from (queue), or null for a manual/inbound contact. */
    work: z
      .object({ kind: z.enum(WORK_KINDS), sourceId: z.string().min(1).max(64).nullable() })
      .strict()
      .nullable(),
    startedAt: isoDateTime,
    endedAt: isoDateTime,
    acwMs: z.number().int().min(0).max(3_600_000),
    events: z.array(recordedEvent).min(1).max(200),
    outcome: z.enum(OUTCOMES),
    notes: z.string().max(2000).optional(),
  })
  .strict();
export type CompleteInteractionInput = z.infer<typeof completeInteractionInput>;

export const completeInteractionOutput = z.object({
  interactionId: z.number().int(),
  clientId: z.string(),
  outcome: z.enum(OUTCOMES),
  effects: z.object({
    appointment: z.object({ id: z.number().int(), postOfficeName: z.string(), startsAt: z.string() }).nullable(),
    funnelLink: z.object({ id: z.number().int(), url: z.string(), channel: z.enum(['sms', 'email']) }).nullable(),
    lead: z.object({ id: z.number().int(), followUpAt: z.string() }).nullable(),
    consentRecorded: z.boolean(),
    optedOut: z.boolean(),
    callbackAt: z.string().nullable(),
    /** the callback item the agreed callback became (work.mine, the SLA board) */
    callbackId: z.string().nullable(),
  }),
});
export type CompleteInteractionOutput = z.infer<typeof completeInteractionOutput>;

export const interactionListInput = z.object({ limit: z.number().int().min(1).max(100).default(20) }).strict();

export const interactionSummary = z.object({
  id: z.number().int(),
  clientId: z.string(),
  flow: z.enum(FLOWS),
  outcome: z.enum(OUTCOMES),
  productCode: z.string().nullable(),
  customerId: z.number().int().nullable(),
  customerName: z.string().nullable(),
  operatorName: z.string(),
  startedAt: z.string(),
  handleMs: z.number().int(),
});
export type InteractionSummary = z.infer<typeof interactionSummary>;
