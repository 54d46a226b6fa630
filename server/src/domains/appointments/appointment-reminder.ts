import { addDays, romeParts, romeToUtc } from '@valore/shared/time/rome-time';
import type { Executor } from '../../db/database';
import type { CustomerContact } from '../outbox/effect-lookups';
import { cancelPendingMessages, enqueueScheduledMessage } from '../outbox/scheduled';

/** The outbox reference of an appointment's reminder (the confirmation uses 'appointment'). */
export const REMINDER_REF_TYPE = 'appointment_reminder';
/** Reminders go out the evening before, at this Rome wall-clock time. */
const REMINDER_MINUTES_OF_DAY = 18 * 60;
/** Closer to the appointment than this, a reminder would arrive when the customer is already on the way. */
export const REMINDER_MIN_LEAD_MS = 2 * 60 * 60_000;

const romeDate = new Intl.DateTimeFormat('it-IT', {
  timeZone: 'Europe/Rome',
  weekday: 'long',
  day: 'numeric',
  month: 'long',
});
const romeTime = new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', hour: '2-digit', minute: '2-digit' });

export interface ReminderDetails {
  firstName: string;
  productName: string;
  officeName: string;
  officeAddress: string;
  officeCity: string;
  startsAt: string;
}

/**
 * When the reminder of an appointment starting at `startsAt` goes out: the day before at 18:00 Rome time; at once
 * when that moment has passed but the appointment is still more than two hours away; never when it is closer.
 */
export function reminderSendAt(startsAt: string, now: Date): Date | null {
  const starts = Date.parse(startsAt);
  if (Number.isNaN(starts) || starts - now.getTime() <= REMINDER_MIN_LEAD_MS) return null;
  const eveningBefore = romeToUtc(addDays(romeParts(new Date(starts)).date, -1), REMINDER_MINUTES_OF_DAY);
  return eveningBefore > now ? eveningBefore : now;
}

export function reminderSms(d: ReminderDetails): string {
  const at = new Date(d.startsAt);
  return (
    `Gentile ${d.firstName}, le ricordiamo l'appuntamento per ${d.productName} ` +
    `${romeDate.format(at)} alle ${romeTime.format(at)} presso l'Ufficio Postale ${d.officeName}, ` +
    `${d.officeAddress}, ${d.officeCity}. Porti un documento d'identità e il codice fiscale. ` +
    `Se non può venire, ci chiami per spostarlo.`
  );
}

export function reminderEmail(d: ReminderDetails): { subject: string; body: string } {
  const at = new Date(d.startsAt);
  const date = romeDate.format(at);
  const time = romeTime.format(at);
  return {
    subject: `Promemoria: appuntamento ${date} alle ${time}, Ufficio Postale ${d.officeName}`,
    body: [
      `Gentile ${d.firstName},`,
      '',
      `le ricordiamo l'appuntamento di consulenza per ${d.productName}.`,
      '',
      `Dove: Ufficio Postale ${d.officeName}, ${d.officeAddress}, ${d.officeCity}`,
      `Quando: ${date} alle ${time}`,
      '',
      "Porti con sé un documento d'identità valido e il codice fiscale.",
      'Se non potesse venire, ci chiami: sposteremo volentieri l\u2019appuntamento.',
      '',
      'Cordiali saluti,',
      'Il servizio clienti',
    ].join('\n'),
  };
}

/**
 * Queues the reminder SMS (and e-mail when the customer has an address) of an appointment, in the caller's
 * transaction; returns the time it goes out, or null when the appointment is too close for one.
 */
export async function scheduleReminder(
  trx: Executor,
  args: {
    appointmentId: number;
    customer: Pick<CustomerContact, 'phone' | 'email'>;
    details: ReminderDetails;
    now: Date;
  },
): Promise<string | null> {
  const sendAt = reminderSendAt(args.details.startsAt, args.now);
  if (!sendAt) return null;
  const ref = { refType: REMINDER_REF_TYPE, refId: args.appointmentId };
  const when = { now: args.now, sendAt };
  await enqueueScheduledMessage(
    trx,
    { channel: 'sms', recipient: args.customer.phone, subject: null, body: reminderSms(args.details), ...ref },
    when,
  );
  if (args.customer.email) {
    const mail = reminderEmail(args.details);
    await enqueueScheduledMessage(
      trx,
      { channel: 'email', recipient: args.customer.email, subject: mail.subject, body: mail.body, ...ref },
      when,
    );
  }
  return sendAt.toISOString();
}

/** Withdraws the reminder that has not gone out yet (a cancelled or moved appointment); returns how many messages. */
export function cancelReminder(trx: Executor, appointmentId: number): Promise<number> {
  return cancelPendingMessages(trx, REMINDER_REF_TYPE, appointmentId);
}
