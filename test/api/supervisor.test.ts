import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { COACHING_MAX } from '@valore/shared/schemas/monitor';
import { MovableClock } from '@valore/server/testing/movable-clock';
import { anyNumber, anyString } from '@valore/server/testing/matchers';
import { createApiClient, trpcError, type ApiClient } from '../helpers/api-client';
import { openLiveStream } from '../helpers/live-stream';
import { startTestServer, type TestServer } from '../helpers/server';
import { db } from '../helpers/sql';

/**
 * The supervisor's desk over HTTP (issue 18): coaching at any time (queued while the operator is free, delivered once
 * with their next contact), the queue and service-level figures of the monitor, and reassigning a late callback.
 * The property test of the same item never held by two operators is in supervisor-ownership.test.ts.
 */

// Wednesday 9 December 2026, 11:00 in Rome: inside the calling window, far from midnight.
const WEDNESDAY_11 = '2026-12-09T10:00:00.000Z';
const MINUTE = 60_000;

let server: TestServer;
let clock: MovableClock;
let op1: ApiClient; // operatore1, site 1
let op2: ApiClient; // operatore2, site 1
let tutor: ApiClient; // tutor1, site 1
let otherTutor: ApiClient; // tutor2, site 2
const ids: Record<string, number> = {};

beforeAll(async () => {
  clock = new MovableClock(WEDNESDAY_11);
  server = await startTestServer({ clock });
  await clearQueues();
  op1 = createApiClient(server.url);
  op2 = createApiClient(server.url);
  tutor = createApiClient(server.url);
  otherTutor = createApiClient(server.url);
  await op1.login('operatore1');
  await op2.login('operatore2');
  await tutor.login('tutor1');
  await otherTutor.login('tutor2');
  const users = await db(server).all<{ id: number; username: string }>('SELECT id, username FROM users');
  for (const u of users) ids[u.username] = u.id;
}, 60_000);
afterAll(async () => {
  await server.close();
});

/** Only what a test puts in the queues is there. */
async function clearQueues() {
  await db(server).exec(`
    DELETE FROM work_offers;
    DELETE FROM callback_requests;
    UPDATE campaigns SET status = 'paused' WHERE status = 'active';
    UPDATE leads SET status = 'lost' WHERE status = 'open';`);
}

const at = (minutes: number) => new Date(clock.now().getTime() + minutes * MINUTE).toISOString();

interface CallbackFixture {
  mode?: 'now' | 'scheduled';
  dueAt: number;
  dueBy: number;
  siteId?: number | null;
  ownerId?: number | null;
  status?: 'pending' | 'claimed' | 'done' | 'failed' | 'cancelled';
  leaseOwner?: number | null;
  leaseMinutes?: number;
  answeredAt?: number | null;
}

/** A callback request as the queues hold it, times in minutes from the clock's now. */
async function callback(f: CallbackFixture): Promise<string> {
  const id = randomUUID();
  const customer = (await db(server).get<{ id: number; phone: string }>(
    'SELECT id, phone FROM customers ORDER BY id LIMIT 1',
  ))!;
  await db(server).run(
    `INSERT INTO callback_requests (id, phone, customer_id, product_code, mode, channel, due_at, due_by, status,
         lease_owner, lease_expires_at, created_at, answered_at, updated_at, origin, site_id, owner_id, closed_at)
       VALUES (?, ?, ?, 'FIBRA', ?, 'web', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    id,
    customer.phone,
    customer.id,
    f.mode ?? 'scheduled',
    at(f.dueAt),
    at(f.dueBy),
    f.status ?? 'pending',
    f.leaseOwner ?? null,
    f.leaseOwner ? at(f.leaseMinutes ?? 5) : null,
    at(Math.min(f.dueAt, -60)),
    f.answeredAt === undefined || f.answeredAt === null ? null : at(f.answeredAt),
    at(0),
    f.ownerId ? 'agreed' : 'intake',
    f.siteId ?? null,
    f.ownerId ?? null,
    f.status === 'done' || f.status === 'failed' ? at(f.answeredAt ?? 0) : null,
  );
  return id;
}

const row = async (id: string) =>
  db(server).get<{ status: string; lease_owner: number | null; owner_id: number | null; lease_expires_at: string }>(
    'SELECT status, lease_owner, owner_id, lease_expires_at FROM callback_requests WHERE id = ?',
    id,
  );

const openOffers = (sourceId: string) =>
  db(server).all<{ operator_id: number }>(
    `SELECT operator_id FROM work_offers WHERE source_id = ? AND status = 'offered'`,
    sourceId,
  );

const fieldsOf = (error: Awaited<ReturnType<typeof trpcError>>) =>
  (error.data as { zodError?: { fieldErrors?: Record<string, string[]> } } | undefined)?.zodError?.fieldErrors ?? {};

async function ready(api: ApiClient) {
  await api.trpc.monitor.setStatus.mutate({ state: 'ready' });
}

async function openContact(api: ApiClient, clientId: string, step: 'identify' | 'needs' = 'identify') {
  await api.trpc.monitor.setStatus.mutate({
    state: 'on_contact',
    flow: 'inbound_sales',
    step,
    interactionClientId: clientId,
    customerId: null,
  });
}

describe('coaching at any time', () => {
  it('queues a message for a Ready operator and delivers it, once, with the next contact they open', async () => {
    await ready(op1);
    const stream = await openLiveStream(server.url, 'coaching', { cookie: op1.cookieHeader() });
    try {
      await stream.until((events) => events.some((e) => e.kind === 'snapshot'));
      const input = { requestId: randomUUID(), operatorId: ids.operatore1 as number, body: 'Ricorda il saluto.' };
      const sent = await tutor.trpc.monitor.sendCoaching.mutate(input);
      expect(sent).toMatchObject({ interactionClientId: null, step: null, deliveredAt: null, acknowledgedAt: null });
      // a retry with the same request id sends nothing twice
      expect(await tutor.trpc.monitor.sendCoaching.mutate(input)).toEqual(sent);
      // the tutor sees it queued; the operator does not see it yet, nor can they acknowledge it
      const queued = await tutor.trpc.monitor.operatorMessages.query({ operatorId: ids.operatore1 as number });
      expect(queued.filter((m) => m.id === sent.id)).toEqual([sent]);
      expect((await op1.trpc.monitor.myMessages.query({})).map((m) => m.id)).not.toContain(sent.id);
      const early = await trpcError(
        op1.trpc.monitor.ackMessage.mutate({ requestId: randomUUID(), messageId: sent.id }),
      );
      expect(early.data?.httpStatus).toBe(404);

      const first = randomUUID();
      clock.advance(MINUTE);
      await openContact(op1, first, 'identify');
      const delivered = await stream.until((events) => events.some((e) => e.kind === 'message'));
      expect(delivered.filter((e) => e.kind === 'message')).toEqual([
        {
          kind: 'message',
          message: { ...sent, interactionClientId: first, step: 'identify', deliveredAt: at(0) },
        },
      ]);
      expect((await op1.trpc.monitor.myMessages.query({ interactionClientId: first })).map((m) => m.id)).toEqual([
        sent.id,
      ]);

      // the next step, the end of the contact and a second contact deliver nothing again
      await openContact(op1, first, 'needs');
      await op1.trpc.monitor.setStatus.mutate({ state: 'after_call_work', interactionClientId: first });
      await ready(op1);
      const second = randomUUID();
      await openContact(op1, second);
      const later = await op1.trpc.monitor.myMessages.query({ interactionClientId: second });
      expect(later.filter((m) => m.interactionClientId === second)).toEqual([]);
      expect(later.find((m) => m.id === sent.id)).toMatchObject({ interactionClientId: first, step: 'identify' });
      await new Promise((r) => setTimeout(r, 200));
      expect(stream.events.filter((e) => e.data.kind === 'message')).toHaveLength(1);
      const stored = await db(server).get<{ n: number }>(
        'SELECT count(*) AS n FROM tutor_messages WHERE to_user_id = ? AND body = ?',
        ids.operatore1,
        input.body,
      );
      expect(stored?.n).toBe(1);
      const seen = await tutor.trpc.monitor.operatorMessages.query({ operatorId: ids.operatore1 as number });
      expect(seen.find((m) => m.id === sent.id)).toMatchObject({ deliveredAt: anyString() });
      await op1.trpc.monitor.ackMessage.mutate({ requestId: randomUUID(), messageId: sent.id });
      await op1.trpc.monitor.setStatus.mutate({ state: 'after_call_work', interactionClientId: second });
      await ready(op1);
    } finally {
      stream.close();
    }
  });

  it('refuses what is out of scope: another site (403), an unknown operator or not an operator (404), a signed-out one (409), an operator sending (403)', async () => {
    const send = (api: ApiClient, operatorId: number) =>
      trpcError(api.trpc.monitor.sendCoaching.mutate({ requestId: randomUUID(), operatorId, body: 'Ciao' }));
    expect((await send(otherTutor, ids.operatore1 as number)).data).toMatchObject({
      httpStatus: 403,
      domainCode: 'FORBIDDEN_SCOPE',
    });
    expect((await send(tutor, 999_999)).data?.httpStatus).toBe(404);
    expect((await send(tutor, ids.tutor1 as number)).data?.httpStatus).toBe(404);
    expect((await send(tutor, ids.operatore4 as number)).data?.httpStatus).toBe(409);
    expect((await send(op2, ids.operatore1 as number)).data).toMatchObject({
      httpStatus: 403,
      domainCode: 'FORBIDDEN_ROLE',
    });
  });

  it('refuses bad input with 400 and a message per field', async () => {
    const empty = await trpcError(
      tutor.trpc.monitor.sendCoaching.mutate({
        requestId: randomUUID(),
        operatorId: ids.operatore1 as number,
        body: ' ',
      }),
    );
    expect(empty.data?.httpStatus).toBe(400);
    expect(fieldsOf(empty).body).toEqual(['Write a message']);
    const long = await trpcError(
      tutor.trpc.monitor.sendCoaching.mutate({
        requestId: randomUUID(),
        operatorId: ids.operatore1 as number,
        body: 'x'.repeat(COACHING_MAX + 1),
      }),
    );
    expect(long.data?.httpStatus).toBe(400);
    expect(fieldsOf(long).body?.length).toBe(1);
    const badIds = await trpcError(
      tutor.trpc.monitor.sendCoaching.mutate({ requestId: 'not-a-uuid', operatorId: -1, body: 'Ciao' }),
    );
    expect(badIds.data?.httpStatus).toBe(400);
    expect(Object.keys(fieldsOf(badIds)).sort()).toEqual(['operatorId', 'requestId']);
  });
});

describe('queue and service-level figures', () => {
  beforeEach(clearQueues);

  it('counts waiting, held, late and the service level of each queue of the site, as the board carries them', async () => {
    const op3 = ids.operatore3 as number;
    // Call Me Now: one late and waiting, one waiting in time, one late but held, one of another site's queue
    const lateNow = await callback({ mode: 'now', dueAt: -10, dueBy: -5 });
    await callback({ mode: 'now', dueAt: -2, dueBy: 3 });
    await callback({ mode: 'now', dueAt: -8, dueBy: -1, status: 'claimed', leaseOwner: op3 });
    await callback({ mode: 'now', dueAt: -30, dueBy: -25, siteId: 2 });
    // answered today: one in time, one late; a failed one whose due-by passed; a cancelled one does not count
    await callback({ mode: 'now', dueAt: -40, dueBy: -35, status: 'done', answeredAt: -36 });
    await callback({ mode: 'now', dueAt: -60, dueBy: -55, status: 'done', answeredAt: -50 });
    await callback({ mode: 'now', dueAt: -90, dueBy: -85, status: 'failed' });
    await callback({ mode: 'now', dueAt: -90, dueBy: -85, status: 'cancelled' });
    // callbacks: one late waiting (agreed by operatore1), one scheduled later (not waiting), one due with time left
    const lateAgreed = await callback({ dueAt: -30, dueBy: -15, siteId: 1, ownerId: ids.operatore1 });
    await callback({ dueAt: 60, dueBy: 75 });
    await callback({ dueAt: -5, dueBy: 10 });
    // a lease that ran out counts as waiting again
    await callback({ dueAt: -50, dueBy: -35, status: 'claimed', leaseOwner: op3, leaseMinutes: -1 });

    const figures = await tutor.trpc.monitor.queues.query({});
    expect(figures.siteId).toBe(1);
    const tile = (key: string) => figures.queues.find((q) => q.key === key);
    expect(figures.queues.map((q) => q.key).slice(0, 3)).toEqual(['call_me_now', 'callbacks', 'lead_followups']);
    expect(tile('call_me_now')).toEqual({
      key: 'call_me_now',
      kind: 'call_me_now',
      campaignId: null,
      campaignName: null,
      waiting: 2,
      held: 1,
      late: 2,
      oldestWaitingSince: at(-10),
      nearestDueBy: at(-5),
      // two answered today (one by its due-by), the failed one, and the two still open past their due-by (one held)
      slTotal: 5,
      slWithin: 1,
    });
    expect(tile('callbacks')).toMatchObject({
      waiting: 3,
      held: 0,
      late: 2,
      oldestWaitingSince: at(-50),
      nearestDueBy: at(-35),
      slTotal: 2,
      slWithin: 0,
    });
    expect(tile('lead_followups')).toMatchObject({ waiting: 0, held: 0, late: 0, slTotal: null });
    expect(figures.lateCallbacks.map((c) => c.id)).toContain(lateNow);
    expect(figures.lateCallbacks.find((c) => c.id === lateAgreed)).toMatchObject({
      mode: 'scheduled',
      productCode: 'FIBRA',
      productName: { it: anyString(), en: anyString() },
      owner: { userId: ids.operatore1, displayName: anyString() },
      heldBy: null,
    });
    expect(figures.lateCallbacks.filter((c) => c.heldBy !== null)).toHaveLength(1);
    // most late first
    const dueBys = figures.lateCallbacks.map((c) => c.dueBy);
    expect(dueBys).toEqual([...dueBys].sort());

    // the board's snapshot carries the same figures
    const board = await openLiveStream(server.url, 'board', { cookie: tutor.cookieHeader() });
    try {
      const [snapshot] = await board.until((e) => e.length >= 1);
      expect(snapshot?.kind).toBe('snapshot');
      if (snapshot?.kind !== 'snapshot') return;
      expect(snapshot.queues).toEqual(figures.queues);
      expect(snapshot.lateCallbacks).toEqual(figures.lateCallbacks);
    } finally {
      board.close();
    }
  });

  it('shows product names on the Call Me Now alerts of the board', async () => {
    const id = await callback({ mode: 'now', dueAt: -1, dueBy: 0.5 });
    const name = (await db(server).get<{ name_it: string; name_en: string }>(
      `SELECT name_it, name_en FROM products WHERE code = 'FIBRA'`,
    ))!;
    const board = await openLiveStream(server.url, 'board', { cookie: tutor.cookieHeader() });
    try {
      // a board still open from the test before may first show its figures of then; the next refresh brings these
      const events = await board.until(
        (e) => e.some((x) => x.kind !== 'operator' && x.callMeNow.some((c) => c.id === id)),
        8_000,
      );
      const last = events.flatMap((x) => (x.kind === 'operator' ? [] : [x.callMeNow])).at(-1);
      expect(last).toEqual([
        {
          id,
          productCode: 'FIBRA',
          productName: { it: name.name_it, en: name.name_en },
          dueBy: at(0.5),
          status: 'pending',
        },
      ]);
    } finally {
      board.close();
    }
  });

  it('is refused to operators (403), and another site for a tutor (403); an admin names the site (400 without)', async () => {
    expect((await trpcError(op1.trpc.monitor.queues.query({}))).data?.httpStatus).toBe(403);
    expect((await trpcError(tutor.trpc.monitor.queues.query({ siteId: 2 }))).data?.httpStatus).toBe(403);
    const admin = createApiClient(server.url);
    await admin.login('admin');
    const unnamed = await trpcError(admin.trpc.monitor.queues.query({}));
    expect(unnamed.data?.httpStatus).toBe(400);
    expect(fieldsOf(unnamed)).toEqual({ siteId: ['Choose the site to watch.'] });
    expect((await admin.trpc.monitor.queues.query({ siteId: 2 })).siteId).toBe(2);
  });
});

describe('reassigning a late callback', () => {
  beforeEach(async () => {
    await clearQueues();
    await ready(op1);
    await ready(op2);
  });

  it('offers it to a Ready operator of the site, who accepts it; audited; a retry changes nothing twice', async () => {
    const id = await callback({ dueAt: -30, dueBy: -15, siteId: 1, ownerId: ids.operatore1 });
    const offers = await openLiveStream(server.url, 'workOffers', { cookie: op2.cookieHeader() });
    try {
      const input = { requestId: randomUUID(), callbackId: id, toOperatorId: ids.operatore2 as number };
      const result = await tutor.trpc.monitor.reassignCallback.mutate(input);
      expect(result).toMatchObject({
        callbackId: id,
        toOperatorId: ids.operatore2,
        fromOwnerId: ids.operatore1,
        offerId: anyNumber(),
      });
      expect(await row(id)).toMatchObject({ status: 'claimed', lease_owner: ids.operatore2, owner_id: ids.operatore2 });
      expect(await tutor.trpc.monitor.reassignCallback.mutate(input)).toEqual(result);
      expect(await openOffers(id)).toEqual([{ operator_id: ids.operatore2 }]);
      const audits = await db(server).get<{ n: number }>(
        `SELECT count(*) AS n FROM audit_log WHERE action = 'callback.reassigned' AND entity_id = ?`,
        id,
      );
      expect(audits?.n).toBe(1);

      const pushed = await offers.until((events) => events.some((e) => e.offer?.item.sourceId === id), 2_000);
      expect(pushed.find((e) => e.offer)?.offer?.item).toMatchObject({ kind: 'callback', sourceId: id });
      // the original owner cannot take it any more; the new one accepts it
      expect((await trpcError(op1.trpc.work.take.mutate({ id: `callback:${id}` }))).data?.httpStatus).toBe(409);
      const item = await op2.trpc.work.acceptOffer.mutate({ offerId: result.offerId as number });
      expect(item.sourceId).toBe(id);
      expect(await op1.trpc.work.current.query()).toBeNull();
      expect(await op2.trpc.work.current.query()).toMatchObject({ sourceId: id });
      await op2.trpc.work.release.mutate({ id: `callback:${id}`, reason: 'test' });
    } finally {
      offers.close();
    }
  });

  it('releases it to the pool: no owner, anyone takes it', async () => {
    const id = await callback({ dueAt: -30, dueBy: -15, siteId: 1, ownerId: ids.operatore1 });
    const result = await tutor.trpc.monitor.reassignCallback.mutate({
      requestId: randomUUID(),
      callbackId: id,
      toOperatorId: null,
    });
    expect(result).toMatchObject({ toOperatorId: null, fromOwnerId: ids.operatore1, offerId: null });
    expect(await row(id)).toMatchObject({ status: 'pending', owner_id: null, lease_owner: null });
    expect(await op2.trpc.work.next.mutate({})).toMatchObject({ sourceId: id });
    await op2.trpc.work.release.mutate({ id: `callback:${id}`, reason: 'test' });
  });

  it('refuses a callback not late (409), closed (409), held (409), of another site (404), to an operator not Ready (409) or of another site (403)', async () => {
    const reassign = (api: ApiClient, callbackId: string, toOperatorId: number | null = ids.operatore2 as number) =>
      trpcError(api.trpc.monitor.reassignCallback.mutate({ requestId: randomUUID(), callbackId, toOperatorId }));
    const notLate = await callback({ dueAt: -5, dueBy: 10 });
    const closed = await callback({ dueAt: -60, dueBy: -50, status: 'done', answeredAt: -55 });
    const held = await callback({ dueAt: -60, dueBy: -50, status: 'claimed', leaseOwner: ids.operatore3 });
    const foreign = await callback({ dueAt: -60, dueBy: -50, siteId: 2 });
    const late = await callback({ dueAt: -60, dueBy: -50 });
    expect((await reassign(tutor, notLate)).data?.httpStatus).toBe(409);
    expect((await reassign(tutor, closed)).data?.httpStatus).toBe(409);
    expect((await reassign(tutor, held)).data?.httpStatus).toBe(409);
    expect((await reassign(tutor, foreign)).data?.httpStatus).toBe(404);
    expect((await reassign(tutor, 'no-such-callback')).data?.httpStatus).toBe(404);
    expect((await reassign(tutor, late, ids.operatore5 as number)).data).toMatchObject({
      httpStatus: 403,
      domainCode: 'FORBIDDEN_SCOPE',
    });
    expect((await reassign(tutor, late, ids.operatore4 as number)).data?.httpStatus).toBe(409); // signed out
    expect((await reassign(otherTutor, late, ids.operatore2 as number)).data?.httpStatus).toBe(403);
    expect((await reassign(op1, late)).data).toMatchObject({ httpStatus: 403, domainCode: 'FORBIDDEN_ROLE' });
    const bad = await trpcError(
      tutor.trpc.monitor.reassignCallback.mutate({ requestId: 'x', callbackId: '', toOperatorId: 0 }),
    );
    expect(bad.data?.httpStatus).toBe(400);
    expect(Object.keys(fieldsOf(bad)).sort()).toEqual(['callbackId', 'requestId', 'toOperatorId']);
    // nothing changed
    expect(await row(late)).toMatchObject({ status: 'pending', lease_owner: null, owner_id: null });
    expect(await openOffers(late)).toEqual([]);
  });

  it('racing the original operator taking it: one winner, the item held by one operator only', async () => {
    for (let round = 0; round < 12; round++) {
      await clearQueues();
      const id = await callback({ dueAt: -30, dueBy: -15, siteId: 1, ownerId: ids.operatore1 });
      const taking = () => op1.trpc.work.take.mutate({ id: `callback:${id}` });
      const reassigning = () =>
        tutor.trpc.monitor.reassignCallback.mutate({
          requestId: randomUUID(),
          callbackId: id,
          toOperatorId: ids.operatore2 as number,
        });
      // sent in both orders, so each side gets to arrive first
      const [take, reassign] =
        round % 2 === 0
          ? await Promise.allSettled([taking(), reassigning()])
          : await Promise.allSettled([reassigning(), taking()]).then(([r, t]) => [t, r] as const);
      expect([take.status, reassign.status].filter((s) => s === 'fulfilled')).toHaveLength(1);
      const after = await row(id);
      const offered = await openOffers(id);
      if (take.status === 'fulfilled') {
        expect(after).toMatchObject({ status: 'claimed', lease_owner: ids.operatore1, owner_id: ids.operatore1 });
        expect(offered).toEqual([]);
        await op1.trpc.work.release.mutate({ id: `callback:${id}`, reason: 'test' });
      } else {
        expect(after).toMatchObject({ status: 'claimed', lease_owner: ids.operatore2, owner_id: ids.operatore2 });
        expect(offered).toEqual([{ operator_id: ids.operatore2 }]);
        await op2.trpc.work.declineOffer.mutate({
          offerId: (reassign as PromiseFulfilledResult<{ offerId: number }>).value.offerId,
        });
        await ready(op2);
      }
    }
  });
});
