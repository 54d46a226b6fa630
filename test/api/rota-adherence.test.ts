import { afterEach, describe, expect, it } from 'vitest';
import { MovableClock } from '@valore/server/testing/movable-clock';
import { createApiClient, trpcError } from '../helpers/api-client';
import { startTestServer, type TestServer } from '../helpers/server';
import { db } from '../helpers/sql';

/**
 * A day's adherence against the rota over HTTP (rota.adherence, issue 19): the window the rota expected each operator
 * (a weekday: the site's service hours, unless recovering a Saturday) and how their status history spent it — at work,
 * paused, absent — counted up to now for today; who may read it.
 */
// Wednesday 2 December 2026 in Rome (UTC+1): the site opens 07:30–19:30
const rome = (hhmm: string) => new Date(`2026-12-02T${hhmm}:00+01:00`);

let server: TestServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

describe('adherence of a day', () => {
  it('counts the expected window by the status history, up to now; someone recovering a Saturday is not expected', async () => {
    const clock = new MovableClock(rome('07:00'));
    server = await startTestServer({ clock, env: { VALORE_SESSION_IDLE_MINUTES: '10000' } });
    const sql = db(server);
    const [a, b] = await sql.all<{ id: number; username: string }>(
      "SELECT id, username FROM users WHERE site_id = 1 AND role = 'operator' AND active = 1 ORDER BY id",
    );
    if (!a || !b) throw new Error('demo data too small');
    await sql.run(
      `INSERT INTO rota_shifts (site_id, user_id, team_id, date, kind, starts, ends, rest_of, status, created_at,
         created_by, published_at)
       VALUES (1, ?, NULL, '2026-12-02', 'rest', NULL, NULL, NULL, 'published', ?, NULL, ?)`,
      b.id,
      rome('07:00').toISOString(),
      rome('07:00').toISOString(),
    );
    // no status history before today for the operator watched (the demo seeds some)
    await sql.run('DELETE FROM operator_status_log WHERE user_id = ?', a.id);
    await sql.run('DELETE FROM operator_status WHERE user_id = ?', a.id);
    const lead = createApiClient(server.url);
    await lead.login('teamlead1');

    // signs in at 09:30 (signing in makes an operator Ready)
    clock.set(rome('09:30'));
    const op = createApiClient(server.url);
    await op.login(a.username);
    await op.trpc.monitor.setStatus.mutate({ state: 'ready' });
    clock.set(rome('10:30'));
    await op.trpc.monitor.setStatus.mutate({ state: 'paused', reason: 'break' });
    clock.set(rome('11:00'));
    await op.trpc.monitor.setStatus.mutate({ state: 'ready' });
    clock.set(rome('12:00'));

    const day = await lead.trpc.rota.adherence.query({ day: '2026-12-02' });
    expect(day).toMatchObject({
      siteId: 1,
      hours: { opens: '07:30', closes: '19:30' },
      countedUntil: rome('12:00').toISOString(),
    });
    expect(day.operators.find((o) => o.userId === a.id)).toMatchObject({
      expected: { from: '07:30', to: '19:30' },
      expectedMinutes: 270, // 07:30–12:00 so far
      workingMinutes: 120, // 09:30–10:30 and 11:00–12:00
      pausedMinutes: 30,
      absentMinutes: 120, // 07:30–09:30, not yet signed in
      adherence: 120 / 270,
    });
    expect(day.operators.find((o) => o.userId === b.id)).toMatchObject({
      expected: null,
      expectedMinutes: 0,
      adherence: null,
    });
    // a Sunday: closed, nobody expected
    const sunday = await lead.trpc.rota.adherence.query({ day: '2026-12-06' });
    expect(sunday.hours).toBeNull();
    expect(sunday.operators.every((o) => o.expected === null)).toBe(true);
  });

  it('is for team leads (their site) and admins (the site they name); bad days are refused', async () => {
    server = await startTestServer();
    const sign = async (u: string) => {
      const c = createApiClient(server!.url);
      await c.login(u);
      return c;
    };
    const [operator, lead, admin] = await Promise.all([sign('operatore1'), sign('teamlead1'), sign('admin')]);
    expect((await trpcError(operator.trpc.rota.adherence.query({ day: '2026-12-02' }))).data?.code).toBe('FORBIDDEN');
    expect((await trpcError(lead.trpc.rota.adherence.query({ siteId: 2, day: '2026-12-02' }))).data?.code).toBe(
      'FORBIDDEN',
    );
    expect((await trpcError(admin.trpc.rota.adherence.query({ day: '2026-12-02' }))).data?.httpStatus).toBe(400);
    expect((await admin.trpc.rota.adherence.query({ siteId: 2, day: '2026-12-02' })).siteId).toBe(2);
    for (const day of ['2026-02-30', '02/12/2026', '']) {
      expect((await trpcError(lead.trpc.rota.adherence.query({ day }))).data?.httpStatus, day).toBe(400);
    }
  });
});
