import { afterEach, describe, expect, it } from 'vitest';
import { inboundSale } from '@valore/server/testing/completions';
import { MovableClock } from '@valore/server/testing/movable-clock';
import { STREAMS } from '@valore/shared/streams';
import { createApiClient, trpcError } from '../helpers/api-client';
import { startTestServer, type TestServer } from '../helpers/server';
import { db, type TestSql } from '../helpers/sql';

/**
 * The wallboard's figures over HTTP (monitor.wallboard, issue 19): adherence now against the rota (a weekday: the
 * site's active operators less those recovering a Saturday today; a Saturday: those rostered for the hours of their
 * shift; nobody while closed), what they are doing from their live status, today's contacts and value outcomes
 * beside yesterday's by the same time; who may read them; and the board stream opened by a team lead (their site).
 */
// Wednesday 2 December 2026, 10:00 in Rome; Saturday 5 December, 10:00; Sunday 6 December, 10:00.
const WEDNESDAY_10 = '2026-12-02T09:00:00.000Z';
const SATURDAY_10 = '2026-12-05T09:00:00.000Z';
const SUNDAY_10 = '2026-12-06T09:00:00.000Z';

let server: TestServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function start(at: string) {
  const clock = new MovableClock(new Date(at));
  server = await startTestServer({ clock, env: { VALORE_SESSION_IDLE_MINUTES: '10000' } });
  const sign = async (username: string) => {
    const client = createApiClient(server!.url);
    await client.login(username);
    return client;
  };
  const sql = db(server);
  const operatorsOfSite1 = await sql.all<{ id: number; username: string }>(
    "SELECT id, username FROM users WHERE site_id = 1 AND role = 'operator' AND active = 1 ORDER BY id",
  );
  return { clock, sign, sql, operatorsOfSite1, lead: await sign('teamlead1') };
}

async function rotaRow(sql: TestSql, userId: number, date: string, kind: 'saturday' | 'rest') {
  await sql.run(
    `INSERT INTO rota_shifts (site_id, user_id, team_id, date, kind, starts, ends, rest_of, status, created_at,
       created_by, published_at)
     VALUES (1, ?, NULL, ?, ?, ?, ?, NULL, 'published', ?, NULL, ?)`,
    userId,
    date,
    kind,
    kind === 'saturday' ? '08:00' : null,
    kind === 'saturday' ? '13:00' : null,
    new Date().toISOString(),
    new Date().toISOString(),
  );
}

describe('the wallboard', () => {
  it('on a weekday expects every operator of the site but those recovering a Saturday, and reads what they do', async () => {
    const { lead, sign, sql, operatorsOfSite1 } = await start(WEDNESDAY_10);
    const [first, second] = operatorsOfSite1;
    if (!first || !second) throw new Error('demo data too small');
    const before = await lead.trpc.monitor.wallboard.query();
    expect(before).toMatchObject({ siteId: 1, serverTime: WEDNESDAY_10 });
    expect(before.adherence.onShift).toBe(operatorsOfSite1.length);
    expect(before.adherence.working + before.adherence.paused + before.adherence.absent).toBe(operatorsOfSite1.length);

    // one Ready, one recovering a Saturday today
    const op = await sign(first.username);
    await op.trpc.monitor.setStatus.mutate({ state: 'ready' });
    await rotaRow(sql, second.id, '2026-12-02', 'rest');
    const after = await lead.trpc.monitor.wallboard.query();
    expect(after.adherence.onShift).toBe(operatorsOfSite1.length - 1);
    expect(after.adherence.working).toBe(before.adherence.working + 1);
    await op.trpc.monitor.setStatus.mutate({ state: 'paused', reason: 'break' });
    expect((await lead.trpc.monitor.wallboard.query()).adherence.paused).toBe(after.adherence.paused + 1);
  });

  it('counts a value outcome logged today beside yesterday by the same time', async () => {
    const { lead, sign, sql, clock, operatorsOfSite1 } = await start(WEDNESDAY_10);
    const before = await lead.trpc.monitor.wallboard.query();
    const customer = await sql.get<{ id: number }>(
      `SELECT c.id FROM customers c
        WHERE c.phone NOT IN (SELECT phone FROM optout_registry)
          AND NOT EXISTS (SELECT 1 FROM customer_products p WHERE p.customer_id = c.id AND p.product_code = 'FIBRA')
        ORDER BY c.id LIMIT 1`,
    );
    if (!customer) throw new Error('no customer to sell fibre to');
    const op = await sign(operatorsOfSite1[0]!.username);
    const now = clock.now().getTime();
    await op.trpc.interactions.complete.mutate(
      inboundSale(customer.id, 'lead', { startMs: now - 120_000, stepMs: 1000, handleMs: 4000, acwMs: 1000 }),
    );
    const after = await lead.trpc.monitor.wallboard.query();
    expect(after.today).toEqual({ contacts: before.today.contacts + 1, value: before.today.value + 1 });
    expect(after.yesterday).toEqual(before.yesterday);
  });

  it('on a Saturday expects only those rostered, for the hours of their shift; nobody on a Sunday', async () => {
    const { lead, sign, sql, clock, operatorsOfSite1 } = await start(SATURDAY_10);
    const [first] = operatorsOfSite1;
    if (!first) throw new Error('demo data too small');
    expect((await lead.trpc.monitor.wallboard.query()).adherence.onShift).toBe(0);
    await rotaRow(sql, first.id, '2026-12-05', 'saturday');
    expect((await lead.trpc.monitor.wallboard.query()).adherence).toMatchObject({ onShift: 1 });
    clock.set(new Date('2026-12-05T12:30:00.000Z')); // 13:30: after the shift (08:00–13:00)
    expect((await lead.trpc.monitor.wallboard.query()).adherence.onShift).toBe(0);
    clock.set(new Date(SUNDAY_10));
    // a day later the session has run its course: signed in again
    const sunday = await sign('teamlead1');
    expect((await sunday.trpc.monitor.wallboard.query()).adherence).toEqual({
      onShift: 0,
      working: 0,
      paused: 0,
      absent: 0,
    });
  });

  it('is for team leads, tutors and admins of the site; the team lead opens the live board of their own site', async () => {
    const { lead, sign } = await start(WEDNESDAY_10);
    const operator = await sign('operatore1');
    expect((await trpcError(operator.trpc.monitor.wallboard.query())).data?.code).toBe('FORBIDDEN');
    expect((await trpcError(lead.trpc.monitor.wallboard.query({ siteId: 2 }))).data?.code).toBe('FORBIDDEN');
    const tutor = await sign('tutor1');
    expect((await tutor.trpc.monitor.wallboard.query()).siteId).toBe(1);
    const admin = await sign('admin');
    expect((await trpcError(admin.trpc.monitor.wallboard.query())).data?.httpStatus).toBe(400);
    expect((await admin.trpc.monitor.wallboard.query({ siteId: 2 })).siteId).toBe(2);
    expect((await trpcError(admin.trpc.monitor.wallboard.query({ siteId: 0 }))).data?.httpStatus).toBe(400);
    expect((await trpcError(admin.trpc.monitor.wallboard.query({ siteId: 999 }))).data?.httpStatus).toBe(404);

    // the board stream: the team lead's own site (the wallboard's queues and states)
    const ok = await lead.fetch(`${server!.url}${STREAMS.board}`, { headers: { accept: 'text/event-stream' } });
    expect(ok.status).toBe(200);
    await ok.body?.cancel();
    const other = await lead.fetch(`${server!.url}${STREAMS.board}?siteId=2`);
    expect(other.status).toBe(403);
    await other.body?.cancel();
    const op = await operator.fetch(`${server!.url}${STREAMS.board}`);
    expect(op.status).toBe(403);
    await op.body?.cancel();
  });
});
