import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { romeParts } from '@valore/shared/time/rome-time';
import type { Database, Executor } from '../../db/database';
import { intakeConfig, type AppDeps } from '../../deps';
import { DomainError } from '../../errors';
import { halfHoursWithRoom, SlotFullError } from '../callbacks/callback-capacity';
import { cancelAppointment, freeSlotsForMove, moveAppointment } from '../appointments/appointment-changes';
import { appointmentValues } from '../appointments/appointment-messages';
import { queueCustomerMessages } from '../messages/customer-messages';
import { serviceCalendarFor } from '../org/service-calendars';
import { idempotentTransaction, linkCaller } from '../audit/idempotency';
import { maskPhone } from '../customers/masking';
import { findSecret } from '../funnel/secrets.repository';
import { requireCustomerContact } from '../outbox/effect-lookups';
import { campaignWindow, cancelCallback, MAX_CALLBACK_DAYS, moveCallback } from '../work/promises';
import { enqueueCallbackConfirmation } from './callback-confirmation';
import { callbackMoveTimes } from './callback-times';
import {
  findAppointmentForCustomer,
  findCallbackForCustomer,
  type AppointmentForCustomer,
  type CallbackForCustomer,
} from './self-service.repository';
import { mintSelfServiceLink } from './self-service-links';
import {
  checkFormToken,
  formToken,
  SELF_SERVICE_SECRET_NAME,
  verifySelfServiceToken,
  type SelfServiceSubject,
} from './self-service-token';

/**
 * The customer's self-service pages (`/s/:token`): what a signed link shows, and the cancel and move it allows.
 * Every change goes through the owning domain's rule (appointment-changes for appointments, the promise ledger for
 * callbacks) inside one transaction with its idempotency record, so a form posted twice changes things once.
 */

/** Days ahead the move forms offer. */
export const MOVE_DAYS = 14;
/** A moved callback is at least this far from now (an operator must be able to plan it). */
export const CALLBACK_MOVE_LEAD_MINUTES = 30;
const CANCEL_REASON = 'customer_self_service';
const REQUEST_ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A link that opens nothing: `expired` is a genuine link whose time has passed (410), the rest are 404s. */
export interface LinkRefused {
  kind: 'refused';
  reason: 'malformed' | 'bad_signature' | 'wrong_purpose' | 'expired' | 'unknown';
}

/** The keys a page's form carries: a fresh request id (idempotency) and its signed form token (CSRF). */
export interface FormKeys {
  requestId: string;
  formToken: string;
}

export interface AppointmentPage {
  kind: 'appointment';
  token: string;
  appointment: AppointmentForCustomer;
  /** booked and not started yet: the customer may still cancel or move it */
  changeable: boolean;
  form: FormKeys;
}

export interface CallbackPage {
  kind: 'callback';
  token: string;
  callback: Omit<CallbackForCustomer, 'phone' | 'email' | 'firstName'> & { phoneMasked: string };
  /** pending: the customer may still cancel or move it (claimed: an operator is calling right now) */
  changeable: boolean;
  form: FormKeys;
}

export type SelfServicePage = AppointmentPage | CallbackPage;

async function verify(
  db: Executor,
  token: string,
  now: Date,
): Promise<{ ok: true; subject: SelfServiceSubject; secret: string } | LinkRefused> {
  if (token.length === 0 || token.length > 80) return { kind: 'refused', reason: 'malformed' };
  // no secret yet: no link was ever minted, so none can be genuine
  const secret = await findSecret(db, SELF_SERVICE_SECRET_NAME);
  if (!secret) return { kind: 'refused', reason: 'bad_signature' };
  const check = verifySelfServiceToken(secret, token, now);
  if (!check.ok) return { kind: 'refused', reason: check.reason };
  return { ok: true, subject: check.subject, secret };
}

function newForm(secret: string, token: string): FormKeys {
  const requestId = randomUUID();
  return { requestId, formToken: formToken(secret, token, requestId) };
}

async function pageOf(
  db: Executor,
  subject: SelfServiceSubject,
  token: string,
  secret: string,
  now: Date,
): Promise<SelfServicePage | LinkRefused> {
  if (subject.purpose === 'a') {
    const appointment = await findAppointmentForCustomer(db, subject.id);
    if (!appointment) return { kind: 'refused', reason: 'unknown' };
    return {
      kind: 'appointment',
      token,
      appointment,
      changeable: appointment.status === 'booked' && Date.parse(appointment.startsAt) > now.getTime(),
      form: newForm(secret, token),
    };
  }
  const found = await findCallbackForCustomer(db, subject.id);
  if (!found) return { kind: 'refused', reason: 'unknown' };
  const { phone, email: _email, firstName: _firstName, ...rest } = found;
  return {
    kind: 'callback',
    token,
    callback: { ...rest, phoneMasked: maskPhone(phone) },
    changeable: found.status === 'pending',
    form: newForm(secret, token),
  };
}

/** What `GET /s/:token` shows. Reads only: opening a link writes nothing. */
export async function openSelfServicePage(deps: AppDeps, token: string): Promise<SelfServicePage | LinkRefused> {
  const now = deps.clock.now();
  const v = await verify(deps.db, token, now);
  if ('kind' in v) return v;
  return pageOf(deps.db, v.subject, token, v.secret, now);
}

/** One option of a move form: the value posted back and the instant it stands for. */
export interface MoveOption {
  value: string;
  startsAt: string;
}
export interface MoveDay {
  date: string;
  options: MoveOption[];
}

/**
 * What `GET /s/:token/move` offers: free slots of the appointment's office, or the service-calendar half hours with
 * Call Me Back capacity left (callbacks/callback-capacity.ts; the callback's own half-hour stays offered).
 */
export async function moveChoices(deps: AppDeps, page: SelfServicePage): Promise<MoveDay[]> {
  if (!page.changeable) return [];
  const now = deps.clock.now();
  if (page.kind === 'appointment') return appointmentMoveChoices(deps.db, page.appointment.id, now);
  const window =
    page.callback.flow === 'campaign' && page.callback.campaignId !== null
      ? await campaignWindow(deps.db, page.callback.campaignId)
      : null;
  const days = callbackMoveTimes(now, {
    days: MOVE_DAYS,
    leadMinutes: CALLBACK_MOVE_LEAD_MINUTES,
    maxDays: MAX_CALLBACK_DAYS,
    callingWindow: window,
    calendar: await serviceCalendarFor(deps.db, page.callback.siteId),
  });
  const room = await halfHoursWithRoom(
    deps.db,
    days.flatMap((d) => d.times.map((t) => new Date(t))),
    intakeConfig(deps.config).callbackContactsPerHalfHour,
    { excludeId: page.callback.id },
  );
  return days
    .map((d) => ({
      date: d.date,
      options: d.times.filter((t) => room.has(Date.parse(t))).map((t) => ({ value: t, startsAt: t })),
    }))
    .filter((d) => d.options.length > 0);
}

async function appointmentMoveChoices(db: Kysely<Database>, appointmentId: number, now: Date): Promise<MoveDay[]> {
  let slots: Awaited<ReturnType<typeof freeSlotsForMove>>;
  try {
    slots = await freeSlotsForMove(db, { appointmentId, now, days: MOVE_DAYS });
  } catch (error) {
    // changed meanwhile (cancelled, started): nothing to offer, the page says why
    if (error instanceof DomainError) return [];
    throw error;
  }
  const days = new Map<string, MoveOption[]>();
  for (const s of slots) {
    const date = romeParts(new Date(s.startsAt)).date;
    const list = days.get(date) ?? [];
    list.push({ value: String(s.slotId), startsAt: s.startsAt });
    days.set(date, list);
  }
  return [...days].map(([date, options]) => ({ date, options }));
}

/** The outcome of a form post; the HTTP layer turns each into a status and a page. */
export type ChangeResult =
  | LinkRefused
  /** the form's keys are missing or forged: nothing done (403) */
  | { kind: 'bad_form' }
  /** done (or a replay of a done post): show the page of `token` (a new one after a move) */
  | { kind: 'done'; outcome: 'cancelled' | 'moved'; token: string }
  /** the appointment or callback can no longer be changed (cancelled, past, being called): 409, the page says why */
  | { kind: 'not_changeable'; page: SelfServicePage }
  /** the chosen time was refused: 400 (or 409 for a slot just taken), the form again with the message */
  | { kind: 'invalid_choice'; page: SelfServicePage; message: string; status: 400 | 409 }
  /** this page's form was already used for another request (e.g. a back button): 409, a fresh form */
  | { kind: 'stale_form'; page: SelfServicePage };

interface ChangeArgs {
  token: string;
  requestId: string;
  formToken: string;
  ip: string | null;
}

export function cancelBySelfService(deps: AppDeps, args: ChangeArgs): Promise<ChangeResult> {
  return change(deps, args, 'cancel', null);
}

export function moveBySelfService(deps: AppDeps, args: ChangeArgs & { choice: string }): Promise<ChangeResult> {
  return change(deps, args, 'move', args.choice);
}

async function change(
  deps: AppDeps,
  args: ChangeArgs,
  action: 'cancel' | 'move',
  choice: string | null,
): Promise<ChangeResult> {
  const now = deps.clock.now();
  const v = await verify(deps.db, args.token, now);
  if ('kind' in v) return v;
  if (!REQUEST_ID_RE.test(args.requestId) || !checkFormToken(v.secret, args.token, args.requestId, args.formToken)) {
    return { kind: 'bad_form' };
  }
  const { subject, secret } = v;
  const at = now.toISOString();
  try {
    const { response } = await idempotentTransaction(
      deps,
      {
        caller: linkCaller(`${subject.purpose}.${subject.id}`),
        scope: `self_service.${action}`,
        key: `${subject.purpose}.${subject.id}.${args.requestId}`,
        input: [action, choice],
        at,
      },
      async (trx) => {
        const token =
          action === 'cancel'
            ? await cancelSubject(trx, subject, now, args.ip).then(() => args.token)
            : await moveSubject(trx, deps, subject, choice ?? '', now, args.ip);
        return { outcome: action === 'cancel' ? ('cancelled' as const) : ('moved' as const), token };
      },
    );
    return { kind: 'done' as const, ...response };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const page = await pageOf(deps.db, subject, args.token, secret, now);
    if (page.kind === 'refused') return page;
    if (error.domainCode === 'IDEMPOTENCY_MISMATCH') return { kind: 'stale_form', page };
    if (error.domainCode === 'SLOT_FULL') {
      return { kind: 'invalid_choice', page, status: 409, message: slotFullMessage(error) };
    }
    if (!page.changeable) return { kind: 'not_changeable', page };
    // still changeable: it was the choice that was refused (unknown slot, outside the calendar, …)
    const messages = error.fields ? Object.values(error.fields).flat().map(italianFieldMessage) : [];
    return { kind: 'invalid_choice', page, status: 400, message: messages.join(' ') || CHOOSE_OFFERED };
  }
}

async function cancelSubject(trx: Executor, subject: SelfServiceSubject, now: Date, ip: string | null): Promise<void> {
  if (subject.purpose === 'c') {
    await cancelCallback(trx, { id: subject.id, now, reason: CANCEL_REASON, actorId: null, by: 'customer', ip });
    return;
  }
  await cancelAppointment(trx, {
    appointmentId: subject.id,
    now,
    reason: CANCEL_REASON,
    userId: null,
    by: 'customer',
    ip,
  });
}

/** Moves it and returns the token of a fresh link, valid until a little after the new time. */
async function moveSubject(
  trx: Executor,
  deps: AppDeps,
  subject: SelfServiceSubject,
  choice: string,
  now: Date,
  ip: string | null,
): Promise<string> {
  const publicUrl = deps.config.publicUrl ?? '';
  if (subject.purpose === 'c') {
    const moved = await moveCallback(trx, {
      id: subject.id,
      dueAt: choice,
      field: 'choice',
      now,
      config: deps.config,
      actorId: null,
      by: 'customer',
      ip,
    });
    const cb = await findCallbackForCustomer(trx, subject.id);
    if (!cb) throw new DomainError('NOT_FOUND', 'NOT_FOUND', 'This callback is no longer open.');
    // the old link ends a little after the old time: the customer gets the new time with a link that lasts
    const { token } = await enqueueCallbackConfirmation(trx, {
      callbackId: cb.id,
      customerId: cb.customerId,
      phone: cb.phone,
      email: cb.email,
      firstName: cb.firstName,
      language: cb.language,
      dueAt: moved.dueAt,
      now,
      publicUrl,
    });
    return token;
  }
  // only the slots the form offered are numbers; anything else is refused by the rule as an unknown slot
  const slotId = /^\d{1,12}$/.test(choice) ? Number(choice) : Number.NaN;
  await moveAppointment(trx, { appointmentId: subject.id, slotId, now, userId: null, by: 'customer', ip });
  return confirmMovedAppointment(trx, subject.id, now, publicUrl);
}

/**
 * The confirmation of the new time, with a fresh link: the one in the first message ends a little after the old
 * time, which may come before the new one.
 */
async function confirmMovedAppointment(
  trx: Executor,
  appointmentId: number,
  now: Date,
  publicUrl: string,
): Promise<string> {
  const a = await findAppointmentForCustomer(trx, appointmentId);
  const row = await trx
    .selectFrom('appointments')
    .select('customer_id')
    .where('id', '=', appointmentId)
    .executeTakeFirst();
  if (!a || !row) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Appointment ${appointmentId} does not exist.`);
  const customer = await requireCustomerContact(trx, row.customer_id);
  const link = await mintSelfServiceLink(trx, {
    subject: { purpose: 'a', id: appointmentId },
    dueAt: a.startsAt,
    now,
    publicUrl,
  });
  const details = {
    firstName: customer.firstName,
    productName: { it: a.productName, en: a.productNameEn },
    officeName: a.officeName,
    officeAddress: a.officeAddress,
    officeCity: a.officeCity,
    startsAt: a.startsAt,
  };
  await queueCustomerMessages(trx, {
    purpose: 'appointment_confirmation',
    to: customer,
    values: appointmentValues(details, customer.language, { manageUrl: publicUrl ? link.url : null, moved: true }),
    ref: { refType: 'appointment', refId: appointmentId },
    now,
  });
  return link.token;
}

const CHOOSE_OFFERED = 'Scelga uno degli orari proposti.';

const romeWhen = new Intl.DateTimeFormat('it-IT', {
  timeZone: 'Europe/Rome',
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  hour: '2-digit',
  minute: '2-digit',
});

/** A time just taken: for a callback, with the next free half-hours the capacity rule offers instead. */
function slotFullMessage(error: DomainError): string {
  const taken = 'Questo orario è stato appena occupato: ne scelga un altro.';
  if (!(error instanceof SlotFullError) || error.alternatives.length === 0) return taken;
  const times = error.alternatives.map((at) => romeWhen.format(new Date(at)));
  return `${taken} I primi orari ancora liberi: ${times.join('; ')}.`;
}

/** The domain rules' field messages (English, for operators and integrators) as the customer reads them. */
export function italianFieldMessage(message: string): string {
  if (/already at this time/i.test(message)) return 'L’appuntamento è già a quest’ora: ne scelga un’altra.';
  if (/already started/i.test(message)) return 'L’orario scelto è già passato: ne scelga uno più avanti.';
  if (/choose a slot/i.test(message)) return CHOOSE_OFFERED;
  if (/in the future/i.test(message)) return 'L’orario scelto è già passato: ne scelga uno più avanti.';
  const within = /within (\d+) days/i.exec(message);
  if (within) return `L’orario scelto deve essere entro ${within[1]} giorni.`;
  if (/service hours/i.test(message)) {
    return 'L’orario scelto è fuori dagli orari del servizio (lunedì–venerdì 7:30–19:30, sabato 7:30–15:12; domeniche e festivi chiuso).';
  }
  if (/calling window/i.test(message)) return 'L’orario scelto è fuori dalla fascia in cui possiamo richiamarla.';
  if (/ISO-8601|date-time/i.test(message)) return CHOOSE_OFFERED;
  return message;
}
