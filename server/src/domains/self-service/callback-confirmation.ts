import type { Executor } from '../../db/database';
import { enqueueMessage } from '../outbox/outbox.repository';
import { mintSelfServiceLink } from './self-service-links';

const romeDay = new Intl.DateTimeFormat('it-IT', {
  timeZone: 'Europe/Rome',
  weekday: 'long',
  day: 'numeric',
  month: 'long',
});
const romeTime = new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', hour: '2-digit', minute: '2-digit' });

/** The outbox reference of a callback's confirmations (the first one and the one after a move). */
export const CALLBACK_CONFIRMATION_REF_TYPE = 'callback_request';

export interface CallbackConfirmationText {
  firstName: string | null;
  dueAt: string;
  /** null: the server knows no public address to build the link on; the message then just confirms the time */
  url: string | null;
}

const greeting = (firstName: string | null) => (firstName ? `Gentile ${firstName}` : 'Gentile cliente');

export function callbackConfirmationSms(t: CallbackConfirmationText): string {
  const at = new Date(t.dueAt);
  return (
    `${greeting(t.firstName)}, la richiameremo ${romeDay.format(at)} alle ${romeTime.format(at)}` +
    (t.url ? `; per spostare o annullare: ${t.url}` : '.')
  );
}

export function callbackConfirmationEmail(t: CallbackConfirmationText): { subject: string; body: string } {
  const at = new Date(t.dueAt);
  const day = romeDay.format(at);
  const time = romeTime.format(at);
  return {
    subject: `Conferma: la richiameremo ${day} alle ${time}`,
    body: [
      `${greeting(t.firstName)},`,
      '',
      `le confermiamo che un nostro consulente la richiamerà ${day} alle ${time}.`,
      '',
      t.url
        ? `Se l'orario non le va più bene, può spostare o annullare la richiamata da qui: ${t.url}`
        : "Se l'orario non le va più bene, ci contatti: lo sposteremo volentieri.",
      '',
      'Cordiali saluti,',
      'Il servizio clienti',
    ].join('\n'),
  };
}

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
  const text = { firstName: args.firstName, dueAt: args.dueAt, url };
  const ref = { refType: CALLBACK_CONFIRMATION_REF_TYPE, refId: args.callbackId };
  await enqueueMessage(
    trx,
    { channel: 'sms', recipient: args.phone, subject: null, body: callbackConfirmationSms(text), ...ref },
    args.now,
  );
  if (args.email) {
    const mail = callbackConfirmationEmail(text);
    await enqueueMessage(
      trx,
      { channel: 'email', recipient: args.email, subject: mail.subject, body: mail.body, ...ref },
      args.now,
    );
  }
  return { url, token };
}

/**
 * The confirmation of a callback the customer scheduled themselves (web or app): their name and e-mail come from
 * the customer record when the request was matched to one, otherwise the SMS greets "Gentile cliente".
 */
export async function confirmScheduledCallbackRequest(
  trx: Executor,
  args: { callbackId: string; customerId: number | null; phone: string; dueAt: string; now: Date; publicUrl: string },
): Promise<{ url: string | null; token: string }> {
  const customer =
    args.customerId === null
      ? undefined
      : await trx
          .selectFrom('customers')
          .select(['first_name', 'email'])
          .where('id', '=', args.customerId)
          .executeTakeFirst();
  return enqueueCallbackConfirmation(trx, {
    ...args,
    firstName: customer?.first_name ?? null,
    email: customer?.email ?? null,
  });
}
