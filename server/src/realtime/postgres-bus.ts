// The event bus across nodes on a PostgreSQL store (issue 21): what one node publishes reaches the subscribers of
// every node through LISTEN/NOTIFY, behind the same EventBus interface the in-process bus has, so no router changes.
// The publishing node delivers to its own subscribers at once (as the in-process bus does) and tells the others with
// a NOTIFY; a node skips the notifications it sent itself. docs/operations.md, "PostgreSQL".
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../logger';
import { createInProcessBus, type EventBus } from './event-bus';

export const BUS_CHANNEL = 'valore_bus';
/** PostgreSQL refuses a NOTIFY payload of 8,000 bytes or more. */
const MAX_PAYLOAD_BYTES = 7_900;
const RECONNECT_MS = 1_000;

interface Envelope {
  /** the node that published it */
  n: string;
  t: string;
  e: unknown;
}

export interface PostgresBus extends EventBus {
  /** Resolves once this node listens (events other nodes publish from then on reach it). */
  ready: Promise<void>;
  close(): Promise<void>;
}

export function createPostgresBus(url: string, logger: Logger): PostgresBus {
  const node = randomUUID();
  const local = createInProcessBus();
  const publisher = new pg.Pool({ connectionString: url, max: 2 });
  publisher.on('error', () => {});
  let listener: pg.Client | null = null;
  let closed = false;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const listen = async (): Promise<void> => {
    if (closed) return;
    const client = new pg.Client({ connectionString: url });
    const retry = () => {
      if (listener !== client) return;
      listener = null;
      client.end().catch(() => undefined);
      if (!closed) setTimeout(() => void listen(), RECONNECT_MS).unref();
    };
    listener = client;
    client.on('error', (err) => {
      logger.warn({ err }, 'event bus: listening connection lost, reconnecting');
      retry();
    });
    client.on('end', retry);
    client.on('notification', (message) => {
      if (message.channel !== BUS_CHANNEL || !message.payload) return;
      let envelope: Envelope;
      try {
        envelope = JSON.parse(message.payload) as Envelope;
      } catch {
        return;
      }
      if (envelope.n === node) return;
      local.publish(envelope.t, envelope.e);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${BUS_CHANNEL}`);
      markReady();
    } catch (err) {
      logger.warn({ err }, 'event bus: cannot listen yet, retrying');
      retry();
    }
  };
  void listen();

  return {
    ready,
    publish(topic, event) {
      local.publish(topic, event);
      const payload = JSON.stringify({ n: node, t: topic, e: event } satisfies Envelope);
      if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) {
        logger.error({ topic, bytes: Buffer.byteLength(payload) }, 'event bus: event too large for other nodes');
        return;
      }
      publisher
        .query('SELECT pg_notify($1, $2)', [BUS_CHANNEL, payload])
        .catch((err: unknown) => logger.error({ err, topic }, 'event bus: not sent to other nodes'));
    },
    subscribe: (topic, handler) => local.subscribe(topic, handler),
    async close() {
      closed = true;
      const client = listener;
      listener = null;
      await client?.end().catch(() => undefined);
      await publisher.end();
    },
  };
}
