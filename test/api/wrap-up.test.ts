import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, trpcError, type ApiClient } from '../helpers/api-client';
import { startTestServer, type TestServer } from '../helpers/server';
import { db } from '../helpers/sql';

/**
 * After-call work with a limit (docs/api.md, "After-call work"): an admin sets each site's limit
 * (admin.sites.update wrapUpSeconds, 0–900, 0 = none); the operator's own status carries it (monitor.myStatus and
 * setStatus answers), and the console records the outcome and goes Ready when it runs out.
 */
let server: TestServer;
let admin: ApiClient;
let operator: ApiClient;
beforeAll(async () => {
  server = await startTestServer();
  admin = createApiClient(server.url);
  await admin.login('admin');
  operator = createApiClient(server.url);
  await operator.login('operatore1');
}, 60_000);
afterAll(async () => {
  await server.close();
});

const fieldsOf = (error: Awaited<ReturnType<typeof trpcError>>) =>
  (error.data as { zodError?: { fieldErrors?: Record<string, string[]> } } | undefined)?.zodError?.fieldErrors ?? {};
const siteOfOperator = async () =>
  (await db(server).get<{ site_id: number }>(`SELECT site_id FROM users WHERE username = 'operatore1'`))!.site_id;
const limitOf = async (siteId: number) =>
  (await db(server).get<{ wrap_up_seconds: number }>('SELECT wrap_up_seconds FROM sites WHERE id = ?', siteId))!
    .wrap_up_seconds;

describe('after-call work limit', () => {
  it('is 60 s by default and reaches the operator with their status', async () => {
    const siteId = await siteOfOperator();
    expect(await limitOf(siteId)).toBe(60);
    expect((await operator.trpc.monitor.myStatus.query()).wrapUpSeconds).toBe(60);
  });

  it('an admin changes it once per request id, audited; the operator sees the new limit', async () => {
    const siteId = await siteOfOperator();
    const requestId = crypto.randomUUID();
    const site = await admin.trpc.admin.sites.update.mutate({ id: siteId, wrapUpSeconds: 20, requestId });
    expect(site.wrapUpSeconds).toBe(20);
    const again = await admin.trpc.admin.sites.update.mutate({ id: siteId, wrapUpSeconds: 20, requestId });
    expect(again.wrapUpSeconds).toBe(20);
    const audits = await db(server).get<{ n: number }>(
      `SELECT COUNT(*) AS n FROM audit_log WHERE action = 'admin.site_updated' AND details LIKE ?`,
      '%"wrapUpSeconds":20%',
    );
    expect(audits?.n).toBe(1);
    expect((await operator.trpc.monitor.myStatus.query()).wrapUpSeconds).toBe(20);
    const changed = await operator.trpc.monitor.setStatus.mutate({ state: 'paused', reason: 'break' });
    expect(changed).toMatchObject({ state: 'paused', wrapUpSeconds: 20 });
    expect((await operator.trpc.monitor.setStatus.mutate({ state: 'ready' })).wrapUpSeconds).toBe(20);
    await admin.trpc.admin.sites.update.mutate({ id: siteId, wrapUpSeconds: 0 });
    expect((await operator.trpc.monitor.myStatus.query()).wrapUpSeconds).toBe(0);
  });

  it('refuses a limit out of range or not whole seconds with a field message, changing nothing', async () => {
    const siteId = await siteOfOperator();
    await admin.trpc.admin.sites.update.mutate({ id: siteId, wrapUpSeconds: 45 });
    for (const bad of [901, -1, 1.5, '30', null]) {
      const error = await trpcError(
        admin.trpc.admin.sites.update.mutate({ id: siteId, wrapUpSeconds: bad as unknown as number }),
      );
      expect(error.data?.code).toBe('BAD_REQUEST');
      expect(fieldsOf(error).wrapUpSeconds?.[0]).toMatch(/seconds/i);
    }
    expect(await limitOf(siteId)).toBe(45);
  });

  it('only an admin changes it', async () => {
    const error = await trpcError(
      operator.trpc.admin.sites.update.mutate({ id: await siteOfOperator(), wrapUpSeconds: 5 }),
    );
    expect(error.data?.httpStatus).toBe(403);
  });
});
