import { z } from 'zod';
import { FLOWS } from '../reference/outcomes';
import { STEP_IDS } from '../flows/types';
import { clientId, id } from './common';
import { PAUSE_REASONS } from '../reference/enums';

export { PAUSE_REASONS } from '../reference/enums';

export const OPERATOR_STATES = ['signed_out', 'ready', 'paused', 'on_contact', 'after_call_work'] as const;
export type OperatorStateName = (typeof OPERATOR_STATES)[number];

export const setStatusInput = z.discriminatedUnion('state', [
  z.object({ state: z.literal('ready') }).strict(),
  z.object({ state: z.literal('paused'), reason: z.enum(PAUSE_REASONS) }).strict(),
  z
    .object({
      state: z.literal('on_contact'),
      flow: z.enum(FLOWS),
      step: z.enum(STEP_IDS),
      interactionClientId: z.string().uuid(),
      customerId: id.nullable(),
    })
    .strict(),
  z.object({ state: z.literal('after_call_work'), interactionClientId: z.string().uuid() }).strict(),
]);
export type SetStatusInput = z.infer<typeof setStatusInput>;

export const operatorStatus = z.object({
  userId: z.number().int(),
  state: z.enum(OPERATOR_STATES),
  reason: z.string().nullable(),
  since: z.string(),
  flow: z.string().nullable(),
  step: z.string().nullable(),
  stepSince: z.string().nullable(),
  interactionClientId: z.string().nullable(),
  customerId: z.number().int().nullable(),
});
export type OperatorStatus = z.infer<typeof operatorStatus>;

// ---------- live board ----------

/** Board thresholds (ms). The handle-time alert fires past max(longContactMs, longContactMedianFactor × today's median). */
export const BOARD_THRESHOLDS = {
  stuckStepMs: 3 * 60_000,
  longContactMs: 10 * 60_000,
  longContactMedianFactor: 2,
  /** A Call Me Now request is about to breach when less than this is left before its target. */
  callMeNowWarnMs: 60_000,
} as const;
export type BoardThresholds = {
  stuckStepMs: number;
  longContactMs: number;
  longContactMedianFactor: number;
  callMeNowWarnMs: number;
};

/** Which site's live board (the stream's `?siteId=`): an admin names it, a tutor watches their own. */
export interface BoardInput {
  siteId?: number | undefined;
}

export interface TodayCounts {
  contacts: number;
  appointments: number;
  funnel: number;
  leads: number;
}

export interface BoardOperator extends OperatorStatus {
  username: string;
  displayName: string;
  today: TodayCounts;
}

export interface CallMeNowAlert {
  id: string;
  productCode: string;
  dueBy: string;
  status: 'pending' | 'claimed';
}

export interface BoardStats {
  /** Median handle time of the site's contacts today, null before the first one. */
  medianHandleMs: number | null;
  callMeNow: CallMeNowAlert[];
}

/**
 * What the board stream carries. Each event has a per-site sequence number; a (re)connecting board always
 * gets a full `snapshot` first, then only changes with a higher `seq`.
 */
export type BoardEvent =
  | ({
      kind: 'snapshot';
      seq: number;
      siteId: number;
      serverTime: string;
      thresholds: BoardThresholds;
      operators: BoardOperator[];
    } & BoardStats)
  | { kind: 'operator'; seq: number; serverTime: string; operator: BoardOperator }
  | ({ kind: 'stats'; seq: number; serverTime: string; today: Record<string, TodayCounts> } & BoardStats);

// ---------- coaching ----------

export const COACHING_MAX = 500;

export const sendCoachingInput = z
  .object({
    requestId: clientId,
    operatorId: id,
    body: z.string().trim().min(1, 'Write a message').max(COACHING_MAX),
  })
  .strict();
export type SendCoachingInput = z.infer<typeof sendCoachingInput>;

export const coachingMessage = z.object({
  id: z.number().int(),
  fromUserId: z.number().int(),
  fromName: z.string(),
  toUserId: z.number().int(),
  interactionClientId: z.string().nullable(),
  step: z.string().nullable(),
  body: z.string(),
  sentAt: z.string(),
  acknowledgedAt: z.string().nullable(),
});
export type CoachingMessage = z.infer<typeof coachingMessage>;

export const myMessagesInput = z.object({ interactionClientId: z.string().uuid().optional() }).strict().default({});
export const operatorMessagesInput = z.object({ operatorId: id }).strict();
export const ackMessageInput = z.object({ requestId: clientId, messageId: id }).strict();
export type AckMessageInput = z.infer<typeof ackMessageInput>;

export type MessagesEvent =
  { kind: 'snapshot'; messages: CoachingMessage[] } | { kind: 'message'; message: CoachingMessage };
