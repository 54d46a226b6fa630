import { anyString } from '@valore/server/testing/matchers';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScreenPop } from '@valore/shared/schemas/cti';
import { createApiClient, type ApiClient } from '../helpers/api-client';
import { openLiveStream } from '../helpers/live-stream';
import { startTestServer, TEST_INTAKE_KEY, type TestServer } from '../helpers/server';
import { db } from '../helpers/sql';
import { containing } from '@valore/server/testing/matchers';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
}, 60_000);
afterAll(async () => {
  await server.close();
});

/** An operator's console: signed in, listening to its screen pops over server-sent events like the browser does. */
async function consoleOf(username: string) {
  const api: ApiClient = createApiClient(server.url);
  await api.login(username);
  const stream = await openLiveStream(server.url, 'screenPops', { cookie: api.cookieHeader() });
  expect(stream.status).toBe(200);
  const pops = (): ScreenPop[] => stream.events.map((e) => e.data);
  return {
    get pops() {
      return pops();
    },
    /** The next pop that arrives within the time limit, or null. */
    async nextPop(withinMs = 1_000): Promise<ScreenPop | null> {
      const seen = stream.events.length;
      await stream.until((e) => e.length > seen, withinMs).catch(() => undefined);
      return pops()[seen] ?? null;
    },
    close: () => stream.close(),
  };
}

async function ctiEvent(body: Record<string, unknown>, key = TEST_INTAKE_KEY) {
  const response = await fetch(`${server.url}/api/v1/cti/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

// the name through min(): a group of one row has one name, and PostgreSQL takes no bare column outside GROUP BY
const uniqueCustomer = async () => {
  const row = await db(server).get<{ id: number; phone: string; name: string }>(
    `SELECT min(id) AS id, phone, min(first_name || ' ' || last_name) AS name FROM customers
     GROUP BY phone HAVING count(*) = 1 ORDER BY min(id) DESC LIMIT 1`,
  );
  if (!row) throw new Error('no customer with a phone of their own');
  return row;
};

describe('inbound calls: the screen pop', () => {
  it('pops the caller’s card on the operator the call is offered to, with inbound sales preselected for the toll-free number', async () => {
    const operatore1 = await consoleOf('operatore1');
    const operatore2 = await consoleOf('operatore2');
    try {
      const customer = await uniqueCustomer();
      const callId = randomUUID();
      const offered = operatore1.nextPop();
      const elsewhere = operatore2.nextPop(300);
      const { status, body } = await ctiEvent({
        type: 'offered',
        callId,
        ani: customer.phone,
        dnis: '800100100',
        operator: 'operatore1',
      });
      expect(status).toBe(202);
      expect(body).toEqual({ callId, state: 'offered', onHold: false, popped: true, duplicate: false });

      // pushed, not polled: it is there within a second
      expect(await offered).toMatchObject({
        callId,
        type: 'offered',
        customerId: customer.id,
        customerName: customer.name,
        flow: 'inbound_sales',
        dnis: '800100100',
      });
      expect(operatore1.pops[0]?.ani).toMatch(/^\+39 ••• ••• •\d{3}$/);
      // another operator's console receives nothing
      expect(await elsewhere).toBeNull();

      // answered pops again (the card moves on); ended moves only the call strip
      const answered = operatore1.nextPop();
      expect(
        (await ctiEvent({ type: 'answered', callId, ani: customer.phone, dnis: '800100100', operator: 'operatore1' }))
          .status,
      ).toBe(202);
      expect(await answered).toMatchObject({ callId, type: 'answered' });
      const ended = await ctiEvent({
        type: 'ended',
        callId,
        ani: customer.phone,
        dnis: '800100100',
        operator: 'operatore1',
      });
      expect(ended.body).toMatchObject({ state: 'ended', popped: false });
      expect(await operatore1.nextPop(1_000)).toMatchObject({
        callId,
        type: 'ended',
        call: { state: 'ended', answeredAt: anyString(), endedAt: anyString(), heldMs: 0, heldSince: null },
      });
      expect(await operatore1.nextPop(300)).toBeNull();
      expect(operatore2.pops).toEqual([]);

      const row = await db(server).get('SELECT * FROM cti_calls WHERE call_id = ?', callId);
      expect(row).toMatchObject({ state: 'ended', flow: 'inbound_sales', customer_id: customer.id, dnis: '800100100' });
      expect(row?.offered_at).not.toBeNull();
      expect(row?.answered_at).not.toBeNull();
      expect(row?.ended_at).not.toBeNull();
    } finally {
      operatore1.close();
      operatore2.close();
    }
  });

  it('preselects cross-sell after OCS for the assistance number, and pops an unknown caller without a customer', async () => {
    const operatore3 = await consoleOf('operatore3');
    try {
      const callId = randomUUID();
      const pop = operatore3.nextPop();
      await ctiEvent({
        type: 'answered',
        callId,
        ani: '+39 333 000 0001',
        dnis: '+39 800 200 200',
        operator: 'operatore3',
      });
      expect(await pop).toMatchObject({
        callId,
        type: 'answered',
        customerId: null,
        customerName: null,
        flow: 'ocs_cross_sell',
        dnis: '800200200',
      });

      const withheld = operatore3.nextPop();
      await ctiEvent({
        type: 'offered',
        callId: randomUUID(),
        ani: 'anonymous',
        dnis: '800100100',
        operator: 'operatore3',
      });
      expect(await withheld).toMatchObject({ ani: null, customerId: null, flow: 'inbound_sales' });
    } finally {
      operatore3.close();
    }
  });

  it('takes a repeated event as a retry: 200, no second pop', async () => {
    const operatore4 = await consoleOf('operatore4');
    try {
      const event = {
        type: 'offered',
        callId: randomUUID(),
        ani: '3470009999',
        dnis: '800100100',
        operator: 'operatore4',
      };
      const first = operatore4.nextPop();
      expect((await ctiEvent(event)).status).toBe(202);
      expect(await first).not.toBeNull();
      const retry = await ctiEvent(event);
      expect(retry).toMatchObject({ status: 200, body: { duplicate: true, popped: false } });
      expect(await operatore4.nextPop(300)).toBeNull();
    } finally {
      operatore4.close();
    }
  });
});

describe('inbound calls: the CTI endpoint refuses', () => {
  it('an unknown operator with a 404', async () => {
    const { status, body } = await ctiEvent({
      type: 'offered',
      callId: 'c-1',
      ani: '3470001111',
      dnis: '800100100',
      operator: 'nobody',
    });
    expect(status).toBe(404);
    expect(body).toMatchObject({ error: { code: 'NOT_FOUND', message: containing('nobody') } });
  });

  it('a missing or wrong key with a 401', async () => {
    const { status, body } = await ctiEvent(
      { type: 'offered', callId: 'c-2', ani: '3470001111', dnis: '800100100', operator: 'operatore1' },
      'wrong',
    );
    expect(status).toBe(401);
    expect(body).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
  });

  it('bad events with a 400 naming each field', async () => {
    const { status, body } = await ctiEvent({
      type: 'ringing',
      callId: '',
      ani: '3470001111',
      dnis: 'toll free',
      operator: 'operatore1',
      x: 1,
    });
    expect(status).toBe(400);
    expect(Object.keys((body.error as { fields: Record<string, string[]> }).fields).sort()).toEqual([
      'callId',
      'dnis',
      'type',
      'x',
    ]);
  });

  it('a screen-pop stream for anyone but an operator', async () => {
    const tutor = createApiClient(server.url);
    await tutor.login('tutor1');
    const refused = await openLiveStream(server.url, 'screenPops', { cookie: tutor.cookieHeader() });
    expect(refused.status).toBe(403);
    expect(refused.refusal?.error).toMatchObject({ code: 'FORBIDDEN', domainCode: 'FORBIDDEN_ROLE' });
    expect((await openLiveStream(server.url, 'screenPops')).status).toBe(401);
  });
});
