import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type OpenedDatabase } from '../../db/client';
import { migrateToLatest } from '../../db/migrator';
import type { AppDeps } from '../../deps';
import { createLogger } from '../../logger';
import { MovableClock } from '../../testing/movable-clock';
import { createTestDeps } from '../../testing/test-deps';
import type { DeliveryAdapter } from './delivery';
import {
  claimDueMessages,
  enqueueMessage,
  INTERRUPTED_SUBMIT,
  markAccepted,
  markSubmitting,
  type NewOutboxMessage,
} from './outbox.repository';
import { startOutboxWorker, type OutboxWorker } from './outbox.worker';
import {
  addressOf,
  createSmppAdapter,
  parseDeliveryReceipt,
  textFields,
  type SmppAdapter,
  type SmppAdapterOptions,
} from './smpp-adapter';
import { startTestSmsc, type TestSmsc } from './test-smsc';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const silent = createLogger('silent');
const noEmail: DeliveryAdapter = { send: () => Promise.reject(new Error('no e-mail in these tests')) };

async function smscUp(): Promise<TestSmsc> {
  const smsc = await startTestSmsc({ systemId: 'valore', password: 'secret' });
  cleanups.push(() => smsc.stop());
  return smsc;
}

async function adapterFor(smsc: TestSmsc, opts: Partial<SmppAdapterOptions> = {}): Promise<SmppAdapter> {
  const adapter = createSmppAdapter({
    host: '127.0.0.1',
    port: smsc.port,
    systemId: 'valore',
    password: 'secret',
    sourceAddr: 'Valore',
    logger: silent,
    reconnectMinMs: 50,
    reconnectMaxMs: 200,
    ...opts,
  });
  cleanups.push(() => adapter.close?.() ?? Promise.resolve());
  expect(await adapter.whenBound(5_000)).toBe(true);
  return adapter;
}

function workerFor(deps: Pick<AppDeps, 'db' | 'logger' | 'clock'>, sms: DeliveryAdapter): OutboxWorker {
  const worker = startOutboxWorker(deps, { sms, email: noEmail }, { intervalMs: 60_000 });
  // the worker closes its adapters when it stops; the adapter's own cleanup then finds it closed
  cleanups.push(() => worker.stop());
  return worker;
}

async function setup() {
  const clock = new MovableClock('2026-12-02T09:00:00Z');
  const { deps } = await createTestDeps({ clock });
  return { clock, deps, row: (id: number) => rowOf(deps, id) };
}

function rowOf(deps: Pick<AppDeps, 'db'>, id: number) {
  return deps.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

const sms = (recipient: string, body = 'Ciao'): NewOutboxMessage => ({
  channel: 'sms',
  recipient,
  subject: null,
  body,
  refType: null,
  refId: null,
});

describe('SMS over SMPP, against a local SMSC', () => {
  it('binds as a transceiver and submits text, destination and sender with a receipt request; keeps the SMSC id', async () => {
    const { deps, clock, row } = await setup();
    const smsc = await smscUp();
    const worker = workerFor(deps, await adapterFor(smsc));
    const gsm = 'Appuntamento confermato: mercoledì 2 dicembre alle 15:00, Ufficio Postale Roma Eur. Costo 0 €';
    const unicode = 'Grazie Zoë — a presto 🙂';
    const long = `Promemoria: ${'domani alle 15:00 presso Ufficio Postale Roma Eur. '.repeat(5)}`;
    const a = await enqueueMessage(deps.db, sms('+39 333 111 2223', gsm), clock.now());
    const b = await enqueueMessage(deps.db, sms('3331112224', unicode), clock.now());
    const c = await enqueueMessage(deps.db, sms('+393331112225', long), clock.now());

    expect(await worker.drain()).toBe(3);
    expect(smsc.binds).toEqual([{ systemId: 'valore', password: 'secret' }]);
    expect(smsc.submitted).toEqual([
      {
        messageId: 'smsc-1',
        source: 'Valore',
        sourceTon: 5,
        destination: '393331112223',
        destinationTon: 1,
        text: gsm,
        dataCoding: 0,
        registeredDelivery: 1,
        payload: false,
      },
      {
        messageId: 'smsc-2',
        source: 'Valore',
        sourceTon: 5,
        destination: '3331112224',
        destinationTon: 0,
        text: unicode,
        dataCoding: 8,
        registeredDelivery: 1,
        payload: false,
      },
      expect.objectContaining({ messageId: 'smsc-3', text: long, dataCoding: 0, payload: true }),
    ]);
    expect(await row(a)).toMatchObject({
      status: 'sent',
      attempts: 1,
      smsc_message_id: 'smsc-1',
      sent_at: '2026-12-02T09:00:00.000Z',
      submit_started_at: '2026-12-02T09:00:00.000Z',
      last_error: null,
    });
    expect((await row(b)).smsc_message_id).toBe('smsc-2');
    expect((await row(c)).smsc_message_id).toBe('smsc-3');
    expect(await worker.drain()).toBe(0);
    expect(smsc.submitted).toHaveLength(3);
  });

  it('records delivery receipts: delivered from the receipt text, failed from the TLVs, each once', async () => {
    const { deps, clock, row } = await setup();
    const smsc = await smscUp();
    const worker = workerFor(deps, await adapterFor(smsc));
    const ok = await enqueueMessage(deps.db, sms('+393331112223'), clock.now());
    const ko = await enqueueMessage(deps.db, sms('+393331112224'), clock.now());
    const later = await enqueueMessage(deps.db, sms('+393331112225'), clock.now());
    expect(await worker.drain()).toBe(3);
    clock.advance(30_000);

    expect(await smsc.sendReceipt('smsc-1', 'DELIVRD')).toBe(0);
    expect(await row(ok)).toMatchObject({
      status: 'delivered',
      receipt_stat: 'DELIVRD',
      receipt_at: '2026-12-02T09:00:30.000Z',
      last_error: null,
    });

    expect(await smsc.sendReceipt('smsc-2', 'UNDELIV', { tlv: true })).toBe(0);
    const failed = await row(ko);
    expect(failed).toMatchObject({ status: 'failed', receipt_stat: 'UNDELIV' });
    expect(failed.last_error).toMatch(/UNDELIV/);

    // an intermediate state changes nothing; a repeated or late receipt neither (still acknowledged)
    expect(await smsc.sendReceipt('smsc-3', 'ENROUTE')).toBe(0);
    expect((await row(later)).status).toBe('sent');
    expect(await smsc.sendReceipt('smsc-2', 'DELIVRD')).toBe(0);
    expect((await row(ko)).status).toBe('failed');
    expect(await smsc.sendReceipt('no-such-id', 'DELIVRD')).toBe(0);
    expect(await smsc.sendReceipt('smsc-3', 'EXPIRED', { err: '027' })).toBe(0);
    expect(await row(later)).toMatchObject({ status: 'failed', last_error: 'The SMSC reported EXPIRED (error 027).' });
  });

  it('a receipt right behind its submit_sm_resp still finds the message', async () => {
    const { deps, clock, row } = await setup();
    const smsc = await smscUp();
    smsc.answer = () => ({ kind: 'accept', receipt: 'DELIVRD' });
    const worker = workerFor(deps, await adapterFor(smsc));
    const ids = await Promise.all([1, 2, 3].map((n) => enqueueMessage(deps.db, sms(`+39333111222${n}`), clock.now())));
    expect(await worker.drain()).toBe(3);
    for (const id of ids) await expect.poll(async () => (await row(id)).status).toBe('delivered');
  });

  it('retries a throttled submit with the outbox backoff and fails an invalid number at once', async () => {
    const { deps, clock, row } = await setup();
    const smsc = await smscUp();
    let throttled = 1;
    smsc.answer = (s) =>
      s.destination === '393331112299'
        ? { kind: 'refuse', status: 0x0b } // ESME_RINVDSTADR
        : throttled-- > 0
          ? { kind: 'refuse', status: 0x58 } // ESME_RTHROTTLED
          : { kind: 'accept' };
    const worker = workerFor(deps, await adapterFor(smsc));
    const id = await enqueueMessage(deps.db, sms('+393331112223'), clock.now());
    const bad = await enqueueMessage(deps.db, sms('+393331112299'), clock.now());
    const notANumber = await enqueueMessage(deps.db, sms('Mario'), clock.now());

    expect(await worker.drain()).toBe(0);
    expect(await row(id)).toMatchObject({
      status: 'pending',
      attempts: 1,
      next_attempt_at: '2026-12-02T09:02:00.000Z',
      submit_started_at: null,
      smsc_message_id: null,
    });
    expect((await row(id)).last_error).toMatch(/ESME_RTHROTTLED/);
    expect(await row(bad)).toMatchObject({ status: 'failed', attempts: 1 });
    expect((await row(bad)).last_error).toMatch(/ESME_RINVDSTADR/);
    expect(await row(notANumber)).toMatchObject({
      status: 'failed',
      last_error: 'the recipient is not a phone number',
    });

    clock.advance(2 * 60_000);
    expect(await worker.drain()).toBe(1);
    expect(await row(id)).toMatchObject({ status: 'sent', attempts: 2, smsc_message_id: 'smsc-3', last_error: null });
    expect(smsc.submitted.map((s) => s.destination)).toEqual(['393331112223', '393331112299', '393331112223']);
  });

  it('binds again after the SMSC drops the session, and after a restart; messages queued meanwhile go out', async () => {
    const { deps, clock, row } = await setup();
    const smsc = await smscUp();
    const adapter = await adapterFor(smsc);
    const worker = workerFor(deps, adapter);

    smsc.dropSessions();
    await expect.poll(() => smsc.binds.length).toBe(2);
    expect(await adapter.whenBound(5_000)).toBe(true);
    const first = await enqueueMessage(deps.db, sms('+393331112223'), clock.now());
    expect(await worker.drain()).toBe(1);

    await smsc.stop();
    await expect.poll(() => adapter.state).not.toBe('bound');
    const queued = [
      await enqueueMessage(deps.db, sms('+393331112224'), clock.now()),
      await enqueueMessage(deps.db, sms('+393331112225'), clock.now()),
    ];
    expect(await worker.drain()).toBe(0);
    for (const id of queued) {
      expect(await row(id)).toMatchObject({ status: 'pending', attempts: 1, submit_started_at: null });
      expect((await row(id)).last_error).toMatch(/not connected to the SMSC/);
    }

    await smsc.start();
    expect(await adapter.whenBound(5_000)).toBe(true);
    clock.advance(2 * 60_000);
    expect(await worker.drain()).toBe(2);
    expect(smsc.submitted.map((s) => s.destination)).toEqual(['393331112223', '393331112224', '393331112225']);
    expect((await row(first)).status).toBe('sent');
    for (const id of queued) expect((await row(id)).status).toBe('sent');
  });

  it('finds a dead link with enquire_link and binds again', async () => {
    const smsc = await smscUp();
    const adapter = await adapterFor(smsc, { enquireLinkMs: 100, responseTimeoutMs: 200 });
    smsc.muteEnquireLink = true;
    await expect.poll(() => smsc.binds.length, { timeout: 3_000 }).toBeGreaterThanOrEqual(2);
    smsc.muteEnquireLink = false;
    expect(await adapter.whenBound(3_000)).toBe(true);
    // and the rebound session keeps being checked without dropping a live link
    const binds = smsc.binds.length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(smsc.binds.length).toBe(binds);
    expect(adapter.state).toBe('bound');
  });

  it('leaves a submit whose answer never comes unknown, never resends it, and records a late answer', async () => {
    const { deps, clock, row } = await setup();
    const smsc = await smscUp();
    smsc.answer = () => ({ kind: 'hold' });
    const worker = workerFor(deps, await adapterFor(smsc, { responseTimeoutMs: 300 }));
    const id = await enqueueMessage(deps.db, sms('+393331112223'), clock.now());

    expect(await worker.drain()).toBe(0);
    const unknown = await row(id);
    expect(unknown).toMatchObject({ status: 'unknown', attempts: 1, smsc_message_id: null });
    expect(unknown.last_error).toMatch(/no submit_sm_resp within 300 ms.*not sent again/);
    clock.advance(24 * 3_600_000);
    expect(await worker.drain()).toBe(0);
    expect(smsc.submitted).toHaveLength(1);

    smsc.releaseHeld();
    await expect.poll(async () => (await row(id)).status).toBe('sent');
    expect(await row(id)).toMatchObject({ smsc_message_id: 'smsc-1', attempts: 1, last_error: null });
  });

  it('leaves a submit unknown when the SMSC connection closes before the answer', async () => {
    const { deps, clock, row } = await setup();
    const smsc = await smscUp();
    smsc.answer = () => ({ kind: 'hold' });
    const worker = workerFor(deps, await adapterFor(smsc));
    const id = await enqueueMessage(deps.db, sms('+393331112223'), clock.now());
    const drained = worker.drain();
    await expect.poll(() => smsc.submitted.length).toBe(1);
    smsc.dropSessions();
    expect(await drained).toBe(0);
    const unknown = await row(id);
    expect(unknown.status).toBe('unknown');
    expect(unknown.last_error).toMatch(/closed before it answered/);
  });

  it('logs in again with backoff while the SMSC refuses the bind', async () => {
    const smsc = await smscUp();
    const adapter = createSmppAdapter({
      host: '127.0.0.1',
      port: smsc.port,
      systemId: 'valore',
      password: 'wrong',
      sourceAddr: 'Valore',
      logger: silent,
      reconnectMinMs: 20,
      reconnectMaxMs: 40,
    });
    cleanups.push(() => adapter.close?.() ?? Promise.resolve());
    await expect.poll(() => smsc.binds.length).toBeGreaterThanOrEqual(3);
    expect(adapter.state).not.toBe('bound');
    await expect(
      adapter.send({ id: 1, channel: 'sms', recipient: '+393331112223', subject: null, body: 'x' }),
    ).rejects.toThrow(/not connected to the SMSC: the SMSC refused the bind: ESME_RINVPASWD/);
    expect(smsc.submitted).toHaveLength(0);
  });
});

describe('no double send across a crash', () => {
  it('a fresh worker on the same database never resubmits a recorded or possibly-sent SMS', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'valore-smpp-'));
    cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'valore.sqlite');
    const clock = new MovableClock('2026-12-02T09:00:00Z');
    const open = async (): Promise<OpenedDatabase> => {
      const database = openDatabase(file);
      await migrateToLatest(database.db);
      return database;
    };
    const smsc = await smscUp();

    // the first life of the server: one SMS goes out normally, then the process dies at the worst moments for two
    // more (what the worker and adapter would have written, written here): B's submit has gone on the wire and its
    // answer was never recorded; C was claimed and never submitted
    const before = await open();
    const deps1 = { db: before.db, logger: silent, clock };
    const a = await enqueueMessage(before.db, sms('+393331110001'), clock.now());
    const worker1 = startOutboxWorker(deps1, { sms: await adapterFor(smsc), email: noEmail }, { intervalMs: 60_000 });
    expect(await worker1.drain()).toBe(1);
    await worker1.stop();
    const b = await enqueueMessage(before.db, sms('+393331110002'), clock.now());
    const c = await enqueueMessage(before.db, sms('+393331110003'), clock.now());
    expect((await claimDueMessages(before.db, clock.now(), 10)).map((r) => r.id)).toEqual([b, c]);
    expect(await markSubmitting(before.db, b, clock.now())).toBe(true);
    before.sqlite.close(); // the crash: no more writes from that process

    // the restart
    clock.advance(60_000);
    const after = await open();
    cleanups.push(() => after.close());
    const deps2 = { db: after.db, logger: silent, clock };
    const worker2 = workerFor(deps2, await adapterFor(smsc));
    expect(await worker2.drain()).toBe(0);
    expect(await rowOf(deps2, a)).toMatchObject({ status: 'sent', smsc_message_id: 'smsc-1' });
    expect(await rowOf(deps2, b)).toMatchObject({ status: 'unknown', attempts: 1, last_error: INTERRUPTED_SUBMIT });
    expect((await rowOf(deps2, c)).status).toBe('sending');

    // C's claim runs out after the lease and it goes out once; A and B never again
    clock.advance(5 * 60_000);
    const restarted = workerFor(deps2, await adapterFor(smsc));
    expect(await restarted.drain()).toBe(1);
    clock.advance(60 * 60_000);
    expect(await restarted.drain()).toBe(0);
    expect(smsc.submitted.map((s) => s.destination)).toEqual(['393331110001', '393331110003']);
    expect(await rowOf(deps2, c)).toMatchObject({ status: 'sent', smsc_message_id: 'smsc-2' });

    // had B's answer come after all (a late submit_sm_resp), it would still be recorded
    expect(await markAccepted(after.db, b, 'smsc-late', clock.now())).toBe(true);
    expect(await rowOf(deps2, b)).toMatchObject({ status: 'sent', smsc_message_id: 'smsc-late', attempts: 1 });
  });
});

describe('SMPP pieces', () => {
  it('reads receipts from the text or the TLVs', () => {
    expect(
      parseDeliveryReceipt({
        short_message: {
          message:
            'id:7f3a sub:001 dlvrd:001 submit date:2612020900 done date:2612020901 stat:DELIVRD err:000 text:Ciao',
        },
      }),
    ).toEqual({ gatewayMessageId: '7f3a', outcome: 'delivered', stat: 'DELIVRD', error: null });
    expect(
      parseDeliveryReceipt({
        short_message: '',
        receipted_message_id: 'abc',
        message_state: 8,
        network_error_code: Buffer.from([3, 0, 11]),
      }),
    ).toEqual({
      gatewayMessageId: 'abc',
      outcome: 'failed',
      stat: 'REJECTD',
      error: 'The SMSC reported REJECTD (network error 3/11).',
    });
    expect(parseDeliveryReceipt({ short_message: 'id:1 stat:ACCEPTD' })).toEqual({
      gatewayMessageId: '1',
      outcome: 'intermediate',
      stat: 'ACCEPTD',
    });
    expect(parseDeliveryReceipt({ short_message: 'hello' })).toBeNull();
  });

  it('picks the alphabet and the field for the text', () => {
    expect(textFields('a'.repeat(160))).toEqual({ data_coding: 0, short_message: 'a'.repeat(160) });
    expect(textFields(`${'a'.repeat(159)}€`)).toMatchObject({
      short_message: '',
      message_payload: `${'a'.repeat(159)}€`,
    });
    expect(textFields('ü'.repeat(71))).toMatchObject({ data_coding: 0 }); // ü is in the GSM alphabet
    expect(textFields('ś'.repeat(70))).toEqual({ data_coding: 8, short_message: 'ś'.repeat(70) });
    expect(textFields('ś'.repeat(71))).toMatchObject({ data_coding: 8, message_payload: 'ś'.repeat(71) });
  });

  it('tells international numbers, national numbers and alphanumeric senders apart', () => {
    expect(addressOf('+39 333-111 2223')).toEqual({ addr: '393331112223', ton: 1, npi: 1 });
    expect(addressOf('3331112223')).toEqual({ addr: '3331112223', ton: 0, npi: 1 });
    expect(addressOf('Valore')).toEqual({ addr: 'Valore', ton: 5, npi: 0 });
    expect(addressOf('not a number at all')).toBeNull();
  });
});
