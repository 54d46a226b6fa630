import type { Executor } from '../../db/database';
import type { MessageLanguage } from '@valore/shared/messages/templates';
import { messageDate, messageTime, queueCustomerMessages } from '../messages/customer-messages';
import { mintSelfServiceLink } from './self-service-links';

/** The outbox reference of a callback's confirmations (the first one and the one after a move). */
export const CALLBACK_CONFIRMATION_REF_TYPE = 'callback_request';

/**
 * Queues the customer's confirmation of a callback (an SMS, and an e-mail when an address is given), carrying a
 * signed link to move or cancel it. Call it in the transaction that creates or moves the callback, so the message
 * goes out exactly when the callback exists.
 */
export async function enqueueCallbackConfirmation(
  trx: Executor,
  args: {
    callbackId: string;
    customerId: number | null;
    phone: string;
    email?: string | null;
    firstName: string | null;
    /** the language of the messages (docs/admin.md, message templates) */
    language: MessageLanguage;
    dueAt: string;
    now: Date;
    publicUrl: string;
  },
): Promise<{ url: string | null; token: string }> {
  const minted = await mintSelfServiceLink(trx, {
    subject: { purpose: 'c', id: args.callbackId },
    dueAt: args.dueAt,
    now: args.now,
    publicUrl: args.publicUrl,
  });
  const url = args.publicUrl ? minted.url : null;
  const token = minted.token;
  await queueCustomerMessages(trx, {
    purpose: 'callback_confirmation',
    to: { phone: args.phone, email: args.email ?? null, language: args.language },
    values: {
      first_name: args.firstName,
      date: messageDate(args.dueAt, args.language, false),
      time: messageTime(args.dueAt, args.language),
      manage_url: url,
    },
    ref: { refType: CALLBACK_CONFIRMATION_REF_TYPE, refId: args.callbackId },
    now: args.now,
  });
  return { url, token };
}

/**
 * The confirmation of a callback the customer scheduled themselves (web or app): their name and e-mail come from
 * the customer record when the request was matched to one, otherwise the SMS greets "Gentile cliente"; it is written
 * in the language the request asked for, else the customer's, else Italian.
 */
export async function confirmScheduledCallbackRequest(
  trx: Executor,
  args: {
    callbackId: string;
    customerId: number | null;
    phone: string;
    dueAt: string;
    now: Date;
    publicUrl: string;
    language?: MessageLanguage | null;
  },
): Promise<{ url: string | null; token: string }> {
  const customer =
    args.customerId === null
      ? undefined
      : await trx
          .selectFrom('customers')
          .select(['first_name', 'email', 'language'])
          .where('id', '=', args.customerId)
          .executeTakeFirst();
  return enqueueCallbackConfirmation(trx, {
    ...args,
    firstName: customer?.first_name ?? null,
    email: customer?.email ?? null,
    language: args.language ?? customer?.language ?? 'it',
  });
}
