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
  /**
   * In the operator's own status only: how long their site lets after-call work last before the console records the
   * outcome and goes Ready (seconds; 0: no limit). Docs: docs/api.md, "After-call work".
   */
  wrapUpSeconds: z.number().int().optional(),
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

/** A product's names as the catalogue (products table) has them; null when the item has no product yet. */
export type ProductNames = { it: string; en: string } | null;

export interface CallMeNowAlert {
  id: string;
  productCode: string;
  productName: ProductNames;
  dueBy: string;
  status: 'pending' | 'claimed';
}

/** The queues work.next takes from, in its order: Call Me Now, callbacks, lead follow-ups, each active campaign. */
export const QUEUE_TILE_KINDS = ['call_me_now', 'callbacks', 'lead_followups', 'campaign'] as const;
export type QueueTileKind = (typeof QUEUE_TILE_KINDS)[number];

/**
 * One queue's figures now (docs/console.md, "Queues and service level"). `waiting`: due and not held by anyone;
 * `held`: under a live lease; `late`: open past its due-by (null for a campaign: its contacts have none).
 * Service level today: of the requests whose due-by fell between the start of the Rome day and now, or answered
 * today, how many were answered by their due-by (`slWithin` / `slTotal`; null where the queue has no due-by).
 */
export interface QueueTile {
  key: string;
  kind: QueueTileKind;
  campaignId: number | null;
  campaignName: string | null;
  waiting: number;
  held: number;
  late: number | null;
  /** when the longest-waiting item became due (null: none waiting) */
  oldestWaitingSince: string | null;
  /** the nearest due-by among the items not held (late ones included; null: none, or no due-by) */
  nearestDueBy: string | null;
  slTotal: number | null;
  slWithin: number | null;
}

/** An open callback past its due-by, which a tutor may reassign (monitor.reassignCallback). */
export interface LateCallback {
  id: string;
  mode: 'now' | 'scheduled';
  productCode: string | null;
  productName: ProductNames;
  customerName: string | null;
  dueBy: string;
  owner: { userId: number; displayName: string } | null;
  /** who works on it now (a live lease): it cannot be reassigned until they finish or it returns to the queue */
  heldBy: { userId: number; displayName: string } | null;
}

export interface QueueFigures {
  queues: QueueTile[];
  /** the site's late callbacks, most late first (at most LATE_CALLBACKS_SHOWN) */
  lateCallbacks: LateCallback[];
}
export const LATE_CALLBACKS_SHOWN = 20;

export interface BoardStats extends QueueFigures {
  /** Median handle time of the site's contacts today, null before the first one. */
  medianHandleMs: number | null;
  callMeNow: CallMeNowAlert[];
}

/**
 * What the board stream carries. Each operator change has its site's number, the same on every node (gap-free: 1, 2,
 * 3…); a connecting board gets a full `snapshot` first, a reconnecting one (its last event id) only the changes after
 * it and then the current figures, or a snapshot when they are no longer kept. A `stats` event carries the number of
 * the last change it was read after; the event id is `<site>.<number>`.
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

export const queuesInput = z.object({ siteId: id.optional() }).strict().default({});

/**
 * Reassigns a late callback (monitor.reassignCallback): offered to another Ready operator of the site, or
 * (`toOperatorId` null) given back to the pool, its owner cleared.
 */
export const reassignCallbackInput = z
  .object({
    requestId: clientId,
    callbackId: z.string().trim().min(1, 'Choose a callback').max(64),
    toOperatorId: id.nullable(),
  })
  .strict();
export type ReassignCallbackInput = z.infer<typeof reassignCallbackInput>;

export const reassignCallbackResult = z.object({
  callbackId: z.string(),
  /** the operator the callback is offered to now, or null: back in the pool */
  toOperatorId: z.number().int().nullable(),
  fromOwnerId: z.number().int().nullable(),
  /** the offer made to the operator (pushed work: they accept it with one key), null when released */
  offerId: z.number().int().nullable(),
  offerExpiresAt: z.string().nullable(),
});
export type ReassignCallbackResult = z.infer<typeof reassignCallbackResult>;

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
  /** null: queued — sent while the operator was not on a contact, shown when they open their next one */
  deliveredAt: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
});
export type CoachingMessage = z.infer<typeof coachingMessage>;

export const myMessagesInput = z.object({ interactionClientId: z.string().uuid().optional() }).strict().default({});
export const operatorMessagesInput = z.object({ operatorId: id }).strict();
export const ackMessageInput = z.object({ requestId: clientId, messageId: id }).strict();
export type AckMessageInput = z.infer<typeof ackMessageInput>;

export type MessagesEvent =
  { kind: 'snapshot'; messages: CoachingMessage[] } | { kind: 'message'; message: CoachingMessage };

/** The wallboard's figures that the board stream does not carry (monitor.wallboard; docs/api.md). */
export const wallboardInput = z.object({ siteId: id.optional() }).strict().default({});
export const wallboardFigures = z.object({
  siteId: z.number().int(),
  siteName: z.string(),
  serverTime: z.string(),
  /** contacts logged and value outcomes (UP appointment, funnel link, lead) today, and yesterday up to the same time */
  today: z.object({ contacts: z.number().int(), value: z.number().int() }),
  yesterday: z.object({ contacts: z.number().int(), value: z.number().int() }),
  /**
   * Adherence now, against the rota: the operators expected on shift at this moment (on a weekday the site's active
   * operators without a published rest day today; on a Saturday those with a published Saturday shift covering now;
   * nobody while the site is closed) and what they are doing.
   */
  adherence: z.object({
    onShift: z.number().int(),
    working: z.number().int(),
    paused: z.number().int(),
    absent: z.number().int(),
  }),
});
export type WallboardFigures = z.infer<typeof wallboardFigures>;
