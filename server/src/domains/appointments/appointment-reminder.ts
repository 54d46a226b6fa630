import { addDays, romeParts, romeToUtc } from '@valore/shared/time/rome-time';
import type { Executor } from '../../db/database';
import type { CustomerContact } from '../outbox/effect-lookups';
import { cancelPendingMessages } from '../outbox/scheduled';
import { queueCustomerMessages } from '../messages/customer-messages';
import { appointmentValues, type AppointmentDetails } from './appointment-messages';

/** The outbox reference of an appointment's reminder (the confirmation uses 'appointment'). */
export const REMINDER_REF_TYPE = 'appointment_reminder';
/** Reminders go out the evening before, at this Rome wall-clock time. */
const REMINDER_MINUTES_OF_DAY = 18 * 60;
/** Closer to the appointment than this, a reminder would arrive when the customer is already on the way. */
export const REMINDER_MIN_LEAD_MS = 2 * 60 * 60_000;

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

/**
 * Queues the reminder SMS (and e-mail when the customer has an address) of an appointment, in the caller's
 * transaction; returns the time it goes out, or null when the appointment is too close for one.
 */
export async function scheduleReminder(
  trx: Executor,
  args: {
    appointmentId: number;
    customer: Pick<CustomerContact, 'phone' | 'email' | 'language'>;
    details: AppointmentDetails;
    now: Date;
  },
): Promise<string | null> {
  const sendAt = reminderSendAt(args.details.startsAt, args.now);
  if (!sendAt) return null;
  await queueCustomerMessages(trx, {
    purpose: 'appointment_reminder',
    to: args.customer,
    values: appointmentValues(args.details, args.customer.language, { reminder: true }),
    ref: { refType: REMINDER_REF_TYPE, refId: args.appointmentId },
    now: args.now,
    sendAt,
  });
  return sendAt.toISOString();
}

/** Withdraws the reminder that has not gone out yet (a cancelled or moved appointment); returns how many messages. */
export function cancelReminder(trx: Executor, appointmentId: number): Promise<number> {
  return cancelPendingMessages(trx, REMINDER_REF_TYPE, appointmentId);
}
