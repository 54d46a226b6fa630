import nodemailer from 'nodemailer';
import type { Logger } from '../../logger';
import type { SmppConfig } from '../../deps';
import type { OutboxChannel } from './outbox.repository';
import { createSmppAdapter } from './smpp-adapter';

export interface OutboundMessage {
  id: number;
  channel: OutboxChannel;
  recipient: string;
  subject: string | null;
  body: string;
}

/**
 * What the worker lets an adapter record while it sends, for gateways that say more than "done": an adapter that
 * calls `beforeSubmit` gets at-most-once delivery (a message whose submit may have gone out is never sent again).
 */
export interface SendHooks {
  /** Call right before the message goes on the wire; resolves once that is on disk. Throws: do not send. */
  beforeSubmit(): Promise<void>;
  /** Call as soon as the gateway accepted the message, with its id for it; resolves once recorded. */
  accepted(gatewayMessageId: string): Promise<void>;
}

/** A delivery receipt from the gateway, already read: the final state of a message it accepted earlier. */
export interface DeliveryReceipt {
  gatewayMessageId: string;
  outcome: 'delivered' | 'failed';
  /** The receipt's state as the gateway wrote it: DELIVRD, UNDELIV, EXPIRED, REJECTD, DELETED. */
  stat: string;
  /** For a failure: what a person should read (state and the gateway's error code). */
  error: string | null;
}

/** A way to hand a message to the outside world; a plain error means "try again later" (see DeliveryError). */
export interface DeliveryAdapter {
  send(msg: OutboundMessage, hooks?: SendHooks): Promise<void>;
  /** Gateways with delivery receipts: the worker registers where they go. */
  onReceipt?(handler: (receipt: DeliveryReceipt) => Promise<void>): void;
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

/** SMS through the SMSC (SMPP) and e-mail through SMTP when each is configured; what is not goes to the log. */
export function createDeliveryAdapters(
  logger: Logger,
  opts: { smtpUrl?: string | null; mailFrom?: string; smpp?: SmppConfig | null } = {},
): { sms: DeliveryAdapter; email: DeliveryAdapter } {
  const log = createLogAdapter(logger);
  return {
    sms: opts.smpp ? createSmppAdapter({ ...opts.smpp, logger }) : log,
    email: opts.smtpUrl ? createSmtpAdapter({ url: opts.smtpUrl, from: opts.mailFrom ?? DEFAULT_MAIL_FROM }) : log,
  };
}
