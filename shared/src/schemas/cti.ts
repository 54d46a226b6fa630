import { z } from 'zod';
import { INBOUND_FLOWS } from '../reference/enums';
import { LONE_SURROGATE_MESSAGE, wellFormed } from './common';

export { INBOUND_FLOWS, type InboundFlow } from '../reference/enums';

export const CTI_EVENT_TYPES = ['offered', 'answered', 'ended'] as const;
export type CtiEventType = (typeof CTI_EVENT_TYPES)[number];

/** `POST /api/v1/cti/events` (docs/api.md): one event of a call, sent by the telephony integration. */
export const ctiEventBody = z
  .object({
    type: z.enum(CTI_EVENT_TYPES, { error: 'type is "offered", "answered" or "ended"' }),
    callId: z
      .string({ error: "callId is the telephony system's id of the call" })
      .trim()
      .min(1, "callId is the telephony system's id of the call")
      .max(128, 'callId has at most 128 characters')
      .refine(wellFormed, LONE_SURROGATE_MESSAGE),
    ani: z
      .string({ error: 'ani is the caller\'s number (or "anonymous")' })
      .trim()
      .min(1, 'ani is the caller\'s number (or "anonymous")')
      .max(32, 'ani has at most 32 characters')
      .refine(wellFormed, LONE_SURROGATE_MESSAGE),
    dnis: z
      .string({ error: 'dnis is the dialled number, e.g. 800100100' })
      .trim()
      .min(1, 'dnis is the dialled number, e.g. 800100100')
      .max(32, 'dnis has at most 32 characters')
      .regex(/^\+?[\d\s\-.]+$/, 'dnis is the dialled number in digits, e.g. 800100100'),
    operator: z
      .string({ error: 'operator is the username of the operator the call is routed to' })
      .trim()
      .min(1, 'operator is the username of the operator the call is routed to')
      .max(64, 'operator has at most 64 characters'),
  })
  .strict();
export type CtiEventBody = z.infer<typeof ctiEventBody>;

export const ctiEventAccepted = z.object({
  callId: z.string(),
  state: z.enum(CTI_EVENT_TYPES),
  /** Whether a screen pop went to the operator's console. */
  popped: z.boolean(),
  /** The same event had already been received (a retry): nothing changed. */
  duplicate: z.boolean(),
});
export type CtiEventAccepted = z.infer<typeof ctiEventAccepted>;

/** What an operator's console receives live when a call is offered to or answered by them. */
export const screenPop = z.object({
  callId: z.string(),
  type: z.enum(['offered', 'answered']),
  /** Caller's number, masked; null when the number was withheld. */
  ani: z.string().nullable(),
  customerId: z.number().int().nullable(),
  customerName: z.string().nullable(),
  /** Preselected from the dialled number; null when the number is not in the configured map. */
  flow: z.enum(INBOUND_FLOWS).nullable(),
  dnis: z.string(),
  at: z.string(),
});
export type ScreenPop = z.infer<typeof screenPop>;
