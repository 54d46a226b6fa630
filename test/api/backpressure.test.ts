import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundSale } from '@valore/server/testing/completions';
import type { CompleteInteractionInput } from '@valore/shared/schemas/interactions';
import { createApiClient, type ApiClient } from '../helpers/api-client';
import { startTestServer, type TestServer } from '../helpers/server';
import { db } from '../helpers/sql';

/**
 * Backpressure on the write path (issue 15): with a tiny write queue (VALORE_WRITE_QUEUE_MAX=1) a burst of completions
 * sent at once overfills it. Every answer is then either done (200) or refused at once with 503, Retry-After and the
 * SERVER_BUSY code; a refused completion left nothing behind, and sent again (same clientId, as the console's offline
 * queue does) it goes through once.
 */
let server: TestServer;
let operator: ApiClient;

beforeAll(async () => {
  server = await startTestServer({ env: { VALORE_WRITE_QUEUE_MAX: '1' } });
  operator = createApiClient(server.url);
  await operator.login('operatore1');
}, 60_000);
afterAll(async () => {
  await server?.close();
});

const count = async (sql: string, ...params: unknown[]) => (await db(server).get<{ n: number }>(sql, ...params))!.n;
const QUICK = { startMs: Date.now() - 120_000, stepMs: 1000, handleMs: 4000, acwMs: 1000 };
let nextCustomer = 300;

interface Answer {
  input: CompleteInteractionInput;
  status: number;
  retryAfter: string | null;
  data: { code?: string; domainCode?: string | null; httpStatus?: number; retryAfterSeconds?: number | null } | null;
}

/** Sends a completion as the console does (a plain tRPC POST), keeping the status and headers tRPC clients hide. */
async function complete(input: CompleteInteractionInput): Promise<Answer> {
  const response = await operator.fetch(`${server.url}/trpc/interactions.complete`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = (await response.json()) as { error?: { data?: Answer['data'] } };
  return {
    input,
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    data: body.error?.data ?? null,
  };
}

const written = async (input: CompleteInteractionInput) =>
  await count('SELECT count(*) n FROM interactions WHERE client_id = ?', input.clientId);

describe('a full write queue', () => {
  it('refuses the writes past it at once with 503 + Retry-After, writes nothing of them, and takes them on retry', async () => {
    const before = {
      interactions: await count('SELECT count(*) n FROM interactions'),
      leads: await count('SELECT count(*) n FROM leads'),
    };
    const answers: Answer[] = [];
    // a burst overfills a queue of one as soon as two completions reach it in the same turn; a few bursts at most
    for (let burst = 0; burst < 5 && !answers.some((a) => a.status === 503); burst++) {
      const inputs = Array.from({ length: 12 }, () => inboundSale(nextCustomer++, 'lead', QUICK));
      answers.push(...(await Promise.all(inputs.map(complete))));
    }
    const refused = answers.filter((a) => a.status === 503);
    const done = answers.filter((a) => a.status === 200);
    expect(refused.length).toBeGreaterThan(0);
    expect(done.length + refused.length).toBe(answers.length);
    for (const a of refused) {
      expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(a.data).toMatchObject({
        code: 'SERVICE_UNAVAILABLE',
        domainCode: 'SERVER_BUSY',
        httpStatus: 503,
        retryAfterSeconds: Number(a.retryAfter),
      });
      expect(await written(a.input)).toBe(0);
    }
    for (const a of done) expect(await written(a.input)).toBe(1);
    expect(await count('SELECT count(*) n FROM interactions')).toBe(before.interactions + done.length);
    expect(await count('SELECT count(*) n FROM leads')).toBe(before.leads + done.length);

    // sent again one at a time (the console's offline queue retries after the wait): each goes through once
    for (const a of refused) expect((await complete(a.input)).status).toBe(200);
    for (const a of answers) expect(await written(a.input)).toBe(1);
    expect(await count('SELECT count(*) n FROM leads')).toBe(before.leads + answers.length);
  });
});
