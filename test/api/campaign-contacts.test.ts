import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLOW_VERSIONS } from '@valore/shared/flows/index';
import { createApiClient, trpcError, type ApiClient } from '../helpers/api-client';
import { startTestServer, type TestServer } from '../helpers/server';
import { db } from '../helpers/sql';

/**
 * campaigns.contacts: the customer ids of a campaign's list, a page at a time, for the team lead who builds the next
 * list (numbers masked, no names); only the campaign's own sites' team leads and admins.
 */
let server: TestServer;
let lead: ApiClient;
let campaignId: number;
const CONTACTS = 7;
beforeAll(async () => {
  server = await startTestServer();
  lead = createApiClient(server.url);
  await lead.login('teamlead1');
  const campaign = await lead.trpc.campaigns.create.mutate({
    requestId: randomUUID(),
    name: 'Lista clienti',
    businessUnit: 'Banking',
    productCode: 'CONTO',
    startsOn: '2026-01-01',
    endsOn: '2027-12-31',
    maxAttempts: 3,
    retryDelayMinutes: 240,
    scriptVersion: FLOW_VERSIONS.campaign,
    siteIds: [1],
  });
  campaignId = campaign.id;
  const customers = await db(server).all<{ id: number; phone: string }>(
    'SELECT id, phone FROM customers ORDER BY id LIMIT ?',
    CONTACTS,
  );
  for (const [i, c] of customers.entries())
    await db(server).run(
      `INSERT INTO campaign_contacts (campaign_id, customer_id, phone, status, due_at, updated_at)
       VALUES (?, ?, ?, ?, '2026-06-01T08:00:00.000Z', '2026-06-01T08:00:00.000Z')`,
      campaignId,
      c.id,
      c.phone,
      i % 3 === 0 ? 'done' : 'pending',
    );
}, 60_000);
afterAll(async () => {
  await server.close();
});

const customerIds = async () =>
  (
    await db(server).all<{ customer_id: number }>(
      'SELECT customer_id FROM campaign_contacts WHERE campaign_id = ? ORDER BY id',
      campaignId,
    )
  ).map((r) => r.customer_id);

describe('campaigns.contacts', () => {
  it('gives every customer id of the list once across its pages, numbers masked', async () => {
    const seen: number[] = [];
    let cursor: number | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof lead.trpc.campaigns.contacts.query>> =
        await lead.trpc.campaigns.contacts.query({ id: campaignId, limit: 3, cursor });
      pages++;
      for (const c of page.contacts) {
        expect(c.phone).toMatch(/^\+39 ••• ••• •\d{3}$/);
        seen.push(c.customerId);
      }
      cursor = page.next;
    } while (cursor !== null);
    expect(pages).toBe(3);
    expect(seen).toEqual(await customerIds());
  });

  it('filters by state', async () => {
    const done = await lead.trpc.campaigns.contacts.query({ id: campaignId, status: 'done' });
    expect(done.contacts.map((c) => c.status)).toEqual(['done', 'done', 'done']);
    expect(done.next).toBeNull();
  });

  it('is for the team leads of the campaign’s sites and admins only', async () => {
    const other = createApiClient(server.url);
    await other.login('teamlead2');
    expect((await trpcError(other.trpc.campaigns.contacts.query({ id: campaignId }))).data?.httpStatus).toBe(403);
    const operator = createApiClient(server.url);
    await operator.login('operatore1');
    expect((await trpcError(operator.trpc.campaigns.contacts.query({ id: campaignId }))).data?.httpStatus).toBe(403);
    const admin = createApiClient(server.url);
    await admin.login('admin');
    expect((await admin.trpc.campaigns.contacts.query({ id: campaignId })).contacts).toHaveLength(CONTACTS);
    expect((await trpcError(admin.trpc.campaigns.contacts.query({ id: 999_999 }))).data?.httpStatus).toBe(404);
  });

  it('refuses bad input with the field named', async () => {
    for (const [input, field] of [
      [{ limit: 0 }, 'limit'],
      [{ limit: 501 }, 'limit'],
      [{ status: 'gone' }, 'status'],
      [{ cursor: -1 }, 'cursor'],
    ] as const) {
      const error = await trpcError(lead.trpc.campaigns.contacts.query({ id: campaignId, ...input } as { id: number }));
      expect(error.data?.code).toBe('BAD_REQUEST');
      const fields = (error.data as { zodError?: { fieldErrors?: Record<string, string[]> } }).zodError?.fieldErrors;
      expect(Object.keys(fields ?? {})).toContain(field);
    }
  });
});
