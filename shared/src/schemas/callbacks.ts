import { z } from 'zod';
import { isoDateTime, MALFORMED_TEXT_MESSAGE, wellFormed } from './common';
import { timelineEvent } from './timeline';

export const CALLBACK_MODES = ['now', 'scheduled'] as const;
export type CallbackMode = (typeof CALLBACK_MODES)[number];
export const CALLBACK_CHANNELS = ['web', 'app'] as const;
export type CallbackChannel = (typeof CALLBACK_CHANNELS)[number];
export const OPEN_CALLBACK_STATUSES = ['pending', 'claimed'] as const;

/** Separators people type in phone numbers; the server's normalisePhone strips the same ones. */
const PHONE_SEPARATORS = /[\s\-./()]/g;
/** Italian numbers: mobiles start with 3 (9–10 digits), landlines with 0 (6–11 digits); optional +39 / 0039. */
const ITALIAN_PHONE = /^(?:\+39|0039)?(?:3\d{8,9}|0\d{5,10})$/;

export function looksLikeItalianPhone(input: string): boolean {
  return ITALIAN_PHONE.test(input.replace(PHONE_SEPARATORS, ''));
}

/**
 * `POST /api/v1/callback-requests` (docs/api.md): Call Me Back / Call Me Now from the web site or the app.
 * Cross-field rule: a scheduled request needs its slot.
 */
export const callbackRequestBody = z
  .object({
    phone: z
      .string({ error: 'Give the phone number to call, e.g. +39 347 123 4567' })
      .trim()
      .min(1, 'Give the phone number to call, e.g. +39 347 123 4567')
      .max(32, 'A phone number has at most 32 characters')
      .refine(looksLikeItalianPhone, 'Use an Italian phone number, e.g. +39 347 123 4567 or 06 1234 5678'),
    customerId: z
      .string({ error: 'customerId is the customer number as a string of digits, e.g. "1042"' })
      .regex(/^\d{1,15}$/, 'customerId is the customer number as a string of digits, e.g. "1042"')
      .optional(),
    product: z
      .string({ error: 'Give the catalogue product code; GET /api/v1/products lists them' })
      .trim()
      .min(1, 'Give the catalogue product code; GET /api/v1/products lists them')
      .max(32, 'A product code has at most 32 characters')
      .regex(
        /^[A-Z0-9_]+$/,
        'Use a catalogue product code (capital letters, digits, _); GET /api/v1/products lists them',
      ),
    mode: z.enum(CALLBACK_MODES, {
      error: 'mode is "now" (call as soon as possible) or "scheduled" (call at preferredAt)',
    }),
    preferredAt: isoDateTime.optional(),
    channel: z.enum(CALLBACK_CHANNELS, { error: 'channel is "web" or "app"' }),
    language: z
      .enum(['it', 'en'], { error: 'language is "it" or "en": the language of the confirmation the customer gets' })
      .optional(),
    note: z
      .string({ error: 'note is free text' })
      .max(500, 'A note has at most 500 characters')
      .refine(wellFormed, MALFORMED_TEXT_MESSAGE)
      .optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.mode === 'scheduled' && body.preferredAt === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['preferredAt'],
        message: 'A scheduled request needs preferredAt: the ISO-8601 date-time the customer wants to be called',
      });
    }
  });
export type CallbackRequestBody = z.infer<typeof callbackRequestBody>;

export const callbackRequestCreated = z.object({ id: z.string(), dueBy: z.string() });
export type CallbackRequestCreated = z.infer<typeof callbackRequestCreated>;

// ---- Call Me Back capacity: `GET /api/v1/callback-slots` (docs/api.md) ----

/** The widest window one request may ask for: a web page shows a week or two, and each half-hour costs work. */
export const CALLBACK_SLOTS_MAX_DAYS = 14;
/** The window when `to` is not given. */
export const CALLBACK_SLOTS_DEFAULT_DAYS = 7;

const DAY_MS = 86_400_000;

/**
 * The query of `GET /api/v1/callback-slots`. `from` defaults to now and `to` (exclusive) to `from` + 7 days; the
 * defaults need the server's clock, so they are filled in by the handler, and the window rules are checked there too.
 */
export const callbackSlotsQuery = z
  .object({
    from: isoDateTime.optional(),
    to: isoDateTime.optional(),
    productCode: z
      .string({ error: 'Give productCode (once): the catalogue product code; GET /api/v1/products lists them' })
      .trim()
      .min(1, 'Give productCode: the catalogue product code; GET /api/v1/products lists them')
      .max(32, 'A product code has at most 32 characters')
      .regex(
        /^[A-Z0-9_]+$/,
        'Use a catalogue product code (capital letters, digits, _); GET /api/v1/products lists them',
      ),
  })
  .strict();
export type CallbackSlotsQuery = z.infer<typeof callbackSlotsQuery>;

/** The window's own rules, once `from` and `to` are known: per-field messages, none when it is good. */
export function callbackSlotsWindowErrors(from: Date, to: Date): Record<string, string[]> {
  if (to.getTime() <= from.getTime()) return { to: ['to must be after from'] };
  if (to.getTime() - from.getTime() > CALLBACK_SLOTS_MAX_DAYS * DAY_MS)
    return { to: [`to must be at most ${CALLBACK_SLOTS_MAX_DAYS} days after from`] };
  return {};
}

/** One bookable half-hour: `end` is `start` + 30 min; `remaining` = `capacity` − `booked`, always > 0 in a list. */
export const callbackSlot = z.object({
  start: z.string(),
  end: z.string(),
  capacity: z.number().int(),
  booked: z.number().int(),
  remaining: z.number().int(),
});
export type CallbackSlot = z.infer<typeof callbackSlot>;

export const callbackSlots = z.object({ slots: z.array(callbackSlot) });
export type CallbackSlots = z.infer<typeof callbackSlots>;

/** `GET /api/v1/products`: what integrations may send as `product`. */
export const intakeProduct = z.object({ code: z.string(), name: z.string(), outcomes: z.array(z.string()) });
export type IntakeProduct = z.infer<typeof intakeProduct>;

// ---- the SLA board (console) ----

export const callbackBoardInput = z
  .object({ limit: z.number().int().min(1).max(500).default(200) })
  .strict()
  .default({ limit: 200 });

/** Where an open promise came from: web/app intake, agreed on a call, a lead's follow-up, a missed appointment. */
export const PROMISE_ORIGINS = ['intake', 'agreed', 'reschedule', 'lead'] as const;
export type PromiseOrigin = (typeof PROMISE_ORIGINS)[number];

export const callbackBoardItem = z.object({
  /** the work item id ("callback:…" or "lead_followup:…") */
  workItemId: z.string(),
  id: z.string(),
  kind: z.enum(['callback', 'lead_followup']),
  origin: z.enum(PROMISE_ORIGINS),
  mode: z.enum(CALLBACK_MODES),
  channel: z.enum([...CALLBACK_CHANNELS, 'phone']),
  /** null: agreed before a product was discussed */
  productCode: z.string().nullable(),
  productName: z.object({ it: z.string(), en: z.string() }).nullable(),
  /** The operator the promise belongs to (agreed callbacks and lead follow-ups) and until when it is theirs alone. */
  owner: z.object({ userId: z.number().int(), displayName: z.string() }).nullable(),
  personalUntil: z.string().nullable(),
  phoneMasked: z.string(),
  customerId: z.number().int().nullable(),
  status: z.enum(OPEN_CALLBACK_STATUSES),
  createdAt: z.string(),
  preferredAt: z.string().nullable(),
  dueAt: z.string(),
  dueBy: z.string(),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  /** Who holds it under a lease, when claimed. */
  heldBy: z.object({ userId: z.number().int(), displayName: z.string() }).nullable(),
  /** Past its due-by time while still open. */
  breached: z.boolean(),
  /** Due now (due_at reached) — scheduled requests wait until their slot. */
  due: z.boolean(),
});
export type CallbackBoardItem = z.infer<typeof callbackBoardItem>;

export const callbackBoard = z.object({
  /** Server time the board was computed at: countdowns are relative to it. */
  now: z.string(),
  targetMinutes: z.number().int(),
  counts: z.object({
    /** Open and due (pending, due_at reached). */
    waiting: z.number().int(),
    /** Open but not due yet (scheduled for later). */
    scheduled: z.number().int(),
    /** Being handled now (claimed under a lease). */
    claimed: z.number().int(),
    /** Open past their due-by time. */
    breached: z.number().int(),
    /** Call Me Now requests answered today (Europe/Rome day)… */
    answeredToday: z.number().int(),
    /** …of which within the target time. */
    answeredWithinTargetToday: z.number().int(),
  }),
  items: z.array(callbackBoardItem),
  /** More open requests exist than `items` shows. */
  truncated: z.boolean(),
});
export type CallbackBoard = z.infer<typeof callbackBoard>;

/** What happened to one callback, in time order (callbacks.timeline; the per-item monitoring of docs/console.md). */
export const CALLBACK_TIMELINE_EVENTS = [
  'created',
  'offered',
  'offer_accepted',
  'offer_declined',
  'offer_expired',
  'contact_started',
  'contact_ended',
  'changed',
  'breached',
] as const;
export type CallbackTimelineEvent = (typeof CALLBACK_TIMELINE_EVENTS)[number];
export const callbackTimelineInput = z.object({ id: z.string().trim().min(1, 'Choose a callback').max(64) }).strict();
export const callbackTimeline = z.object({
  id: z.string(),
  status: z.string(),
  dueBy: z.string(),
  events: z.array(timelineEvent(CALLBACK_TIMELINE_EVENTS)),
});
export type CallbackTimeline = z.infer<typeof callbackTimeline>;
