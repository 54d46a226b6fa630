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

/**
 * Sends SMS to an SMSC over SMPP 3.4: one transceiver session (submits out, receipts in), kept up with
 * enquire_link and rebuilt with backoff when the SMSC drops it. Each submit asks for a delivery receipt
 * (registered_delivery) and goes out only after the worker recorded that it is about to (SendHooks.beforeSubmit):
 * an answer that never comes leaves the message `unknown`, never resent.
 */
export function createSmppAdapter(opts: SmppAdapterOptions): SmppAdapter {
  const enquireLinkMs = opts.enquireLinkMs ?? 30_000;
  const responseTimeoutMs = opts.responseTimeoutMs ?? 10_000;
  const reconnectMinMs = opts.reconnectMinMs ?? 1_000;
  const reconnectMaxMs = opts.reconnectMaxMs ?? 60_000;
  const bindWaitMs = opts.bindWaitMs ?? 5_000;
  const log = opts.logger.child({ component: 'smpp', smsc: `${opts.host}:${opts.port}` });
  const source = addressOf(opts.sourceAddr);
  if (!source) throw new Error(`SMPP sender "${opts.sourceAddr}" is neither a number nor up to 11 letters and digits`);

  let state: SmppState = 'down';
  let session: Session | null = null;
  let lastError: string | null = null;
  /** Failed connects or binds in a row: the backoff exponent. */
  let failures = 0;
  let reconnectTimer: NodeJS.Timeout | null = null;
  let enquireTimer: NodeJS.Timeout | null = null;
  let receiptHandler: ((receipt: DeliveryReceipt) => Promise<void>) | null = null;
  /** Submits written on the current session and not answered yet: a closing session ends them as unknown. */
  const inFlight = new Set<(reason: string) => void>();
  /** Accepted submits being recorded: a receipt waits for them, as it may overtake its own submit_sm_resp. */
  const recording = new Set<Promise<unknown>>();
  const bindWaiters = new Set<() => void>();

  /** A waiter wakes when a set-up ends either way: bound, failed (down) or closed. */
  function setState(next: SmppState): void {
    state = next;
    if (next !== 'connecting') {
      for (const wake of bindWaiters) wake();
      bindWaiters.clear();
    }
  }

  /** Public: waits across reconnect attempts until bound. The send path waits for one set-up only (boundSession). */
  function whenBound(timeoutMs: number): Promise<boolean> {
    if (state === 'bound') return Promise.resolve(true);
    if (state === 'closed') return Promise.resolve(false);
    const deadline = Date.now() + timeoutMs;
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        if (state === 'bound' || state === 'closed' || Date.now() >= deadline) resolve(state === 'bound');
        else void whenBound(deadline - Date.now()).then(resolve);
      };
      const timer = setTimeout(() => {
        bindWaiters.delete(wake);
        resolve(false);
      }, timeoutMs);
      bindWaiters.add(wake);
    });
  }

  function connect(): void {
    reconnectTimer = null;
    if (state === 'closed') return;
    setState('connecting');
    const s = smpp.connect({ host: opts.host, port: opts.port });
    session = s;
    let bindTimer: NodeJS.Timeout | null = null;
    s.on('connect', () => {
      bindTimer = setTimeout(() => {
        lastError = 'the SMSC did not answer bind_transceiver';
        s.destroy();
      }, responseTimeoutMs);
      s.bind_transceiver({ system_id: opts.systemId, password: opts.password }, (resp) => {
        if (bindTimer) clearTimeout(bindTimer);
        if (session !== s || state !== 'connecting') return;
        if (resp.command_status !== ESME_ROK) {
          lastError = `the SMSC refused the bind: ${statusName(resp.command_status)}`;
          log.error({ status: resp.command_status }, `smpp: ${lastError}`);
          s.destroy();
          return;
        }
        failures = 0;
        lastError = null;
        setState('bound');
        log.info('smpp: bound as transceiver');
        scheduleEnquireLink(s);
      });
    });
    s.on('error', (error) => {
      lastError = error.message;
    });
    s.on('close', () => {
      if (bindTimer) clearTimeout(bindTimer);
      if (session !== s) return;
      session = null;
      if (enquireTimer) clearTimeout(enquireTimer);
      enquireTimer = null;
      for (const end of [...inFlight]) end('the connection to the SMSC closed before it answered the submit');
      if (state === 'closed') return;
      const wasBound = state === 'bound';
      setState('down');
      const delay = Math.min(reconnectMaxMs, reconnectMinMs * 2 ** failures);
      failures++;
      log[wasBound ? 'warn' : 'debug'](
        { retryInMs: delay, reason: lastError },
        wasBound ? 'smpp: the SMSC connection closed; reconnecting' : 'smpp: could not bind; retrying',
      );
      reconnectTimer = setTimeout(connect, delay);
      reconnectTimer.unref();
    });
    s.on('enquire_link', (pdu) => {
      s.send(pdu.response());
    });
    s.on('unbind', (pdu) => {
      // the SMSC ends the session (maintenance, rebalancing): answer, close, and come back after the backoff
      lastError = 'the SMSC unbound the session';
      s.send(pdu.response());
      s.close();
    });
    s.on('deliver_sm', (pdu) => {
      void onDeliverSm(s, pdu);
    });
  }

  /** One enquire_link per period; no answer in time means the link is dead even if TCP has not noticed. */
  function scheduleEnquireLink(s: Session): void {
    enquireTimer = setTimeout(() => {
      if (session !== s) return;
      const deadline = setTimeout(() => {
        lastError = 'the SMSC did not answer enquire_link';
        log.warn('smpp: no enquire_link_resp; dropping the session');
        s.destroy();
      }, responseTimeoutMs);
      deadline.unref(); // a closed adapter's last check must not hold the process open
      const sent = s.enquire_link(() => {
        clearTimeout(deadline);
        if (session === s) scheduleEnquireLink(s);
      });
      if (!sent) {
        clearTimeout(deadline);
        s.destroy();
      }
    }, enquireLinkMs);
    enquireTimer.unref();
  }

  async function onDeliverSm(s: Session, pdu: PDU): Promise<void> {
    const receiptBit = ((pdu.esm_class ?? 0) & 0x3c) === smpp.ESM_CLASS.MC_DELIVERY_RECEIPT;
    if (!receiptBit && pdu.receipted_message_id === undefined) {
      // a customer's reply (mobile originated): nothing reads those yet
      log.info('smpp: ignored a mobile-originated message');
      s.send(pdu.response());
      return;
    }
    const receipt = parseDeliveryReceipt(pdu);
    if (!receipt || receipt.outcome === 'intermediate') {
      if (!receipt) log.warn('smpp: a delivery receipt without message id or state; acknowledged and ignored');
      s.send(pdu.response());
      return;
    }
    try {
      await Promise.allSettled([...recording]);
      await receiptHandler?.(receipt);
      s.send(pdu.response());
    } catch (err) {
      log.error(
        { err, smscMessageId: receipt.gatewayMessageId },
        'smpp: could not record a receipt; the SMSC will resend it',
      );
      s.send(pdu.response({ command_status: ESME_RX_T_APPN }));
    }
  }

  /** The bound session; a set-up under way is waited for (up to bindWaitMs), a session that is down is not. */
  async function boundSession(): Promise<Session> {
    if (state === 'connecting') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(wake, bindWaitMs);
        function wake() {
          clearTimeout(timer);
          bindWaiters.delete(wake);
          resolve();
        }
        bindWaiters.add(wake);
      });
    }
    if (state === 'bound' && session) return session;
    throw new DeliveryError('retry', `not connected to the SMSC${lastError ? `: ${lastError}` : ''}`);
  }

  function submit(s: Session, fields: PduFields, msg: OutboundMessage, hooks: SendHooks | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const end = (reason: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        inFlight.delete(end);
        reject(
          new DeliveryError('unknown', `${reason}: it may or may not have been accepted, so it is not sent again`),
        );
      };
      const timer = setTimeout(() => end(`no submit_sm_resp within ${responseTimeoutMs} ms`), responseTimeoutMs);
      inFlight.add(end);
      const written = s.submit_sm(fields, (resp) => {
        const late = settled;
        settled = true;
        clearTimeout(timer);
        inFlight.delete(end);
        if (resp.command_status !== ESME_ROK) {
          const error = new DeliveryError(
            PERMANENT_STATUSES.has(resp.command_status) ? 'rejected' : 'retry',
            `the SMSC refused the message: ${statusName(resp.command_status)}`,
          );
          if (late)
            log.warn({ outboxId: msg.id, err: error.message }, 'smpp: a late refusal of a message left unknown');
          else reject(error);
          return;
        }
        const messageId = resp.message_id ?? '';
        // recorded at once, before any later PDU of this read is handled: a receipt right behind finds the row
        const recorded = hooks ? hooks.accepted(messageId) : Promise.resolve();
        recording.add(recorded);
        void recorded.catch(() => undefined).finally(() => recording.delete(recorded));
        if (late) {
          recorded.then(
            () =>
              log.info(
                { outboxId: msg.id, smscMessageId: messageId },
                'smpp: a late submit_sm_resp recorded the message as sent',
              ),
            (err: unknown) => log.error({ err, outboxId: msg.id }, 'smpp: could not record a late submit_sm_resp'),
          );
          return;
        }
        recorded.then(resolve, (err: unknown) =>
          reject(
            new DeliveryError(
              'unknown',
              `accepted by the SMSC as ${messageId} but not recorded (${err instanceof Error ? err.message : String(err)})`,
            ),
          ),
        );
      });
      if (!written) {
        settled = true;
        clearTimeout(timer);
        inFlight.delete(end);
        reject(new DeliveryError('retry', 'the SMSC connection closed before the submit'));
      }
    });
  }

  connect();

  return {
    get state() {
      return state;
    },
    whenBound,
    onReceipt(handler) {
      receiptHandler = handler;
    },
    async send(msg, hooks) {
      const destination = addressOf(msg.recipient);
      if (!destination || destination.ton === 0x05) {
        throw new DeliveryError('rejected', 'the recipient is not a phone number');
      }
      const s = await boundSession();
      const fields: PduFields = {
        source_addr: source.addr,
        source_addr_ton: source.ton,
        source_addr_npi: source.npi,
        destination_addr: destination.addr,
        dest_addr_ton: destination.ton,
        dest_addr_npi: destination.npi,
        registered_delivery: smpp.REGISTERED_DELIVERY.FINAL,
        ...textFields(msg.body),
      };
      await hooks?.beforeSubmit();
      // the marker's commit yields: the session may have gone meanwhile, and nothing has been written yet
      if (session !== s || state !== 'bound')
        throw new DeliveryError('retry', 'the SMSC connection closed before the submit');
      await submit(s, fields, msg, hooks);
    },
    async close() {
      if (reconnectTimer) clearTimeout(reconnectTimer);
      if (enquireTimer) clearTimeout(enquireTimer);
      const s = session;
      const wasBound = state === 'bound';
      setState('closed');
      for (const end of [...inFlight]) end('the SMPP adapter closed before the SMSC answered the submit');
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
    },
  };
}
