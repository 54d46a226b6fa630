import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moveAppointment } from '@valore/server/domains/appointments/appointment-changes';
import { MovableClock } from '@valore/server/testing/movable-clock';
import { inboundSale } from '@valore/server/testing/completions';
import type { ConversionOutput } from '@valore/shared/schemas/stats';
import { addDays, romeParts, romeToUtc } from '@valore/shared/time/rome-time';
import { createApiClient, trpcError, type ApiClient } from '../helpers/api-client';
import { startTestServer, TEST_INTAKE_KEY, type TestServer } from '../helpers/server';
import { anyArray, containing } from '@valore/server/testing/matchers';

/**
 * The post office's attendance report and what it sets off, over a real server: the key scheme, validation,
 * idempotent replays, the value realised exactly once, a no-show's one reschedule callback on the SLA board; and
 * the seat and reminder bookkeeping of cancelling and moving.
 */

const ATTENDANCE_KEY = 'test-attendance-key';
const MINUTE = 60_000;
const DAY = 86_400_000;

let server: TestServer;
let clock: MovableClock;
let operator: ApiClient;
let teamLead: ApiClient;
const db = () => server.database.db;

beforeAll(async () => {
  clock = new MovableClock(new Date());
  server = await startTestServer({ clock, env: { VALORE_ATTENDANCE_KEYS: `other-key, ${ATTENDANCE_KEY}` } });
  operator = createApiClient(server.url);
  teamLead = createApiClient(server.url);
  await Promise.all([operator.login('operatore1'), teamLead.login('teamlead1')]);
});
afterAll(async () => {
  await server?.close();
});

function report(id: number | string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${server.url}/api/v1/appointments/${id}/attendance`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ATTENDANCE_KEY}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

let officeId = 0;
async function newSlot(startsAt: Date, capacity = 2): Promise<number> {
  if (officeId === 0) {
    officeId = (await db().selectFrom('post_offices').select('id').orderBy('id').executeTakeFirstOrThrow()).id;
  }
  const row = await db()
    .insertInto('appointment_slots')
    .values({
      post_office_id: officeId,
      starts_at: startsAt.toISOString(),
      ends_at: new Date(startsAt.getTime() + 30 * MINUTE).toISOString(),
      capacity,
      booked: 0,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const usedCustomers = new Set<number>();
async function consentingCustomer(): Promise<number> {
  const rows = await db()
    .selectFrom('customers as c')
    .innerJoin('consents as k', 'k.customer_id', 'c.id')
    .select('c.id')
    .where('k.purpose', '=', 'marketing')
    .where('k.granted', '=', 1)
    .where('c.email', 'is not', null)
    // who holds no product: a product a customer holds is never proposed to them
    .where((eb) =>
      eb.not(
        eb.exists(
          eb.selectFrom('customer_products as p').select('p.product_code').whereRef('p.customer_id', '=', 'c.id'),
        ),
      ),
    )
    .orderBy('c.id', 'desc')
    .limit(400)
    .execute();
  for (const { id } of rows) {
    const latest = await db()
      .selectFrom('consents')
      .select('granted')
      .where('customer_id', '=', id)
      .where('purpose', '=', 'marketing')
      .orderBy('recorded_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    if (latest?.granted === 1 && !usedCustomers.has(id)) {
      usedCustomers.add(id);
      return id;
    }
  }
  throw new Error('no consenting customer left');
}

/** The operator books the slot on an inbound sales call (so attendance has a contact to realise). */
async function book(slotId: number): Promise<{ appointmentId: number; customerId: number }> {
  const customerId = await consentingCustomer();
  const result = await operator.trpc.interactions.complete.mutate(
    inboundSale(
      customerId,
      { postOfficeId: officeId, slotId },
      { startMs: clock.now().getTime() - 5 * MINUTE, stepMs: 5_000, handleMs: 200_000, acwMs: 10_000 },
    ),
  );
  const appointmentId = result.effects.appointment?.id;
  if (!appointmentId) throw new Error('no appointment booked');
  return { appointmentId, customerId };
}

const seats = async (slotId: number) =>
  (await db().selectFrom('appointment_slots').select('booked').where('id', '=', slotId).executeTakeFirstOrThrow())
    .booked;

async function attendedToday(): Promise<number> {
  const now = clock.now().getTime();
  const stats: ConversionOutput = await teamLead.trpc.stats.conversion.query({
    from: new Date(now - DAY).toISOString(),
    to: new Date(now + DAY).toISOString(),
    groupBy: [],
  });
  return stats.total.counts.appointmentsAttended;
}

describe('POST /api/v1/appointments/:id/attendance', () => {
  // booked now for a slot that starts in 10 minutes; the report comes an hour later
  let attended: { appointmentId: number; customerId: number };
  let missed: { appointmentId: number; customerId: number };
  let slotStartsAt = new Date();

  beforeAll(async () => {
    slotStartsAt = new Date(clock.now().getTime() + 10 * MINUTE);
    const slot = await newSlot(slotStartsAt);
    attended = await book(slot);
    missed = await book(slot);
    clock.advance(60 * MINUTE);
    await Promise.all([operator.login('operatore1'), teamLead.login('teamlead1')]);
  });

  it('refuses a request without a key, with an unknown key and with an intake key (401)', async () => {
    for (const authorization of [undefined, 'Bearer nope', `Bearer ${TEST_INTAKE_KEY}`, ATTENDANCE_KEY]) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (authorization) headers.authorization = authorization;
      const res = await fetch(`${server.url}/api/v1/appointments/${attended.appointmentId}/attendance`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ status: 'attended' }),
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
      expect(await res.json()).toMatchObject({
        error: { code: 'UNAUTHORIZED', message: containing('attendance') },
      });
    }
    const row = await db()
      .selectFrom('appointments')
      .select('status')
      .where('id', '=', attended.appointmentId)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('booked');
  });

  it('answers 400 with the fields at fault, and 404 for an unknown appointment', async () => {
    const bad = await report(attended.appointmentId, { status: 'maybe', extra: 1 });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { code: string; fields: Record<string, string[]> } };
    expect(body.error.code).toBe('BAD_REQUEST');
    expect(Object.keys(body.error.fields).sort()).toEqual(['extra', 'status']);

    const badId = await report('abc', { status: 'attended' });
    expect(badId.status).toBe(400);
    expect(await badId.json()).toMatchObject({ error: { fields: { id: anyArray() } } });
    expect((await report(attended.appointmentId, '[1,2')).status).toBe(400);
    expect((await report(attended.appointmentId, ['attended'])).status).toBe(400);

    const unknown = await report(987_654_321, { status: 'attended' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({
      error: { code: 'NOT_FOUND', message: containing('987654321') },
    });
  });

  it('records attendance (200), realises the appointment once, replays an Idempotency-Key and refuses it for another body', async () => {
    const before = await attendedToday();
    const key = randomUUID();
    const first = await report(attended.appointmentId, { status: 'attended' }, { 'idempotency-key': key });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ id: attended.appointmentId, status: 'attended' });
    expect(await attendedToday()).toBe(before + 1);

    const replay = await report(attended.appointmentId, { status: 'attended' }, { 'idempotency-key': key });
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.json()).toEqual({ id: attended.appointmentId, status: 'attended' });

    // the branch sends the same news again under a new key: nothing changes
    const again = await report(attended.appointmentId, { status: 'attended' }, { 'idempotency-key': randomUUID() });
    expect(again.status).toBe(200);
    expect(await attendedToday()).toBe(before + 1);

    const mismatch = await report(attended.appointmentId, { status: 'no_show' }, { 'idempotency-key': key });
    expect(mismatch.status).toBe(409);
    expect(await mismatch.json()).toMatchObject({ error: { code: 'CONFLICT' } });
    const audits = await db()
      .selectFrom('audit_log')
      .select('action')
      .where('entity_type', '=', 'appointment')
      .where('entity_id', '=', String(attended.appointmentId))
      .where('action', '=', 'appointment.attended')
      .execute();
    expect(audits).toHaveLength(1);
  });

  it('a no-show creates exactly one reschedule callback for the booking operator, shown on the SLA board', async () => {
    const res = await report(missed.appointmentId, { status: 'no_show' }, { 'idempotency-key': randomUUID() });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: missed.appointmentId, status: 'no_show' });
    expect((await report(missed.appointmentId, { status: 'no_show' })).status).toBe(200);

    const rows = await db()
      .selectFrom('callback_requests')
      .selectAll()
      .where('appointment_id', '=', missed.appointmentId)
      .execute();
    expect(rows).toHaveLength(1);
    const me = await db()
      .selectFrom('users')
      .select(['id', 'site_id'])
      .where('username', '=', 'operatore1')
      .executeTakeFirstOrThrow();
    expect(rows[0]).toMatchObject({
      origin: 'reschedule',
      flow: 'callback',
      status: 'pending',
      owner_id: me.id,
      site_id: me.site_id,
      customer_id: missed.customerId,
    });
    expect(Date.parse(rows[0]?.due_at ?? '')).toBeGreaterThanOrEqual(clock.now().getTime() + 60 * MINUTE);

    const board = await teamLead.trpc.callbacks.board.query({ limit: 500 });
    const reschedules = board.items.filter((i) => i.origin === 'reschedule' && i.customerId === missed.customerId);
    expect(reschedules).toHaveLength(1);
    expect(reschedules[0]).toMatchObject({ id: rows[0]?.id, owner: { userId: me.id } });

    // the team lead's view of the appointment's day (not the clock's: an hour later may be the next day in Rome)
    const day = romeParts(slotStartsAt).date;
    const view = await teamLead.trpc.appointments.siteAppointments.query({ day });
    expect(view.appointments.find((a) => a.id === missed.appointmentId)).toMatchObject({
      status: 'no_show',
      reschedule: { id: rows[0]?.id, status: 'pending' },
    });
  });

  it('a correction away from attended takes the realisation back (one rule for the screen and the API)', async () => {
    const before = await attendedToday();
    await teamLead.trpc.appointments.setStatus.mutate({
      appointmentId: attended.appointmentId,
      status: 'no_show',
      requestId: randomUUID(),
    });
    expect(await attendedToday()).toBe(before - 1);
    const res = await report(attended.appointmentId, { status: 'attended' });
    expect(res.status).toBe(200);
    expect(await attendedToday()).toBe(before);
    // the reschedule the correction created was withdrawn again
    const open = await db()
      .selectFrom('callback_requests')
      .select('status')
      .where('appointment_id', '=', attended.appointmentId)
      .execute();
    expect(open.map((r) => r.status)).toEqual(['cancelled']);
  });
});

describe('cancelling and moving', () => {
  it('cancelling frees the seat and withdraws the reminder scheduled for the evening before', async () => {
    const startsAt = new Date(clock.now().getTime() + 3 * DAY);
    const slot = await newSlot(startsAt, 1);
    const { appointmentId } = await book(slot);
    expect(await seats(slot)).toBe(1);
    const reminders = () =>
      db()
        .selectFrom('outbox')
        .select(['channel', 'next_attempt_at', 'status', 'body'])
        .where('ref_type', '=', 'appointment_reminder')
        .where('ref_id', '=', String(appointmentId))
        .orderBy('id')
        .execute();
    const eveningBefore = romeToUtc(addDays(romeParts(startsAt).date, -1), 18 * 60).toISOString();
    const queued = await reminders();
    expect(queued.map((r) => [r.channel, r.next_attempt_at, r.status])).toEqual([
      ['sms', eveningBefore, 'pending'],
      ['email', eveningBefore, 'pending'],
    ]);
    expect(queued[0]?.body).toContain('le ricordiamo');

    await teamLead.trpc.appointments.setStatus.mutate({ appointmentId, status: 'cancelled', requestId: randomUUID() });
    expect(await seats(slot)).toBe(0);
    expect(await reminders()).toEqual([]);
    // a cancelled appointment cannot come back: its seat may be someone else's by now
    const refused = await trpcError(
      teamLead.trpc.appointments.setStatus.mutate({ appointmentId, status: 'booked', requestId: randomUUID() }),
    );
    expect(refused.data?.code).toBe('CONFLICT');
    const attendance = await report(appointmentId, { status: 'attended' });
    expect(attendance.status).toBe(409);
    expect(await seats(slot)).toBe(0);
  });

  it('two moves racing for the last seat: one wins, the slot is never overbooked, the old seats are given back', async () => {
    const from = await newSlot(new Date(clock.now().getTime() + 2 * DAY), 2);
    const last = await newSlot(new Date(clock.now().getTime() + 4 * DAY), 1);
    const a = await book(from);
    const b = await book(from);
    expect(await seats(from)).toBe(2);
    const now = clock.now();
    const move = (appointmentId: number) =>
      db()
        .transaction()
        .execute((trx) =>
          moveAppointment(trx, { appointmentId, slotId: last, now, userId: null, by: 'customer', ip: null }),
        );
    const results = await Promise.allSettled([move(a.appointmentId), move(b.appointmentId)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await seats(last)).toBe(1);
    expect(await seats(from)).toBe(1);
    const onLast = await db().selectFrom('appointments').select('id').where('slot_id', '=', last).execute();
    expect(onLast).toHaveLength(1);
    // the winner's reminder followed it to the new day
    const winner = onLast[0]?.id ?? 0;
    const reminder = await db()
      .selectFrom('outbox')
      .select('next_attempt_at')
      .where('ref_type', '=', 'appointment_reminder')
      .where('ref_id', '=', String(winner))
      .execute();
    const lastStart = new Date(clock.now().getTime() + 4 * DAY);
    expect(new Set(reminder.map((r) => r.next_attempt_at))).toEqual(
      new Set([romeToUtc(addDays(romeParts(lastStart).date, -1), 18 * 60).toISOString()]),
    );
  });
});
