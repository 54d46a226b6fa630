import type { AddressInfo } from 'node:net';
import smpp, { type PDU, type Server, type Session, type SmppText } from 'smpp';

/** What the SMSC received in one submit_sm, decoded. */
export interface SubmittedSms {
  messageId: string;
  source: string;
  sourceTon: number;
  destination: string;
  destinationTon: number;
  text: string;
  dataCoding: number;
  registeredDelivery: number;
  /** The text came in message_payload (too long for one SMS) rather than short_message. */
  payload: boolean;
}

/** How the SMSC answers a submit: accept it (and send a receipt right behind the answer), refuse it, or stay silent. */
export type SubmitAnswer = { kind: 'accept'; receipt?: string } | { kind: 'refuse'; status: number } | { kind: 'hold' };

export interface ReceiptOptions {
  /** Send the state as TLVs (receipted_message_id, message_state) with an empty text, instead of the text form. */
  tlv?: boolean;
  err?: string;
}

export interface TestSmsc {
  readonly port: number;
  readonly submitted: SubmittedSms[];
  readonly binds: { systemId: string; password: string }[];
  /** How each submit is answered (default: accepted). */
  answer: (sms: SubmittedSms) => SubmitAnswer;
  /** While true, enquire_link goes unanswered (a half-open link). */
  muteEnquireLink: boolean;
  /** Accepts the submits held so far. */
  releaseHeld(): void;
  /** Sends a delivery receipt on the bound session; resolves with the status of the ESME's deliver_sm_resp. */
  sendReceipt(messageId: string, stat: string, opts?: ReceiptOptions): Promise<number>;
  /** Drops every session (the ESME sees its connection close); the SMSC keeps listening. */
  dropSessions(): void;
  /** Drops every session and stops listening. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
}

const STATES: Record<string, number> = {
  DELIVRD: 2,
  EXPIRED: 3,
  DELETED: 4,
  UNDELIV: 5,
  ACCEPTD: 6,
  REJECTD: 8,
  ENROUTE: 1,
};

function textOf(value: string | Buffer | SmppText | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('latin1');
  return textOf(value.message);
}

/**
 * A real SMSC on loopback for the tests, built from the same `smpp` package: it checks the bind's credentials,
 * answers submit_sm as told, answers enquire_link (unless muted), and sends delivery receipts on demand.
 */
export async function startTestSmsc(
  opts: { port?: number; systemId?: string; password?: string } = {},
): Promise<TestSmsc> {
  const systemId = opts.systemId ?? 'valore';
  const password = opts.password ?? 'secret';
  const submitted: SubmittedSms[] = [];
  const binds: { systemId: string; password: string }[] = [];
  const held: { session: Session; pdu: PDU; sms: SubmittedSms }[] = [];
  let bound: Session | null = null;
  let server: Server | null = null;
  let port = opts.port ?? 0;

  const accept = (session: Session, pdu: PDU, sms: SubmittedSms, receipt?: string) => {
    session.send(pdu.response({ message_id: sms.messageId }));
    // in the same tick, so both PDUs usually reach the ESME in one read: the receipt overtakes nothing it needs
    if (receipt) session.deliver_sm(receiptFields(sms.messageId, receipt, {}));
  };

  const onSession = (session: Session) => {
    session.on('error', () => undefined);
    session.on('bind_transceiver', (pdu) => {
      binds.push({ systemId: pdu.system_id ?? '', password: pdu.password ?? '' });
      if (pdu.system_id !== systemId || pdu.password !== password) {
        session.send(pdu.response({ command_status: smpp.errors.ESME_RINVPASWD }));
        return;
      }
      bound = session;
      session.send(pdu.response({ system_id: 'test-smsc' }));
    });
    session.on('enquire_link', (pdu) => {
      if (!smsc.muteEnquireLink) session.send(pdu.response());
    });
    session.on('unbind', (pdu) => {
      session.send(pdu.response());
      session.close();
    });
    session.on('submit_sm', (pdu) => {
      const sms: SubmittedSms = {
        messageId: `smsc-${submitted.length + 1}`,
        source: pdu.source_addr ?? '',
        sourceTon: pdu.source_addr_ton ?? -1,
        destination: pdu.destination_addr ?? '',
        destinationTon: pdu.dest_addr_ton ?? -1,
        text: textOf(pdu.short_message) || textOf(pdu.message_payload),
        dataCoding: pdu.data_coding ?? -1,
        registeredDelivery: pdu.registered_delivery ?? 0,
        payload: pdu.message_payload !== undefined,
      };
      submitted.push(sms);
      const answer = smsc.answer(sms);
      if (answer.kind === 'hold') held.push({ session, pdu, sms });
      else if (answer.kind === 'refuse') session.send(pdu.response({ command_status: answer.status }));
      else accept(session, pdu, sms, answer.receipt);
    });
  };

  const smsc: TestSmsc = {
    get port() {
      return port;
    },
    submitted,
    binds,
    answer: () => ({ kind: 'accept' }),
    muteEnquireLink: false,
    releaseHeld() {
      for (const h of held.splice(0)) accept(h.session, h.pdu, h.sms);
    },
    sendReceipt(messageId, stat, receiptOpts = {}) {
      return new Promise((resolve, reject) => {
        const session = bound;
        if (!session) return reject(new Error('no bound session'));
        const sent = session.deliver_sm(receiptFields(messageId, stat, receiptOpts), (resp) =>
          resolve(resp.command_status),
        );
        if (!sent) reject(new Error('the session is closed'));
      });
    },
    dropSessions() {
      for (const session of [...(server?.sessions ?? [])]) session.destroy();
      bound = null;
    },
    async stop() {
      const s = server;
      server = null;
      if (!s) return;
      const closed = new Promise<void>((resolve) => s.close(() => resolve()));
      for (const session of [...s.sessions]) session.destroy();
      bound = null;
      await closed;
    },
    async start() {
      const s = smpp.createServer(onSession);
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(port, '127.0.0.1', () => resolve());
      });
      port = (s.address() as AddressInfo).port;
      server = s;
    },
  };
  await smsc.start();
  return smsc;
}

function receiptFields(messageId: string, stat: string, opts: ReceiptOptions) {
  const err = opts.err ?? (stat === 'DELIVRD' ? '000' : '001');
  const text =
    `id:${messageId} sub:001 dlvrd:${stat === 'DELIVRD' ? '001' : '000'} submit date:2612020900 ` +
    `done date:2612020901 stat:${stat} err:${err} text:`;
  return {
    esm_class: smpp.ESM_CLASS.MC_DELIVERY_RECEIPT,
    short_message: opts.tlv ? '' : text,
    ...(opts.tlv ? { receipted_message_id: messageId, message_state: STATES[stat] ?? 7 } : {}),
  };
}
