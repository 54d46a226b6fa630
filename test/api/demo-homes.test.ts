import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MovableClock } from '@valore/server/testing/movable-clock';
import { createApiClient } from '../helpers/api-client';
import { startTestServer, type TestServer } from '../helpers/server';
import { db } from '../helpers/sql';

/**
 * A fresh `npm start`: an empty database seeded as the demo (VALORE_SEED=demo, 50,000 customers, a month of history,
 * live queues), at 11:00 on a weekday. Every demo role's home has something to show from the first sign-in.
 */
function nextWednesdayAt11Rome(): Date {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + ((3 - d.getUTCDay() + 7) % 7 || 7));
  d.setUTCHours(10, 0, 0, 0); // 11:00 in Rome in winter, 12:00 in summer: a working morning either way
  return d;
}

let server: TestServer;
const clock = new MovableClock(nextWednesdayAt11Rome());
beforeAll(async () => {
  server = await startTestServer({ seed: false, clock, env: { VALORE_SEED: 'demo' } });
}, 120_000);
afterAll(async () => {
  await server.close();
});

async function signedIn(username: string) {
  const client = createApiClient(server.url);
  await client.login(username);
  return client;
}

describe('a fresh demo: every role’s home has data', () => {
  it('the operator has work waiting, recent contacts and open promises on the board', async () => {
    const op = await signedIn('operatore1');
    expect((await op.trpc.work.queueSize.query()).count).toBeGreaterThan(10);
    expect((await op.trpc.interactions.mine.query({ limit: 20 })).length).toBeGreaterThan(0);
    const board = await op.trpc.callbacks.board.query({});
    expect(board.counts.waiting).toBeGreaterThan(0);
    // a working centre keeps its promises: a few late ones, not the whole history's follow-ups
    expect(board.counts.breached).toBeLessThan(board.counts.waiting + board.counts.scheduled);
    expect(board.counts.breached).toBeLessThan(60);
    const item = await op.trpc.work.next.mutate({});
    expect(item).not.toBeNull();
  });

  it('the tutor has today’s contacts of the site to review and scorecards on record', async () => {
    const tutor = await signedIn('tutor1');
    const reviewables = await tutor.trpc.quality.reviewables.query({});
    expect(reviewables.length).toBeGreaterThan(0);
    const scored = await db(server).get<{ n: number }>('SELECT count(*) AS n FROM scorecards');
    expect(scored?.n).toBeGreaterThan(10);
    expect((await tutor.trpc.callbacks.board.query({})).items.length).toBeGreaterThan(0);
  });

  it('the team lead sees a month of conversion, two active campaigns with lists, and open leads', async () => {
    const lead = await signedIn('teamlead1');
    const now = clock.now();
    const stats = await lead.trpc.stats.conversion.query({
      from: new Date(now.getTime() - 30 * 86_400_000).toISOString(),
      to: now.toISOString(),
      groupBy: ['flow'],
    });
    const flows = stats.rows.map((r) => r.key.flow);
    expect(flows).toEqual(expect.arrayContaining(['campaign', 'inbound_sales', 'ocs_cross_sell', 'callback']));
    expect(stats.total.stages.handled).toBeGreaterThan(100);
    const campaigns = await lead.trpc.campaigns.list.query({ status: 'active' });
    expect(campaigns).toHaveLength(2);
    for (const c of campaigns) expect(c.contacts.pending).toBeGreaterThan(100);
    expect((await lead.trpc.campaigns.imports.query({ id: campaigns[0]?.id ?? 0 }))[0]?.status).toBe('done');
    const pipeline = await lead.trpc.leads.pipeline.query({ status: 'open' });
    expect(pipeline.totals.open).toBeGreaterThan(0);
  });

  it('the admin sees the users, products and offices, and the data stays consistent (no slot overbooked)', async () => {
    const admin = await signedIn('admin');
    expect((await admin.trpc.admin.users.list.query({})).total).toBeGreaterThan(60);
    expect((await admin.trpc.admin.products.list.query()).length).toBeGreaterThan(5);
    expect((await admin.trpc.admin.postOffices.list.query({})).total).toBeGreaterThan(50);
    const overbooked = await db(server).get<{ n: number }>(
      `SELECT count(*) AS n FROM appointment_slots s WHERE s.booked != (SELECT count(*) FROM appointments a
         WHERE a.slot_id = s.id AND a.status != 'cancelled') OR s.booked > s.capacity`,
    );
    expect(overbooked?.n).toBe(0);
    const futureDone = await db(server).get<{ n: number }>(
      `SELECT count(*) AS n FROM appointments a JOIN appointment_slots s ON s.id = a.slot_id
       WHERE (a.status IN ('attended','no_show') AND s.starts_at > ?) OR (a.status = 'booked' AND s.starts_at < ?)`,
      clock.now().toISOString(),
      clock.now().toISOString(),
    );
    expect(futureDone?.n).toBe(0);
  });
});
