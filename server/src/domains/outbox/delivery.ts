import nodemailer from 'nodemailer';
import type { Logger } from '../../logger';
import type { OutboxChannel } from './outbox.repository';

export interface OutboundMessage {
  id: number;
  channel: OutboxChannel;
  recipient: string;
  subject: string | null;
  body: string;
}

/** A way to hand a message to the outside world; throwing means "try again later". */
export interface DeliveryAdapter {
  send(msg: OutboundMessage): Promise<void>;
  close?(): Promise<void>;
}

/** Keeps the last digits only: logs are read by more people than the customer's data should be. */
export function maskRecipient(recipient: string): string {
  const at = recipient.indexOf('@');
  if (at > 0) return `${recipient.slice(0, 1)}***${recipient.slice(at)}`;
  return recipient.length > 4 ? `${'*'.repeat(recipient.length - 3)}${recipient.slice(-3)}` : '***';
}

/** Default adapter (no SMS gateway in the demo): the message goes to the structured log. */
export function createLogAdapter(logger: Logger): DeliveryAdapter {
  return {
    async send(msg) {
      logger.info(
        {
          outboxId: msg.id,
          channel: msg.channel,
          to: maskRecipient(msg.recipient),
          subject: msg.subject,
          body: msg.body,
        },
        `outbox: ${msg.channel} delivered to log`,
      );
    },
  };
}

export interface SmtpAdapterOptions {
  /** e.g. smtp://user:pass@mail.example:587 or smtps://… (nodemailer connection URL). */
  url: string;
  from: string;
  /** Per-message socket timeout, so a hung server cannot stall the worker. */
  timeoutMs?: number;
}

export function createSmtpAdapter(opts: SmtpAdapterOptions): DeliveryAdapter {
  const timeout = opts.timeoutMs ?? 15_000;
  const transport = nodemailer.createTransport(
    { url: opts.url, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout },
    { from: opts.from },
  );
  return {
    async send(msg) {
      await transport.sendMail({
        to: msg.recipient,
        subject: msg.subject ?? 'Valore',
        text: msg.body,
        headers: { 'X-Valore-Outbox-Id': String(msg.id) },
      });
    },
    async close() {
      transport.close();
    },
  };
}

export const DEFAULT_MAIL_FROM = 'Valore <noreply@valore.example>';

/** SMS always to the log (no gateway yet); e-mail through SMTP when a URL is configured, else to the log. */
export function createDeliveryAdapters(
  logger: Logger,
  opts: { smtpUrl?: string | null; mailFrom?: string } = {},
): { sms: DeliveryAdapter; email: DeliveryAdapter } {
  const log = createLogAdapter(logger);
  return {
    sms: log,
    email: opts.smtpUrl ? createSmtpAdapter({ url: opts.smtpUrl, from: opts.mailFrom ?? DEFAULT_MAIL_FROM }) : log,
  };
}
