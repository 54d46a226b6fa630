import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, trpcError, type ApiClient } from '../helpers/api-client';
import { postCallMeNow } from '../helpers/intake';
import { openLiveStream } from '../helpers/live-stream';
import { startTestServer, type TestServer } from '../helpers/server';
import { db } from '../helpers/sql';

/**
 * One callback's timeline over HTTP (callbacks.timeline, issue 19's per-item monitoring): a Call Me Now from the web is
 * created, offered to the Ready operator, declined, moved to a team lead's eye as breached once its due-by has passed;
 * read from what is recorded, for tutors, team leads and admins.
 */
let server: TestServer;
let operator: ApiClient;
let lead: ApiClient;

beforeAll(async () => {
  server = await startTestServer({ env: { VALORE_OFFER_DISPATCH: 'on', VALORE_OFFER_SECONDS: '10' } });
  await db(server).exec(`
    UPDATE callback_requests SET status = 'cancelled' WHERE status IN ('pending', 'claimed');
    UPDATE campaigns SET status = 'paused' WHERE status = 'active';
    UPDATE leads SET follow_up_at = '2099-01-01T00:00:00.000Z' WHERE status = 'open';`);
  operator = createApiClient(server.url);
  await operator.login('operatore1'); // signing in makes the operator Ready
  lead = createApiClient(server.url);
  await lead.login('teamlead1');
}, 60_000);
afterAll(async () => {
  await server.close();
});

describe('a callback’s timeline', () => {
  it('reads created, offered, declined, and breached once its due-by has passed', async () => {
    const stream = await openLiveStream(server.url, 'workOffers', { cookie: operator.cookieHeader() });
    const customer = (await db(server).get<{ id: number; phone: string }>(
      'SELECT id, phone FROM customers ORDER BY id LIMIT 1 OFFSET 20',
    ))!;
    const response = await postCallMeNow(server, customer);
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    const offer = (await stream.until((events) => events.some((e) => e.offer !== null), 3_000)).find(
      (e) => e.offer,
    )?.offer;
    stream.close();
    await operator.trpc.work.declineOffer.mutate({ offerId: offer?.id ?? 0 });

    const name = (await db(server).get<{ display_name: string }>(
      "SELECT display_name FROM users WHERE username = 'operatore1'",
    ))!.display_name;
    const timeline = await lead.trpc.callbacks.timeline.query({ id });
    expect(timeline.events.map((e) => [e.event, e.by, e.detail])).toEqual([
      ['created', null, 'web'],
      ['offered', name, null],
      ['offer_declined', name, null],
    ]);
    // its due-by passes with nobody having called: breached, at its due-by
    const dueBy = new Date(Date.now() - 60_000).toISOString();
    await db(server).run('UPDATE callback_requests SET due_by = ? WHERE id = ?', dueBy, id);
    const late = await lead.trpc.callbacks.timeline.query({ id });
    expect(late.events).toContainEqual({ at: dueBy, event: 'breached', by: null, detail: null });
    expect(late.events.map((e) => e.at)).toEqual([...late.events.map((e) => e.at)].sort());
  });

  it('is for tutors, team leads and admins; another site’s callback is refused, an unknown one is not found', async () => {
    expect((await trpcError(operator.trpc.callbacks.timeline.query({ id: 'x' }))).data?.code).toBe('FORBIDDEN');
    expect((await trpcError(lead.trpc.callbacks.timeline.query({ id: 'no-such-callback' }))).data?.httpStatus).toBe(
      404,
    );
    expect((await trpcError(lead.trpc.callbacks.timeline.query({ id: '' }))).data?.httpStatus).toBe(400);
    const site2 = await db(server).get<{ id: string }>(
      'SELECT id FROM callback_requests WHERE site_id IS NOT NULL AND site_id <> 1 LIMIT 1',
    );
    if (site2) {
      expect((await trpcError(lead.trpc.callbacks.timeline.query({ id: site2.id }))).data?.code).toBe('FORBIDDEN');
      const admin = createApiClient(server.url);
      await admin.login('admin');
      expect((await admin.trpc.callbacks.timeline.query({ id: site2.id })).id).toBe(site2.id);
    }
  });
});
