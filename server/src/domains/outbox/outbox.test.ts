import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorld, createSlot } from '../../testing/fixtures';
import { MovableClock } from '../../testing/movable-clock';
import { createTestDeps } from '../../testing/test-deps';
import { bookAppointment } from '../appointments/appointments.service';
import { createLogAdapter, createSmtpAdapter, type DeliveryAdapter, type OutboundMessage } from './delivery';
import { claimDueMessages, enqueueMessage, markSubmitting, MAX_ATTEMPTS } from './outbox.repository';
import { startOutboxWorker, type OutboxWorker } from './outbox.worker';

const workers: OutboxWorker[] = [];
const smtpServers: SMTPServer[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
  await Promise.all(smtpServers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

async function setup() {
  const clock = new MovableClock('2026-11-26T09:00:00Z');
  const { deps } = await createTestDeps({ clock });
  return { clock, deps };
}

/** Records what it is asked to send; fails the first `failures` calls. */
function recordingAdapter(failures = 0): DeliveryAdapter & { sent: OutboundMessage[]; calls: number } {
  const adapter = {
    sent: [] as OutboundMessage[],
    calls: 0,
    async send(msg: OutboundMessage) {
      adapter.calls++;
      if (adapter.calls <= failures) throw new Error(`gateway down (${adapter.calls})`);
      adapter.sent.push(msg);
    },
  };
  return adapter;
}

const sms = (recipient = '+393331112223') => ({
  channel: 'sms' as const,
  recipient,
  subject: null,
  body: 'Ciao',
  refType: null,
  refId: null,
});

describe('outbox delivery', () => {
  it('delivers due messages by channel and marks them sent', async () => {
    const { deps, clock } = await setup();
    await enqueueMessage(deps.db, sms(), clock.now());
    await enqueueMessage(deps.db, { ...sms('a@b.it'), channel: 'email', subject: 'Oggetto' }, clock.now());
    const smsAdapter = recordingAdapter();
    const emailAdapter = recordingAdapter();
    const worker = startOutboxWorker(deps, { sms: smsAdapter, email: emailAdapter }, { intervalMs: 60_000 });
    workers.push(worker);
    expect(await worker.drain()).toBe(2);
    expect(smsAdapter.sent.map((m) => m.recipient)).toEqual(['+393331112223']);
    expect(emailAdapter.sent.map((m) => m.subject)).toEqual(['Oggetto']);
    const rows = await deps.db.selectFrom('outbox').select(['status', 'attempts', 'sent_at']).execute();
    expect(rows).toEqual([
      { status: 'sent', attempts: 1, sent_at: '2026-11-26T09:00:00.000Z' },
      { status: 'sent', attempts: 1, sent_at: '2026-11-26T09:00:00.000Z' },
    ]);
    expect(await worker.drain()).toBe(0);
  });

  it('retries with exponential backoff (2, 4 minutes…) and gives up after five attempts', async () => {
    const { deps, clock } = await setup();
    const id = await enqueueMessage(deps.db, sms(), clock.now());
    const flaky = recordingAdapter(2);
    const worker = startOutboxWorker(deps, { sms: flaky, email: flaky }, { intervalMs: 60_000 });
    workers.push(worker);
    const row = () => deps.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

    expect(await worker.drain()).toBe(0);
    expect(await row()).toMatchObject({
      status: 'pending',
      attempts: 1,
      next_attempt_at: '2026-11-26T09:02:00.000Z',
      last_error: 'gateway down (1)',
    });
    clock.advance(60_000);
    expect(await worker.drain()).toBe(0); // not due yet
    expect(flaky.calls).toBe(1);
    clock.advance(60_000);
    expect(await worker.drain()).toBe(0);
    expect(await row()).toMatchObject({ status: 'pending', attempts: 2, next_attempt_at: '2026-11-26T09:06:00.000Z' });
    clock.set('2026-11-26T09:06:00Z');
    expect(await worker.drain()).toBe(1);
    expect(await row()).toMatchObject({ status: 'sent', attempts: 3, last_error: null });

    const doomed = await enqueueMessage(deps.db, sms('+390000000'), clock.now());
    const dead: DeliveryAdapter = { send: async () => Promise.reject(new Error('number unreachable')) };
    const worker2 = startOutboxWorker(deps, { sms: dead, email: dead }, { intervalMs: 60_000 });
    workers.push(worker2);
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      await worker2.drain();
      clock.advance(60 * 60_000);
    }
    const final = await deps.db.selectFrom('outbox').selectAll().where('id', '=', doomed).executeTakeFirstOrThrow();
    expect(final).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, last_error: 'number unreachable' });
    await worker2.drain();
    expect(
      (await deps.db.selectFrom('outbox').select('attempts').where('id', '=', doomed).executeTakeFirstOrThrow())
        .attempts,
    ).toBe(MAX_ATTEMPTS);
  });

  it('takes back messages left "sending" by a crashed worker once their lease is over', async () => {
    const { deps, clock } = await setup();
    await enqueueMessage(deps.db, sms(), clock.now());
    expect(await claimDueMessages(deps.db, clock.now(), 10)).toHaveLength(1); // …and the process dies
    const adapter = recordingAdapter();
    clock.advance(10 * 60_000);
    const worker = startOutboxWorker(deps, { sms: adapter, email: adapter }, { intervalMs: 60_000 });
    workers.push(worker);
    expect(await worker.drain()).toBe(1);
  });

  it('takes back the claims of a worker that stopped while this one runs, once their lease is over (several nodes)', async () => {
    const { deps, clock } = await setup();
    const adapter = recordingAdapter();
    const worker = startOutboxWorker(deps, { sms: adapter, email: adapter }, { intervalMs: 60_000 });
    workers.push(worker);
    await worker.drain();
    // another node claims two messages and dies: one before its submit, one after the submit went out
    const [free, submitted] = await Promise.all([
      enqueueMessage(deps.db, sms('+393330000001'), clock.now()),
      enqueueMessage(deps.db, sms('+393330000002'), clock.now()),
    ]);
    expect(await claimDueMessages(deps.db, clock.now(), 10)).toHaveLength(2);
    expect(await markSubmitting(deps.db, submitted, clock.now())).toBe(true);
    // within the lease they are the other node's: untouched
    clock.advance(2 * 60_000);
    expect(await worker.drain()).toBe(0);
    const statusOf = async (id: number) =>
      (await deps.db.selectFrom('outbox').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
    expect([await statusOf(free), await statusOf(submitted)]).toEqual(['sending', 'sending']);
    // past it: the one never submitted is sent by this node; the one that may have gone out is not sent again
    clock.advance(4 * 60_000);
    expect(await worker.drain()).toBe(1);
    expect(adapter.sent.map((m) => m.recipient)).toEqual(['+393330000001']);
    expect([await statusOf(free), await statusOf(submitted)]).toEqual(['sent', 'unknown']);
  });

  it('polls on its own timer', async () => {
    const { deps, clock } = await setup();
    const adapter = recordingAdapter();
    const worker = startOutboxWorker(deps, { sms: adapter, email: adapter }, { intervalMs: 10 });
    workers.push(worker);
    await enqueueMessage(deps.db, sms(), clock.now());
    await expect.poll(() => adapter.sent.length, { timeout: 2_000 }).toBe(1);
  });

  it('the log adapter writes the message with a masked recipient', async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: 'info' },
      new Writable({ write: (chunk: Buffer, _enc, cb) => (lines.push(chunk.toString()), cb()) }),
    );
    await createLogAdapter(logger).send({
      id: 7,
      channel: 'sms',
      recipient: '+393331112223',
      subject: null,
      body: 'Ciao Mario',
    });
    const entry = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(entry).toMatchObject({ outboxId: 7, channel: 'sms', to: '**********223', body: 'Ciao Mario' });
  });
});

interface Received {
  from: string;
  to: string[];
  raw: string;
}

async function startSmtpServer(): Promise<{ port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const from = session.envelope.mailFrom;
        received.push({
          from: from ? from.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  smtpServers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { port: (server.server.address() as AddressInfo).port, received };
}

/** Just enough MIME for the assertions: unfolded headers with encoded-words, and a QP/base64 text body. */
function parseMail(raw: string): { headers: Record<string, string>; body: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line
      .slice(colon + 1)
      .trim()
      .replace(/=\?utf-8\?([QB])\?([^?]*)\?=\s*/gi, (_m, enc: string, text: string) =>
        enc.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64').toString('utf8')
          : Buffer.from(
              text
                .replace(/_/g, ' ')
                .replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
              'latin1',
            ).toString('utf8'),
      );
  }
  let body = raw.slice(split + 4);
  const cte = headers['content-transfer-encoding']?.toLowerCase();
  if (cte === 'quoted-printable') {
    body = Buffer.from(
      body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
      'latin1',
    ).toString('utf8');
  } else if (cte === 'base64') {
    body = Buffer.from(body, 'base64').toString('utf8');
  }
  return { headers, body };
}

describe('SMTP adapter', () => {
  it('delivers an appointment confirmation to a real SMTP server through the worker', async () => {
    const { deps, clock } = await setup();
    const world = await createWorld(deps.db, clock.now());
    const slotId = await createSlot(deps.db, {
      postOfficeId: world.offices.romaEur,
      startsAt: '2026-12-02T14:00:00Z',
      capacity: 1,
    });
    await deps.db.transaction().execute((trx) =>
      bookAppointment(
        trx,
        {
          now: clock.now(),
          userId: world.users.operator.id,
          siteId: world.sites.roma,
          publicUrl: 'http://localhost:3000',
          ip: null,
        },
        {
          slotId,
          postOfficeId: world.offices.romaEur,
          customerId: world.customers.mario,
          productCode: 'PIANO_INV',
          interactionId: null,
        },
      ),
    );
    const smtp = await startSmtpServer();
    const smsAdapter = recordingAdapter();
    const worker = startOutboxWorker(
      deps,
      {
        sms: smsAdapter,
        email: createSmtpAdapter({ url: `smtp://127.0.0.1:${smtp.port}`, from: 'Valore <noreply@valore.example>' }),
      },
      { intervalMs: 60_000 },
    );
    workers.push(worker);
    expect(await worker.drain()).toBe(2);

    expect(smsAdapter.sent).toHaveLength(1);
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0];
    expect(mail?.to).toEqual(['mario.rossi@example.it']);
    expect(mail?.from).toBe('noreply@valore.example');
    const { headers, body } = parseMail(mail?.raw ?? '');
    expect(headers.subject).toBe(
      'Conferma appuntamento: Ufficio Postale Roma Eur, mercoledì 2 dicembre 2026 alle 15:00',
    );
    expect(body).toContain('Dove: Ufficio Postale Roma Eur, Viale Europa 175, Roma');
    expect(body).toContain('Quando: mercoledì 2 dicembre 2026 alle 15:00');
    expect(body).toContain('Piano di investimento');
    // the reminders of the evening before (outbox/scheduled.ts) wait for their time
    const rows = await deps.db
      .selectFrom('outbox')
      .select(['channel', 'status'])
      .where('status', '<>', 'pending')
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { channel: 'sms', status: 'sent' },
      { channel: 'email', status: 'sent' },
    ]);
  });

  it('leaves the e-mail pending for a retry when the SMTP server is unreachable', async () => {
    const { deps, clock } = await setup();
    const smtp = await startSmtpServer();
    const port = smtp.port;
    await new Promise<void>((resolve) => smtpServers.splice(0)[0]?.close(() => resolve()));
    await enqueueMessage(
      deps.db,
      { channel: 'email', recipient: 'a@b.it', subject: 'x', body: 'y', refType: null, refId: null },
      clock.now(),
    );
    const adapter = createSmtpAdapter({
      url: `smtp://127.0.0.1:${port}`,
      from: 'noreply@valore.example',
      timeoutMs: 2_000,
    });
    const worker = startOutboxWorker(deps, { sms: adapter, email: adapter }, { intervalMs: 60_000 });
    workers.push(worker);
    expect(await worker.drain()).toBe(0);
    const row = await deps.db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row.last_error).toBeTruthy();
  });
});
