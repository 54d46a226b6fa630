import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLOW_VERSIONS } from '@valore/shared/flows/index';
import { inboundSale } from '@valore/server/testing/completions';
import type { CompleteInteractionInput } from '@valore/shared/schemas/interactions';
import { createApiClient, type ApiClient } from '../helpers/api-client';
import { startTestServer, TEST_INTAKE_KEY, type TestServer } from '../helpers/server';
import { db } from '../helpers/sql';

/**
 * A retry must never do a thing twice. Each story fires the same request 2, 5 and 10 times at once (a client that
 * retried while the first attempt was still in flight, or several tabs): exactly one effect, and every caller gets
 * the same answer.
 */
let server: TestServer;
let operator: ApiClient;
let teamLead: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  operator = createApiClient(server.url);
  await operator.login('operatore1');
  teamLead = createApiClient(server.url);
  await teamLead.login('teamlead1');
}, 60_000);
afterAll(async () => {
  await server?.close();
});

const count = async (sql: string, ...params: unknown[]) => (await db(server).get<{ n: number }>(sql, ...params))!.n;
const REPLAYS = [2, 5, 10];
/** A short contact that ended two minutes ago. */
const QUICK = { startMs: Date.now() - 120_000, stepMs: 1000, handleMs: 4000, acwMs: 1000 };
let nextCustomer = 100;

function completion(opts: { slot?: { id: number; postOfficeId: number } } = {}): CompleteInteractionInput {
  const slot = opts.slot;
  return inboundSale(nextCustomer++, slot ? { slotId: slot.id, postOfficeId: slot.postOfficeId } : 'lead', QUICK);
}

async function freeSlot(skip: number): Promise<{ id: number; postOfficeId: number }> {
  // the alias quoted: PostgreSQL folds an unquoted one to lower case
  const slot = await db(server).get<{ id: number; postOfficeId: number }>(
    `SELECT s.id, s.post_office_id AS "postOfficeId" FROM appointment_slots s
     WHERE s.starts_at > ? AND (SELECT count(*) FROM appointments a WHERE a.slot_id = s.id) = 0
     ORDER BY s.id LIMIT 1 OFFSET ?`,
    new Date(Date.now() + 2 * 86_400_000).toISOString(),
    skip * 7,
  );
  if (!slot) throw new Error('no free slot two days ahead');
  return slot;
}

async function together<T>(n: number, call: () => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: n }, call));
}

describe.each(REPLAYS)('%i concurrent replays of the same request', (n) => {
  it('complete an interaction with a lead once, and answer every replay alike', async () => {
    const input = completion();
    const before = {
      interactions: await count('SELECT count(*) n FROM interactions'),
      leads: await count('SELECT count(*) n FROM leads'),
    };
    const answers = await together(n, () => operator.trpc.interactions.complete.mutate(input));
    for (const a of answers) expect(a).toEqual(answers[0]);
    expect(await count('SELECT count(*) n FROM interactions')).toBe(before.interactions + 1);
    expect(await count('SELECT count(*) n FROM leads')).toBe(before.leads + 1);
    expect(await count('SELECT count(*) n FROM interactions WHERE client_id = ?', input.clientId)).toBe(1);
  });

  it('book a branch appointment once (completion with appointment)', async () => {
    const slot = await freeSlot(n);
    const input = completion({ slot });
    const before = await count('SELECT count(*) n FROM appointments');
    const answers = await together(n, () => operator.trpc.interactions.complete.mutate(input));
    for (const a of answers) expect(a).toEqual(answers[0]);
    expect(answers[0]?.effects.appointment).toBeTruthy();
    expect(await count('SELECT count(*) n FROM appointments')).toBe(before + 1);
    expect(await count('SELECT count(*) n FROM appointments WHERE slot_id = ?', slot.id)).toBe(1);
  });

  it('take a Call Me Back request once for one Idempotency-Key', async () => {
    const key = randomUUID();
    const body = JSON.stringify({
      phone: '+39 347 123 4567',
      product: 'CONTO',
      mode: 'now',
      channel: 'web',
      note: `replay ${n}`,
    });
    const before = await count('SELECT count(*) n FROM callback_requests');
    const responses = await together(n, async () => {
      const r = await fetch(`${server.url}/api/v1/callback-requests`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${TEST_INTAKE_KEY}`,
          'content-type': 'application/json',
          'idempotency-key': key,
        },
        body,
      });
      return { status: r.status, body: (await r.json()) as unknown };
    });
    for (const r of responses) expect(r).toEqual({ status: 201, body: responses[0]?.body });
    expect(await count('SELECT count(*) n FROM callback_requests')).toBe(before + 1);
  });

  it('close a lead once, with one audit record', async () => {
    const { effects } = await operator.trpc.interactions.complete.mutate(completion());
    const leadId = effects.lead?.id ?? 0;
    const requestId = randomUUID();
    const answers = await together(n, () => teamLead.trpc.leads.close.mutate({ leadId, status: 'won', requestId }));
    for (const a of answers) expect(a).toEqual(answers[0]);
    expect(answers[0]).toMatchObject({ id: leadId, status: 'won' });
    expect(
      await count(
        `SELECT count(*) n FROM audit_log WHERE entity_type = 'lead' AND entity_id = ? AND action = 'lead.won'`,
        String(leadId),
      ),
    ).toBe(1);
  });

  it('create a campaign once', async () => {
    const requestId = randomUUID();
    const name = `Replay campaign ${n} ${requestId.slice(0, 8)}`;
    const answers = await together(n, () =>
      teamLead.trpc.campaigns.create.mutate({
        requestId,
        name,
        businessUnit: 'Banking',
        productCode: 'CONTO',
        startsOn: '2026-01-01',
        endsOn: '2027-12-31',
        maxAttempts: 3,
        retryDelayMinutes: 240,
        scriptVersion: FLOW_VERSIONS.campaign,
        siteIds: [1],
      }),
    );
    for (const a of answers) expect(a).toEqual(answers[0]);
    expect(await count('SELECT count(*) n FROM campaigns WHERE name = ?', name)).toBe(1);
  });
});
