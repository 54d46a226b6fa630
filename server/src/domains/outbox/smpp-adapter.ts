import smpp, { type PDU, type PduFields, type Session, type SmppText } from 'smpp';
import type { SmppConfig } from '../../deps';
import type { Logger } from '../../logger';
import { DeliveryError } from './delivery-error';
import type { DeliveryAdapter, DeliveryReceipt, OutboundMessage, SendHooks } from './delivery';

export interface SmppAdapterOptions extends SmppConfig {
  logger: Logger;
  /** An enquire_link this often finds a link that died without a FIN (a NAT or firewall dropping it). */
  enquireLinkMs?: number;
  /** How long bind_transceiver, enquire_link and submit_sm may wait for their answer. */
  responseTimeoutMs?: number;
  /** Reconnect backoff after the SMSC drops or refuses: doubles from min to max, reset by a successful bind. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** How long a send waits for a session being set up before it gives the message back for a retry. */
  bindWaitMs?: number;
}

export type SmppState = 'connecting' | 'bound' | 'down' | 'closed';

export interface SmppAdapter extends DeliveryAdapter {
  /** connecting (TCP or bind under way), bound, down (waiting to reconnect), closed. */
  readonly state: SmppState;
  /** Resolves true as soon as a session is bound, false after `timeoutMs` or once closed. */
  whenBound(timeoutMs: number): Promise<boolean>;
}

const ESME_ROK = 0x00;
/** Temporary application error: the SMSC keeps the receipt and delivers it again. */
const ESME_RX_T_APPN = 0x64;
/**
 * Refusals that another try cannot fix (SMPP 3.4 §5.1.3): bad length, addresses, TON/NPI, data coding, or a
 * permanent/reject application error. Any other status (throttling, queue full, system error, vendor codes) is
 * retried with the outbox's backoff.
 */
const PERMANENT_STATUSES = new Set([0x01, 0x0a, 0x0b, 0x48, 0x49, 0x50, 0x51, 0x65, 0x66, 0x104]);

const STATUS_NAMES = new Map(Object.entries(smpp.errors).map(([name, code]) => [code, name]));
export function statusName(code: number): string {
  return `${STATUS_NAMES.get(code) ?? 'status'} (0x${code.toString(16).padStart(2, '0')})`;
}

/** GSM 03.38 default alphabet, and its extension table (two septets each). */
const GSM_BASIC = /^[@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&'()*+,\-./0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà\f^{}\\[~\]|€]*$/;
const GSM_EXTENDED = /[\f^{}\\[~\]|€]/g;

/**
 * The PDU fields that carry the text. GSM-alphabet text goes as the SMSC default alphabet (data_coding 0), the rest
 * as UCS-2 (8). One SMS fits in short_message; a longer text goes in message_payload, which the SMSC splits.
 */
export function textFields(body: string): Pick<PduFields, 'data_coding' | 'short_message' | 'message_payload'> {
  const gsm = GSM_BASIC.test(body);
  const units = gsm ? body.length + (body.match(GSM_EXTENDED)?.length ?? 0) : body.length;
  const dataCoding = gsm ? 0x00 : 0x08;
  return units <= (gsm ? 160 : 70)
    ? { data_coding: dataCoding, short_message: body }
    : { data_coding: dataCoding, short_message: '', message_payload: body };
}

/** An address and its type of number / numbering plan: +digits international, digits unknown, else alphanumeric. */
export function addressOf(raw: string): { addr: string; ton: number; npi: number } | null {
  const compact = raw.replace(/[\s\-().]/g, '');
  if (/^\+\d{3,20}$/.test(compact)) return { addr: compact.slice(1), ton: 0x01, npi: 0x01 };
  if (/^\d{3,20}$/.test(compact)) return { addr: compact, ton: 0x00, npi: 0x01 };
  if (/^[A-Za-z0-9 ]{1,11}$/.test(raw)) return { addr: raw, ton: 0x05, npi: 0x00 };
  return null;
}

function textOf(value: string | Buffer | SmppText | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('latin1');
  return textOf(value.message);
}

/** message_state (SMPP 3.4 §5.2.28) as the stat word of a receipt text. */
const MESSAGE_STATES: Record<number, string> = {
  0: 'SCHEDULED',
  1: 'ENROUTE',
  2: 'DELIVRD',
  3: 'EXPIRED',
  4: 'DELETED',
  5: 'UNDELIV',
  6: 'ACCEPTD',
  7: 'UNKNOWN',
  8: 'REJECTD',
  9: 'SKIPPED',
};
const FAILED_STATS = new Set(['EXPIRED', 'DELETED', 'UNDELIV', 'REJECTD', 'SKIPPED']);

export type ParsedReceipt = DeliveryReceipt | { gatewayMessageId: string; outcome: 'intermediate'; stat: string };

/**
 * Reads a delivery receipt (a deliver_sm with the receipt bit of esm_class). The TLVs receipted_message_id and
 * message_state win when present (SMPP 3.4+); otherwise the conventional text `id:… … stat:DELIVRD err:000 …`
 * (SMPP 3.4 appendix B). Null when it carries no message id or no state.
 */
export function parseDeliveryReceipt(pdu: PduFields): ParsedReceipt | null {
  const text = `${textOf(pdu.short_message)} ${textOf(pdu.message_payload)}`;
  const gatewayMessageId = pdu.receipted_message_id || /\bid:\s*(\S+)/i.exec(text)?.[1];
  const stat =
    (pdu.message_state !== undefined ? MESSAGE_STATES[pdu.message_state] : undefined) ??
    /\bstat:\s*([A-Za-z]+)/i.exec(text)?.[1]?.toUpperCase();
  if (!gatewayMessageId || !stat) return null;
  if (stat === 'DELIVRD') return { gatewayMessageId, outcome: 'delivered', stat, error: null };
  if (!FAILED_STATS.has(stat)) return { gatewayMessageId, outcome: 'intermediate', stat };
  const err = /\berr:\s*([0-9A-Za-z]+)/i.exec(text)?.[1];
  const details = [
    err && !/^0+$/.test(err) ? `error ${err}` : null,
    pdu.network_error_code && pdu.network_error_code.length >= 3
      ? `network error ${pdu.network_error_code.readUInt8(0)}/${pdu.network_error_code.readUInt16BE(1)}`
      : null,
  ].filter((d): d is string => d !== null);
  return {
    gatewayMessageId,
    outcome: 'failed',
    stat,
    error: `The SMSC reported ${stat}${details.length > 0 ? ` (${details.join(', ')})` : ''}.`,
  };
}

/** The adapter's timings, defaults filled in (see SmppAdapterOptions). */
interface SmppTimings {
  enquireLinkMs: number;
  responseTimeoutMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  bindWaitMs: number;
}

/** A submit written on the current session and not answered yet: called with why it ends, it fails it as unknown. */
type InFlightSubmit = (reason: string) => void;

/**
 * The transceiver session and its life: connect and bind, keep alive with enquire_link, answer the SMSC's requests,
 * and after a drop or a refused bind connect again with a doubling backoff. Holds what the send path needs to know:
 * the bound session, the submits in flight, the accepted submits still being recorded.
 */
class SmppLink {
  private current: SmppState = 'down';
  /** The session being set up or bound; null while down or closed. */
  session: Session | null = null;
  /** Why the last session ended or failed, for the logs and for the error a send gets while down. */
  lastError: string | null = null;
  /** Failed connects or binds in a row: the backoff exponent. */
  private failures = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private enquireTimer: NodeJS.Timeout | null = null;
  receiptHandler: ((receipt: DeliveryReceipt) => Promise<void>) | null = null;
  /** Submits written on the current session and not answered yet: a closing session ends them as unknown. */
  readonly inFlight = new Set<InFlightSubmit>();
  /** Accepted submits being recorded: a receipt waits for them, as it may overtake its own submit_sm_resp. */
  readonly recording = new Set<Promise<unknown>>();
  private readonly bindWaiters = new Set<() => void>();

  constructor(
    private readonly opts: SmppAdapterOptions,
    readonly timings: SmppTimings,
    readonly log: Logger,
  ) {}

  get state(): SmppState {
    return this.current;
  }

  /** A waiter wakes when a set-up ends either way: bound, failed (down) or closed. */
  private setState(next: SmppState): void {
    this.current = next;
    if (next !== 'connecting') {
      for (const wake of this.bindWaiters) wake();
      this.bindWaiters.clear();
    }
  }

  /** Public: waits across reconnect attempts until bound. The send path waits for one set-up only (boundSession). */
  whenBound(timeoutMs: number): Promise<boolean> {
    if (this.current === 'bound') return Promise.resolve(true);
    if (this.current === 'closed') return Promise.resolve(false);
    const deadline = Date.now() + timeoutMs;
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        if (this.current === 'bound' || this.current === 'closed' || Date.now() >= deadline)
          resolve(this.current === 'bound');
        else void this.whenBound(deadline - Date.now()).then(resolve);
      };
      const timer = setTimeout(() => {
        this.bindWaiters.delete(wake);
        resolve(false);
      }, timeoutMs);
      this.bindWaiters.add(wake);
    });
  }

  /** Opens a TCP connection and binds on it; every event of the session is wired here. */
  connect(): void {
    this.reconnectTimer = null;
    if (this.current === 'closed') return;
    this.setState('connecting');
    const s = smpp.connect({ host: this.opts.host, port: this.opts.port });
    this.session = s;
    // per session: a late close of this session must clear its own bind deadline, nobody else's
    let bindTimer: NodeJS.Timeout | null = null;
    s.on('connect', () => {
      bindTimer = setTimeout(() => {
        this.lastError = 'the SMSC did not answer bind_transceiver';
        s.destroy();
      }, this.timings.responseTimeoutMs);
      this.bind(s, bindTimer);
    });
    s.on('error', (error) => {
      this.lastError = error.message;
    });
    s.on('close', () => {
      if (bindTimer) clearTimeout(bindTimer);
      this.onClose(s);
    });
    s.on('enquire_link', (pdu) => {
      s.send(pdu.response());
    });
    s.on('unbind', (pdu) => {
      // the SMSC ends the session (maintenance, rebalancing): answer, close, and come back after the backoff
      this.lastError = 'the SMSC unbound the session';
      s.send(pdu.response());
      s.close();
    });
    s.on('deliver_sm', (pdu) => {
      void this.onDeliverSm(s, pdu);
    });
  }

  /** bind_transceiver; an answer either way clears the `deadline` set for it, then binds or drops the session. */
  private bind(s: Session, deadline: NodeJS.Timeout): void {
    s.bind_transceiver({ system_id: this.opts.systemId, password: this.opts.password }, (resp) => {
      clearTimeout(deadline);
      if (this.session !== s || this.current !== 'connecting') return;
      if (resp.command_status !== ESME_ROK) {
        this.lastError = `the SMSC refused the bind: ${statusName(resp.command_status)}`;
        this.log.error({ status: resp.command_status }, `smpp: ${this.lastError}`);
        s.destroy();
        return;
      }
      this.failures = 0;
      this.lastError = null;
      this.setState('bound');
      this.log.info('smpp: bound as transceiver');
      this.scheduleEnquireLink(s);
    });
  }

  /** The current session closed: its unanswered submits end as unknown, and unless closed on purpose, reconnect. */
  private onClose(s: Session): void {
    if (this.session !== s) return;
    this.session = null;
    if (this.enquireTimer) clearTimeout(this.enquireTimer);
    this.enquireTimer = null;
    this.endInFlight('the connection to the SMSC closed before it answered the submit');
    if (this.current === 'closed') return;
    const wasBound = this.current === 'bound';
    this.setState('down');
    this.scheduleReconnect(wasBound);
  }

  /** Connects again after the backoff: doubling from reconnectMinMs up to reconnectMaxMs, reset by a bind. */
  private scheduleReconnect(wasBound: boolean): void {
    const { reconnectMinMs, reconnectMaxMs } = this.timings;
    const delay = Math.min(reconnectMaxMs, reconnectMinMs * 2 ** this.failures);
    this.failures++;
    this.log[wasBound ? 'warn' : 'debug'](
      { retryInMs: delay, reason: this.lastError },
      wasBound ? 'smpp: the SMSC connection closed; reconnecting' : 'smpp: could not bind; retrying',
    );
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
    this.reconnectTimer.unref();
  }

  /** One enquire_link per period; no answer in time means the link is dead even if TCP has not noticed. */
  private scheduleEnquireLink(s: Session): void {
    this.enquireTimer = setTimeout(() => {
      if (this.session !== s) return;
      const deadline = setTimeout(() => {
        this.lastError = 'the SMSC did not answer enquire_link';
        this.log.warn('smpp: no enquire_link_resp; dropping the session');
        s.destroy();
      }, this.timings.responseTimeoutMs);
      deadline.unref(); // a closed adapter's last check must not hold the process open
      const sent = s.enquire_link(() => {
        clearTimeout(deadline);
        if (this.session === s) this.scheduleEnquireLink(s);
      });
      if (!sent) {
        clearTimeout(deadline);
        s.destroy();
      }
    }, this.timings.enquireLinkMs);
    this.enquireTimer.unref();
  }

  /**
   * A deliver_sm: a final receipt is recorded (after the submits being recorded, which it may have overtaken) and
   * then acknowledged; if recording fails, a temporary error makes the SMSC deliver it again. Replies from customers,
   * intermediate states and unreadable receipts are acknowledged and dropped.
   */
  private async onDeliverSm(s: Session, pdu: PDU): Promise<void> {
    const receiptBit = ((pdu.esm_class ?? 0) & 0x3c) === smpp.ESM_CLASS.MC_DELIVERY_RECEIPT;
    if (!receiptBit && pdu.receipted_message_id === undefined) {
      // a customer's reply (mobile originated): nothing reads those yet
      this.log.info('smpp: ignored a mobile-originated message');
      s.send(pdu.response());
      return;
    }
    const receipt = parseDeliveryReceipt(pdu);
    if (!receipt || receipt.outcome === 'intermediate') {
      if (!receipt) this.log.warn('smpp: a delivery receipt without message id or state; acknowledged and ignored');
      s.send(pdu.response());
      return;
    }
    try {
      await Promise.allSettled([...this.recording]);
      await this.receiptHandler?.(receipt);
      s.send(pdu.response());
    } catch (err) {
      this.log.error(
        { err, smscMessageId: receipt.gatewayMessageId },
        'smpp: could not record a receipt; the SMSC will resend it',
      );
      s.send(pdu.response({ command_status: ESME_RX_T_APPN }));
    }
  }

  /** The bound session; a set-up under way is waited for (up to bindWaitMs), a session that is down is not. */
  async boundSession(): Promise<Session> {
    if (this.current === 'connecting') {
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.bindWaiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, this.timings.bindWaitMs);
        this.bindWaiters.add(wake);
      });
    }
    if (this.current === 'bound' && this.session) return this.session;
    throw new DeliveryError('retry', `not connected to the SMSC${this.lastError ? `: ${this.lastError}` : ''}`);
  }

  /** Every submit still waiting for its answer ends as unknown, with this reason. */
  private endInFlight(reason: string): void {
    for (const end of [...this.inFlight]) end(reason);
  }

  /** Stops reconnecting and keeping alive, ends the submits in flight, and unbinds politely (or drops) the session. */
  async close(): Promise<void> {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.enquireTimer) clearTimeout(this.enquireTimer);
    const s = this.session;
    const wasBound = this.current === 'bound';
    this.setState('closed');
    this.endInFlight('the SMPP adapter closed before the SMSC answered the submit');
    if (!s) return;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => s.destroy(), 1_000);
      s.once('close', () => {
        clearTimeout(force);
        resolve();
      });
      // a polite unbind when bound; the SMSC closes the socket after unbind_resp, or we do
      if (!wasBound || !s.unbind(() => s.close())) s.destroy();
    });
  }
}

/**
 * Writes one submit_sm and waits for its answer. No answer in time, or the session closing first, leaves the message
 * `unknown` (it may have been accepted: never resent); a refusal is permanent or retried by its status; an acceptance
 * resolves once the worker has recorded the SMSC's message id. A late answer to a submit already given up is still
 * recorded (or logged), so the receipt that follows finds its message.
 */
function submit(
  link: SmppLink,
  s: Session,
  fields: PduFields,
  msg: OutboundMessage,
  hooks: SendHooks | undefined,
): Promise<void> {
  const { responseTimeoutMs } = link.timings;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const end: InFlightSubmit = (reason) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      link.inFlight.delete(end);
      reject(new DeliveryError('unknown', `${reason}: it may or may not have been accepted, so it is not sent again`));
    };
    const timer = setTimeout(() => end(`no submit_sm_resp within ${responseTimeoutMs} ms`), responseTimeoutMs);
    link.inFlight.add(end);
    const written = s.submit_sm(fields, (resp) => {
      const late = settled;
      settled = true;
      clearTimeout(timer);
      link.inFlight.delete(end);
      if (resp.command_status !== ESME_ROK) {
        const error = new DeliveryError(
          PERMANENT_STATUSES.has(resp.command_status) ? 'rejected' : 'retry',
          `the SMSC refused the message: ${statusName(resp.command_status)}`,
        );
        if (late)
          link.log.warn({ outboxId: msg.id, err: error.message }, 'smpp: a late refusal of a message left unknown');
        else reject(error);
        return;
      }
      const messageId = resp.message_id ?? '';
      const recorded = recordAccepted(link, messageId, hooks);
      if (late) logLateAcceptance(link.log, recorded, msg, messageId);
      else recorded.then(resolve, (err: unknown) => reject(notRecorded(messageId, err)));
    });
    if (!written) {
      settled = true;
      clearTimeout(timer);
      link.inFlight.delete(end);
      reject(new DeliveryError('retry', 'the SMSC connection closed before the submit'));
    }
  });
}

/**
 * Records an accepted submit's SMSC message id at once, before any later PDU of this read is handled: a receipt right
 * behind finds the row (receipts wait for what is in `link.recording`).
 */
function recordAccepted(link: SmppLink, messageId: string, hooks: SendHooks | undefined): Promise<void> {
  const recorded = hooks ? hooks.accepted(messageId) : Promise.resolve();
  link.recording.add(recorded);
  void recorded.catch(() => undefined).finally(() => link.recording.delete(recorded));
  return recorded;
}

/** The SMSC has the message but the outbox could not record it: whether it goes out is unknown, so it is not resent. */
function notRecorded(messageId: string, err: unknown): DeliveryError {
  return new DeliveryError(
    'unknown',
    `accepted by the SMSC as ${messageId} but not recorded (${err instanceof Error ? err.message : String(err)})`,
  );
}

/** A late acceptance has no sender waiting for it: only the log says whether it was recorded. */
function logLateAcceptance(log: Logger, recorded: Promise<void>, msg: OutboundMessage, messageId: string): void {
  recorded.then(
    () =>
      log.info(
        { outboxId: msg.id, smscMessageId: messageId },
        'smpp: a late submit_sm_resp recorded the message as sent',
      ),
    (err: unknown) => log.error({ err, outboxId: msg.id }, 'smpp: could not record a late submit_sm_resp'),
  );
}

/** The submit_sm fields of a message: sender, destination, a final delivery receipt requested, and the text. */
function submitFields(
  source: { addr: string; ton: number; npi: number },
  destination: { addr: string; ton: number; npi: number },
  body: string,
): PduFields {
  return {
    source_addr: source.addr,
    source_addr_ton: source.ton,
    source_addr_npi: source.npi,
    destination_addr: destination.addr,
    dest_addr_ton: destination.ton,
    dest_addr_npi: destination.npi,
    registered_delivery: smpp.REGISTERED_DELIVERY.FINAL,
    ...textFields(body),
  };
}

/**
 * Sends SMS to an SMSC over SMPP 3.4: one transceiver session (submits out, receipts in), kept up with
 * enquire_link and rebuilt with backoff when the SMSC drops it. Each submit asks for a delivery receipt
 * (registered_delivery) and goes out only after the worker recorded that it is about to (SendHooks.beforeSubmit):
 * an answer that never comes leaves the message `unknown`, never resent.
 */
export function createSmppAdapter(opts: SmppAdapterOptions): SmppAdapter {
  const timings: SmppTimings = {
    enquireLinkMs: opts.enquireLinkMs ?? 30_000,
    responseTimeoutMs: opts.responseTimeoutMs ?? 10_000,
    reconnectMinMs: opts.reconnectMinMs ?? 1_000,
    reconnectMaxMs: opts.reconnectMaxMs ?? 60_000,
    bindWaitMs: opts.bindWaitMs ?? 5_000,
  };
  const log = opts.logger.child({ component: 'smpp', smsc: `${opts.host}:${opts.port}` });
  const source = addressOf(opts.sourceAddr);
  if (!source) throw new Error(`SMPP sender "${opts.sourceAddr}" is neither a number nor up to 11 letters and digits`);

  const link = new SmppLink(opts, timings, log);
  link.connect();

  return {
    get state() {
      return link.state;
    },
    whenBound: (timeoutMs) => link.whenBound(timeoutMs),
    onReceipt(handler) {
      link.receiptHandler = handler;
    },
    async send(msg, hooks) {
      const destination = addressOf(msg.recipient);
      if (!destination || destination.ton === 0x05) {
        throw new DeliveryError('rejected', 'the recipient is not a phone number');
      }
      const s = await link.boundSession();
      const fields = submitFields(source, destination, msg.body);
      await hooks?.beforeSubmit();
      // the marker's commit yields: the session may have gone meanwhile, and nothing has been written yet
      if (link.session !== s || link.state !== 'bound')
        throw new DeliveryError('retry', 'the SMSC connection closed before the submit');
      await submit(link, s, fields, msg, hooks);
    },
    close: () => link.close(),
  };
}
