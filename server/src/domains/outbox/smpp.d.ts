/**
 * The parts of `smpp` 0.5.1 (no types of its own) that Valore uses: a client session (bind_transceiver, submit_sm,
 * enquire_link, unbind, deliver_sm in) and, for the tests, the server side. A CommonJS module: Node's ESM loader and
 * the bundle hand its `module.exports` over as the default import, so only the default export is a value here.
 */
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer, Socket } from 'node:net';

  /** A text the library encodes (GSM 03.38, Latin-1 or UCS-2, chosen from the text); decoded it comes back so too. */
  export interface SmppText {
    message: string | Buffer;
    udh?: Buffer[];
  }

  /** The PDU fields Valore reads or writes; the library fills the others with their defaults. */
  export interface PduFields {
    command_status?: number;
    sequence_number?: number;
    system_id?: string;
    password?: string;
    source_addr_ton?: number;
    source_addr_npi?: number;
    source_addr?: string;
    dest_addr_ton?: number;
    dest_addr_npi?: number;
    destination_addr?: string;
    esm_class?: number;
    registered_delivery?: number;
    /** null (the default) lets the library pick the coding that fits the text. */
    data_coding?: number | null;
    short_message?: string | Buffer | SmppText;
    message_id?: string;
    // TLVs
    message_payload?: string | Buffer | SmppText;
    receipted_message_id?: string;
    message_state?: number;
    /** 3 octets: network type, then the error code (big-endian). */
    network_error_code?: Buffer;
  }

  /** A decoded or outgoing PDU: the header and whichever fields its command carries. */
  export interface PDU extends PduFields {
    /** e.g. 'submit_sm', 'deliver_sm_resp'; 'unknown' for an id the library does not know. */
    command: string;
    command_id: number;
    command_status: number;
    sequence_number: number;
    isResponse(): boolean;
    /** The matching *_resp (or generic_nack) with this PDU's sequence number. */
    response(options?: PduFields): PDU;
  }

  export type ResponseCallback = (pdu: PDU) => void;
  type PduCommand = 'bind_transceiver' | 'submit_sm' | 'deliver_sm' | 'enquire_link' | 'unbind';

  export interface Session extends EventEmitter {
    readonly socket: Socket;
    /** Set on the sessions a Server accepted. */
    readonly server?: Server;
    /** Queues the PDU on the socket (a sequence number is assigned); false when the socket is no longer writable. */
    send(pdu: PDU, responseCallback?: ResponseCallback, sendCallback?: ResponseCallback): boolean;
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
    bind_transceiver(options: PduFields, responseCallback?: ResponseCallback): boolean;
    submit_sm(options: PduFields, responseCallback?: ResponseCallback): boolean;
    deliver_sm(options: PduFields, responseCallback?: ResponseCallback): boolean;
    enquire_link(responseCallback?: ResponseCallback): boolean;
    unbind(responseCallback?: ResponseCallback): boolean;

    on(event: PduCommand | 'pdu', listener: (pdu: PDU) => void): this;
    on(event: 'connect' | 'close', listener: () => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
    once(event: PduCommand | 'pdu', listener: (pdu: PDU) => void): this;
    once(event: 'connect' | 'close', listener: () => void): this;
    once(event: 'error', listener: (error: Error) => void): this;
  }

  export interface Server extends NetServer {
    /** The open sessions (removed when their socket closes). */
    readonly sessions: Session[];
  }

  interface Smpp {
    connect(options: { host: string; port: number }, listener?: () => void): Session;
    createServer(listener?: (session: Session) => void): Server;
    /** Command status names (ESME_ROK, ESME_RTHROTTLED, …) → their codes. */
    readonly errors: Readonly<Record<string, number>>;
    readonly ESM_CLASS: { readonly MC_DELIVERY_RECEIPT: 0x04 };
    readonly REGISTERED_DELIVERY: { readonly FINAL: 0x01 };
  }

  const smpp: Smpp;
  export default smpp;
}
