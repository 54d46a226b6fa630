import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anyNumber, anyString } from '@valore/server/testing/matchers';
import { createApiClient, trpcError, type ApiClient } from '../helpers/api-client';
import { openLiveStream } from '../helpers/live-stream';
import { postCallMeNow } from '../helpers/intake';
import { startTestServer, type TestServer } from '../helpers/server';
import { db } from '../helpers/sql';

/**
 * Pushed work over HTTP (domains/work/offers.ts): a Call Me Now arriving while two operators of the site are Ready is
 * offered to the one Ready longest, on their offers stream, within a second; unanswered, it expires (that operator is
 * paused: missed_offer) and goes to the other, who accepts it and holds it as from work.next. A declined offer goes
 * back to the queue; work.next takes the caller's own ringing offer; every offer and how it ended is kept.
 */
let server: TestServer;
let first: ApiClient;
let second: ApiClient;
const OFFER_SECONDS = 3;
const DELIVERY_MS = 10_000;
beforeAll(async () => {
  server = await startTestServer({
    env: { VALORE_OFFER_DISPATCH: 'on', VALORE_OFFER_SECONDS: String(OFFER_SECONDS) },
  });
  // an empty queue: only what the test sends is offered
  await db(server).exec(`
    UPDATE callback_requests SET status = 'cancelled' WHERE status IN ('pending', 'claimed');
    UPDATE campaigns SET status = 'paused' WHERE status = 'active';
    UPDATE leads SET follow_up_at = '2099-01-01T00:00:00.000Z' WHERE status = 'open';`);
  first = createApiClient(server.url);
  await first.login('operatore1'); // a sign-in makes the operator Ready
  await new Promise((r) => setTimeout(r, 20));
  second = createApiClient(server.url);
  await second.login('operatore2');
}, 60_000);
afterAll(async () => {
  await server.close();
});

async function callMeNow(offset: number): Promise<string> {
  const customer = (await db(server).get<{ id: number; phone: string }>(
    'SELECT id, phone FROM customers ORDER BY id LIMIT 1 OFFSET ?',
    offset,
  ))!;
  const response = await postCallMeNow(server, customer);
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

const offers = () =>
  db(server).all(
    `SELECT u.username, o.source_id, o.status FROM work_offers o JOIN users u ON u.id = o.operator_id ORDER BY o.id`,
  );

describe('pushed work', () => {
  it('offers a Call Me Now to the operator Ready longest; unanswered, it moves to the next, who accepts it', async () => {
    const firstStream = await openLiveStream(server.url, 'workOffers', { cookie: first.cookieHeader() });
    const secondStream = await openLiveStream(server.url, 'workOffers', { cookie: second.cookieHeader() });
    expect(firstStream.status).toBe(200);
    const requestId = await callMeNow(10);
    // waits are generous (a loaded CI machine, several suites on one PostgreSQL cluster): delivery is what is tested
    const offer = (await firstStream.until((events) => events.some((e) => e.offer !== null), DELIVERY_MS)).find(
      (e) => e.offer,
    )?.offer;
    // the dispatcher's next round offers it: the server's own times, not this process's clock (one round is half a
    // second; the bound leaves room for a loaded machine's late timers, not for a missed round of several seconds)
    const created = await db(server).get<{ created_at: string }>(
      'SELECT created_at FROM callback_requests WHERE id = ?',
      requestId,
    );
    const lag = Date.parse(offer?.offeredAt ?? '') - Date.parse(created?.created_at ?? '');
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(lag).toBeLessThan(2_500);
    expect(offer).toMatchObject({
      id: anyNumber(),
      expiresAt: anyString(),
      item: { kind: 'callback', sourceId: requestId, mode: 'now', presetProductCode: 'CONTO', dueBy: anyString() },
    });
    // not the other operator's, and not "held" for a reload until accepted
    expect(secondStream.events.filter((e) => e.data.offer !== null)).toEqual([]);
    expect(await first.trpc.work.current.query()).toBeNull();

    // no answer: after the offer's time it ends on the first operator (paused) and rings on the second
    await firstStream.until((events) => events.some((e) => e.ended === 'expired'), OFFER_SECONDS * 1_000 + DELIVERY_MS);
    const moved = (await secondStream.until((events) => events.some((e) => e.offer !== null), DELIVERY_MS)).find(
      (e) => e.offer,
    )?.offer;
    expect(moved?.item.sourceId).toBe(requestId);
    expect(await first.trpc.monitor.myStatus.query()).toMatchObject({ state: 'paused', reason: 'missed_offer' });
    // the first operator can no longer take it
    const late = await trpcError(first.trpc.work.acceptOffer.mutate({ offerId: offer?.id ?? 0 }));
    expect(late.data?.httpStatus).toBe(409);

    const item = await second.trpc.work.acceptOffer.mutate({ offerId: moved?.id ?? 0 });
    expect(item).toMatchObject({ sourceId: requestId, kind: 'callback' });
    // a retried accept returns the same item; it is held like an item from work.next
    expect(await second.trpc.work.acceptOffer.mutate({ offerId: moved?.id ?? 0 })).toMatchObject({
      sourceId: requestId,
    });
    expect(await second.trpc.work.current.query()).toMatchObject({ sourceId: requestId });
    expect(await offers()).toEqual([
      { username: 'operatore1', source_id: requestId, status: 'expired' },
      { username: 'operatore2', source_id: requestId, status: 'accepted' },
    ]);
    firstStream.close();
    secondStream.close();
    await second.trpc.work.release.mutate({ id: item.id, reason: 'fine della prova' });
    await db(server).run("UPDATE callback_requests SET status = 'cancelled' WHERE id = ?", requestId);
  });

  it('a declined offer goes back to the queue; work.next takes the caller’s own ringing offer', async () => {
    await second.trpc.monitor.setStatus.mutate({ state: 'paused', reason: 'break' });
    await first.trpc.monitor.setStatus.mutate({ state: 'ready' });
    const stream = await openLiveStream(server.url, 'workOffers', { cookie: first.cookieHeader() });
    const declinedId = await callMeNow(11);
    const offer = (await stream.until((events) => events.some((e) => e.offer !== null), DELIVERY_MS)).find(
      (e) => e.offer,
    )?.offer;
    expect(await first.trpc.work.declineOffer.mutate({ offerId: offer?.id ?? 0 })).toEqual({ declined: true });
    expect(await first.trpc.monitor.myStatus.query()).toMatchObject({ state: 'paused', reason: 'declined_offer' });
    expect(await db(server).get('SELECT status, lease_owner FROM callback_requests WHERE id = ?', declinedId)).toEqual({
      status: 'pending',
      lease_owner: null,
    });

    // ready again: offered again; pressing N (work.next) takes it
    await first.trpc.monitor.setStatus.mutate({ state: 'ready' });
    await stream.until((events) => events.filter((e) => e.offer !== null).length >= 2, DELIVERY_MS);
    const taken = await first.trpc.work.next.mutate({});
    expect(taken).toMatchObject({ sourceId: declinedId });
    expect((await offers()).slice(-2)).toEqual([
      { username: 'operatore1', source_id: declinedId, status: 'declined' },
      { username: 'operatore1', source_id: declinedId, status: 'accepted' },
    ]);
    stream.close();
  });

  it('a site switched to pull by an admin gets no offers; its operators ask with work.next', async () => {
    const admin = createApiClient(server.url);
    await admin.login('admin');
    const site = await admin.trpc.admin.sites.update.mutate({ id: 1, dispatchMode: 'pull' });
    expect(site.dispatchMode).toBe('pull');
    // the item taken in the last test is done with
    await db(server).exec("UPDATE callback_requests SET status = 'cancelled' WHERE status IN ('pending', 'claimed')");
    await first.trpc.monitor.setStatus.mutate({ state: 'ready' });
    const stream = await openLiveStream(server.url, 'workOffers', { cookie: first.cookieHeader() });
    const requestId = await callMeNow(12);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(stream.events.filter((e) => e.data.offer !== null)).toEqual([]);
    expect(await first.trpc.work.next.mutate({})).toMatchObject({ sourceId: requestId });
    stream.close();
    await admin.trpc.admin.sites.update.mutate({ id: 1, dispatchMode: 'push' });
  });
});
