import { z } from 'zod';
import { INBOUND_FLOWS } from '../reference/enums';
import { clientId, MALFORMED_TEXT_MESSAGE, wellFormed } from './common';

export { INBOUND_FLOWS, type InboundFlow } from '../reference/enums';

/**
 * What the telephony platform reports of a call: it rings (`offered`), is answered, put on hold and taken back
 * (`held`, `resumed`), and ends. The first three are the contract's since the start; hold came with the call strip.
 */
export const CTI_EVENT_TYPES = ['offered', 'answered', 'held', 'resumed', 'ended'] as const;
export type CtiEventType = (typeof CTI_EVENT_TYPES)[number];
/** Where a call is: the state kept per call (hold is a flag on an answered call). */
export const CTI_CALL_STATES = ['offered', 'answered', 'ended'] as const;
export type CtiCallState = (typeof CTI_CALL_STATES)[number];
/** `outbound`: a call the operator placed (click-to-dial); its events move the call strip and pop no card. */
export const CTI_DIRECTIONS = ['inbound', 'outbound'] as const;
export type CtiDirection = (typeof CTI_DIRECTIONS)[number];

/** `POST /api/v1/cti/events` (docs/api.md): one event of a call, sent by the telephony integration. */
export const ctiEventBody = z
  .object({
    type: z.enum(CTI_EVENT_TYPES, { error: 'type is "offered", "answered", "held", "resumed" or "ended"' }),
    callId: z
      .string({ error: "callId is the telephony system's id of the call" })
      .trim()
      .min(1, "callId is the telephony system's id of the call")
      .max(128, 'callId has at most 128 characters')
      .refine(wellFormed, MALFORMED_TEXT_MESSAGE),
    ani: z
      .string({ error: 'ani is the caller\'s number (or "anonymous")' })
      .trim()
      .min(1, 'ani is the caller\'s number (or "anonymous")')
      .max(32, 'ani has at most 32 characters')
      .refine(wellFormed, MALFORMED_TEXT_MESSAGE),
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
    /** Optional, `inbound` when absent: a call the operator placed is `outbound`. Kept from the call's first event. */
    direction: z.enum(CTI_DIRECTIONS, { error: 'direction is "inbound" or "outbound"' }).optional(),
  })
  .strict();
export type CtiEventBody = z.infer<typeof ctiEventBody>;

export const ctiEventAccepted = z.object({
  callId: z.string(),
  state: z.enum(CTI_CALL_STATES),
  /** The call is on hold now. */
  onHold: z.boolean(),
  /** Whether a screen pop went to the operator's console. */
  popped: z.boolean(),
  /** The same event had already been received (a retry): nothing changed. */
  duplicate: z.boolean(),
});
export type CtiEventAccepted = z.infer<typeof ctiEventAccepted>;

/**
 * Where one call stands, for the console's call strip: its times (server clock) and the hold so far. Talk time is
 * from `answeredAt` to `endedAt` (or now) less the time on hold.
 */
export const callState = z.object({
  state: z.enum(CTI_CALL_STATES),
  direction: z.enum(CTI_DIRECTIONS),
  offeredAt: z.string().nullable(),
  answeredAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  /** When the current hold began; null when the call is not on hold. */
  heldSince: z.string().nullable(),
  /** Time on hold before the current hold, in milliseconds. */
  heldMs: z.number().int().nonnegative(),
});
export type CallState = z.infer<typeof callState>;

/**
 * What an operator's console receives live about its calls. `offered` and `answered` pop the caller's card (a
 * screen pop); `held`, `resumed` and `ended` only move the call strip. Every event carries the call as it is now.
 */
export const screenPop = z.object({
  callId: z.string(),
  type: z.enum(CTI_EVENT_TYPES),
  call: callState,
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

/** Call commands the console sends to the telephony platform (docs/cti.md). */
export const CTI_ACTIONS = ['dial', 'answer', 'hold', 'resume', 'transfer', 'hangup'] as const;
export type CtiAction = (typeof CTI_ACTIONS)[number];

const callIdField = z
  .string({ error: "callId is the telephony system's id of the call" })
  .trim()
  .min(1, "callId is the telephony system's id of the call")
  .max(128, 'callId has at most 128 characters')
  .refine(wellFormed, MALFORMED_TEXT_MESSAGE);

/** `cti.command`: one call command, under the console's request id (a retry sends it once). */
export const ctiCommandInput = z.discriminatedUnion(
  'action',
  [
    z
      .object({
        requestId: clientId,
        action: z.literal('dial'),
        /** The customer to call: the server dials their number, which the console never sees unmasked. */
        customerId: z.number({ error: 'customerId is the customer to call' }).int().positive(),
      })
      .strict(),
    ...(['answer', 'hold', 'resume', 'hangup'] as const).map((action) =>
      z.object({ requestId: clientId, action: z.literal(action), callId: callIdField }).strict(),
    ),
    z
      .object({
        requestId: clientId,
        action: z.literal('transfer'),
        callId: callIdField,
        /** An extension, a queue name or another operator's username. */
        target: z
          .string({ error: 'target is the extension, queue or username to transfer to' })
          .trim()
          .regex(/^[\w.+@-]{1,64}$/, 'target is an extension, a queue or a username (letters, digits, . _ + @ -)'),
      })
      .strict(),
  ],
  { error: 'action is one of dial, answer, hold, resume, transfer, hangup' },
);
export type CtiCommandInput = z.infer<typeof ctiCommandInput>;

export const CTI_COMMAND_STATUSES = ['pending', 'sent', 'failed'] as const;
export type CtiCommandStatus = (typeof CTI_COMMAND_STATUSES)[number];

export const ctiCommand = z.object({
  id: z.number().int(),
  action: z.enum(CTI_ACTIONS),
  callId: z.string().nullable(),
  status: z.enum(CTI_COMMAND_STATUSES),
  /** Why the platform did not take it (failed), or the last attempt's error while it is retried. */
  error: z.string().nullable(),
  createdAt: z.string(),
});
export type CtiCommand = z.infer<typeof ctiCommand>;

/** `cti.current`: the operator's call now (the strip's starting point before live events) and their last command. */
export const ctiCurrent = z.object({
  call: z
    .object({
      callId: z.string(),
      ani: z.string().nullable(),
      customerId: z.number().int().nullable(),
      customerName: z.string().nullable(),
      flow: z.enum(INBOUND_FLOWS).nullable(),
      dnis: z.string(),
      call: callState,
    })
    .nullable(),
  lastCommand: ctiCommand.nullable(),
  /** The server's clock when it answered: the strip's timers run on it, whatever this PC's clock says. */
  serverTime: z.string(),
});
export type CtiCurrent = z.infer<typeof ctiCurrent>;
