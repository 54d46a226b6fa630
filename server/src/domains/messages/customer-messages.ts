import {
  DEFAULT_TEMPLATES,
  renderTemplate,
  type MessageLanguage,
  type MessagePurpose,
  type MessageText,
  type TemplateValues,
} from '@valore/shared/messages/templates';
import type { Executor } from '../../db/database';
import { enqueueMessage } from '../outbox/outbox.repository';
import { enqueueScheduledMessage } from '../outbox/scheduled';

/**
 * The one way a message to a customer is written and queued (appointment confirmation and reminder, funnel link,
 * callback confirmation): the admin's template for its purpose, channel and language when there is one, else the
 * shipped text, rendered with the values the caller gives, queued in the caller's transaction (the message goes out
 * exactly when the thing it confirms exists).
 */

const LOCALES: Record<MessageLanguage, string> = { it: 'it-IT', en: 'en-GB' };
const formats = new Map<string, Intl.DateTimeFormat>();
function format(language: MessageLanguage, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = language + JSON.stringify(options);
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(LOCALES[language], { timeZone: 'Europe/Rome', ...options });
    formats.set(key, f);
  }
  return f;
}

/** "martedì 1 dicembre 2026" / "Tuesday 1 December 2026" (without the year: "martedì 1 dicembre"), in Rome time. */
export function messageDate(at: string | Date, language: MessageLanguage, withYear = true): string {
  return format(language, { weekday: 'long', day: 'numeric', month: 'long', ...(withYear ? { year: 'numeric' } : {}) })
    .format(new Date(at))
    .replace(',', '');
}

/** "10:30", in Rome time. */
export function messageTime(at: string | Date, language: MessageLanguage): string {
  return format(language, { hour: '2-digit', minute: '2-digit' }).format(new Date(at));
}

/** "31 dicembre 2026" / "31 December 2026", in Rome time. */
export function messageDay(at: string | Date, language: MessageLanguage): string {
  return format(language, { day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(at));
}

/** The text a purpose's message has now: the admin's override, else the default. */
export async function templateFor(
  db: Executor,
  purpose: MessagePurpose,
  channel: 'sms' | 'email',
  language: MessageLanguage,
): Promise<MessageText> {
  const row = await db
    .selectFrom('message_templates')
    .select(['subject', 'body'])
    .where('purpose', '=', purpose)
    .where('channel', '=', channel)
    .where('language', '=', language)
    .executeTakeFirst();
  return row ?? DEFAULT_TEMPLATES[purpose][channel][language];
}

export interface MessageRecipient {
  /** null: no SMS */
  phone: string | null;
  /** null: no e-mail */
  email: string | null;
  language: MessageLanguage;
}

/**
 * Queues the purpose's SMS (when there is a phone) and e-mail (when there is an address), rendered for the
 * recipient's language; `sendAt` defers them (a reminder). Returns the outbox ids.
 */
export async function queueCustomerMessages(
  trx: Executor,
  args: {
    purpose: MessagePurpose;
    to: MessageRecipient;
    values: TemplateValues;
    ref: { refType: string; refId: string | number };
    now: Date;
    sendAt?: Date;
  },
): Promise<number[]> {
  const ids: number[] = [];
  const queue = (channel: 'sms' | 'email', recipient: string, text: MessageText) => {
    const msg = { channel, recipient, subject: text.subject, body: text.body, ...args.ref };
    return args.sendAt
      ? enqueueScheduledMessage(trx, msg, { now: args.now, sendAt: args.sendAt })
      : enqueueMessage(trx, msg, args.now);
  };
  for (const channel of ['sms', 'email'] as const) {
    const recipient = channel === 'sms' ? args.to.phone : args.to.email;
    if (!recipient) continue;
    const template = await templateFor(trx, args.purpose, channel, args.to.language);
    const text = renderTemplate(template, args.values);
    ids.push(await queue(channel, recipient, channel === 'sms' ? { subject: null, body: text.body } : text));
  }
  return ids;
}
