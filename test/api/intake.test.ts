import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MovableClock } from '@valore/server/testing/movable-clock';
import { createApiClient, trpcError } from '../helpers/api-client';
import { startTestServer, TEST_INTAKE_KEY, type TestServer } from '../helpers/server';
import { db } from '../helpers/sql';
import { anyString } from '@valore/server/testing/matchers';

// Tuesday 1 December 2026, 10:00 in Rome: inside the service calendar.
const NOW = '2026-12-01T09:00:00.000Z';
const clock = new MovableClock(NOW);
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ clock });
});
afterAll(async () => {
  await server.close();
});

interface ApiAnswer {
  status: number;
  headers: Headers;
  body: { id?: string; dueBy?: string; error?: { code: string; message: string; fields?: Record<string, string[]> } };
}

async function post(body: unknown, headers: Record<string, string> = {}, raw?: string): Promise<ApiAnswer> {
  const response = await fetch(`${server.url}/api/v1/callback-requests`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_INTAKE_KEY}`, 'content-type': 'application/json', ...headers },
    body: raw ?? JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as ApiAnswer['body'] };
}

const callMeNow = (over: Record<string, unknown> = {}) => ({
  phone: '+39 347 000 1122',
  product: 'CONTO',
  mode: 'now',
  channel: 'web',
  ...over,
});

const rowCount = async () => (await db(server).get<{ n: number }>('SELECT count(*) AS n FROM callback_requests'))!.n;

const requestRow = async (id: string) =>
  (await db(server).get<{
    phone: string;
    customer_id: number | null;
    due_at: string;
    due_by: string;
    max_attempts: number;
    mode: string;
  }>('SELECT * FROM callback_requests WHERE id = ?', id))!;

/** A demo customer whose phone number nobody else shares. */
const uniqueCustomer = async () =>
  (await db(server).get<{ id: number; phone: string }>(
    'SELECT min(id) AS id, phone FROM customers GROUP BY phone HAVING count(*) = 1 ORDER BY min(id) LIMIT 1',
  ))!;

describe('the public intake API: keys', () => {
  it('refuses a request without a key, or with a wrong one, with a 401 in JSON', async () => {
    for (const authorization of [undefined, 'Bearer wrong-key', `Basic ${TEST_INTAKE_KEY}`, 'Bearer']) {
      const response = await fetch(`${server.url}/api/v1/callback-requests`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify(callMeNow()),
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await response.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    }
    const products = await fetch(`${server.url}/api/v1/products`);
    expect(products.status).toBe(401);
  });

  it('lists the catalogue codes an integration may send', async () => {
    const response = await fetch(`${server.url}/api/v1/products`, {
      headers: { authorization: `Bearer ${TEST_INTAKE_KEY}` },
    });
    expect(response.status).toBe(200);
    const products = (await response.json()) as { code: string; name: string; outcomes: string[] }[];
    expect(products.map((p) => p.code)).toEqual(expect.arrayContaining(['CONTO', 'LIBRETTO', 'FIBRA']));
    expect(products.find((p) => p.code === 'FIBRA')).toEqual({
      code: 'FIBRA',
      name: 'Fibra per la casa',
      outcomes: ['lead', 'digital_funnel'],
    });
  });
});

describe('the public intake API: validation', () => {
  it.each([
    ['phone', { phone: '12ab' }, /Italian phone number/],
    ['phone', { phone: '+44 20 7946 0958' }, /Italian phone number/],
    ['product', { product: 'conto corrente' }, /catalogue product code/],
    ['product', { product: 'NOT_A_PRODUCT' }, /not an active catalogue product/],
    ['mode', { mode: 'later' }, /"now".*"scheduled"/],
    ['channel', { channel: 'fax' }, /"web" or "app"/],
    ['preferredAt', { mode: 'scheduled' }, /scheduled request needs preferredAt/],
    ['preferredAt', { mode: 'scheduled', preferredAt: 'tomorrow at ten' }, /ISO-8601/],
    // Sunday 6 December 2026, 11:00 in Rome
    [
      'preferredAt',
      { mode: 'scheduled', preferredAt: '2026-12-06T10:00:00Z' },
      /service hours: Monday–Friday 07:30–19:30/,
    ],
    // Tuesday 8 December 2026 is a national holiday (Immacolata)
    ['preferredAt', { mode: 'scheduled', preferredAt: '2026-12-08T10:00:00Z' }, /service hours/],
    // Wednesday 20:00 in Rome: after closing
    ['preferredAt', { mode: 'scheduled', preferredAt: '2026-12-02T19:00:00Z' }, /service hours/],
    ['preferredAt', { mode: 'scheduled', preferredAt: '2026-11-30T10:00:00Z' }, /in the future/],
    ['preferredAt', { mode: 'scheduled', preferredAt: '2027-03-02T10:00:00Z' }, /within 30 days/],
    ['customerId', { customerId: '99999999' }, /No customer with id 99999999/],
    ['customerId', { customerId: 42 }, /string of digits/],
    ['note', { note: 'x'.repeat(501) }, /at most 500/],
    ['fax', { fax: '06 1234 5678' }, /Unknown field "fax"/],
  ])('answers a bad %s with 400 and a message on that field (%j)', async (field, over, message) => {
    const before = await rowCount();
    const { status, body } = await post(callMeNow(over));
    expect(status).toBe(400);
    expect(body.error?.code).toBe('BAD_REQUEST');
    expect(body.error?.fields?.[field]?.join(' ')).toMatch(message);
    expect(body.error?.message).toContain(field);
    expect(await rowCount()).toBe(before);
  });

  it('reports every bad field at once', async () => {
    const { status, body } = await post({ phone: '', product: 'x', mode: 'scheduled', channel: 'web', extra: true });
    expect(status).toBe(400);
    expect(Object.keys(body.error?.fields ?? {}).sort()).toEqual(['extra', 'phone', 'preferredAt', 'product']);
  });

  it('answers malformed JSON, a non-object body and a wrong content type without a 500', async () => {
    const malformed = await post(null, {}, '{"phone": "+39 347');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatchObject({ code: 'BAD_REQUEST', message: 'The request body is not valid JSON.' });

    const array = await post([callMeNow()]);
    expect(array.status).toBe(400);
    expect(array.body.error?.message).toMatch(/JSON object/);

    const form = await post(null, { 'content-type': 'application/x-www-form-urlencoded' }, 'phone=3470001122');
    expect(form.status).toBe(415);

    const huge = await post(callMeNow({ note: 'x'.repeat(40_000) }));
    expect(huge.status).toBe(413);
  });
});

describe('the public intake API: queuing requests', () => {
  it('queues a Call Me Now due at once, with a due-by five minutes from now, matched to the customer by phone', async () => {
    const customer = await uniqueCustomer();
    const spaced = `${customer.phone.slice(0, 3)} ${customer.phone.slice(3, 6)} ${customer.phone.slice(6)}`;
    const { status, body } = await post(callMeNow({ phone: spaced, channel: 'app', note: '  prefers mornings ' }));
    expect(status).toBe(201);
    expect(body).toEqual({ id: anyString(), dueBy: '2026-12-01T09:05:00.000Z' });
    const row = await requestRow(body.id ?? '');
    expect(row).toMatchObject({
      phone: customer.phone,
      customer_id: customer.id,
      due_at: NOW,
      mode: 'now',
      max_attempts: 3,
    });
  });

  it('keeps customerId null when nobody has that number, and takes an explicit customerId', async () => {
    const stranger = await post(callMeNow({ phone: '0039 333 987 6543' }));
    expect(stranger.status).toBe(201);
    expect(await requestRow(stranger.body.id ?? '')).toMatchObject({ phone: '+393339876543', customer_id: null });

    const known = await post(callMeNow({ phone: '06 1234 5678', customerId: '7' }));
    expect(known.status).toBe(201);
    expect(await requestRow(known.body.id ?? '')).toMatchObject({ phone: '+390612345678', customer_id: 7 });
  });

  it('queues a Call Me Back at the chosen slot inside the service calendar', async () => {
    // Saturday 5 December 2026, 15:00 in Rome (Saturday closes at 15:12); on a Saturday only the published rota's
    // people are on shift, so one is (capacity: test/api/callback-slots.test.ts)
    await db(server).run(
      `INSERT INTO rota_shifts (site_id, user_id, date, kind, starts, ends, status, created_at, published_at)
       SELECT site_id, id, '2026-12-05', 'saturday', '07:30', '15:12', 'published', ?, ? FROM users
       WHERE username = 'operatore1'`,
      NOW,
      NOW,
    );
    const { status, body } = await post(
      callMeNow({ mode: 'scheduled', preferredAt: '2026-12-05T15:00:00+01:00', product: 'FIBRA' }),
    );
    expect(status).toBe(201);
    expect(body.dueBy).toBe('2026-12-05T14:15:00.000Z');
    expect(await requestRow(body.id ?? '')).toMatchObject({ due_at: '2026-12-05T14:00:00.000Z', mode: 'scheduled' });
  });

  it('writes an audit record without the phone number', async () => {
    const { body } = await post(callMeNow({ product: 'SIM' }));
    const audit = (await db(server).get<{ details: string }>(
      "SELECT details FROM audit_log WHERE action = 'callback_request.created' AND entity_id = ?",
      body.id,
    ))!;
    expect(JSON.parse(audit.details)).toMatchObject({ productCode: 'SIM', mode: 'now', channel: 'web' });
    expect(audit.details).not.toContain('347');
  });
});

describe('the public intake API: idempotency', () => {
  it('gives the same id for the same key and body, and refuses the key with another body', async () => {
    const key = randomUUID();
    const first = await post(callMeNow({ product: 'LIBRETTO' }), { 'idempotency-key': key });
    const again = await post(callMeNow({ product: 'LIBRETTO' }), { 'idempotency-key': key });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');

    const other = await post(callMeNow({ product: 'BUONI' }), { 'idempotency-key': key });
    expect(other.status).toBe(409);
    expect(other.body.error?.message).toMatch(/already used for a different request/);
  });

  it('stores one request when ten replays of it arrive at once', async () => {
    const key = randomUUID();
    const before = await rowCount();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => post(callMeNow({ product: 'PRESTITO' }), { 'idempotency-key': key })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(201));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(await rowCount()).toBe(before + 1);
  });

  it('refuses an unusable Idempotency-Key', async () => {
    const { status, body } = await post(callMeNow(), { 'idempotency-key': 'x'.repeat(200) });
    expect(status).toBe(400);
    expect(body.error?.fields?.['Idempotency-Key']).toBeDefined();
  });
});

describe('the Call Me Now SLA board', () => {
  it('is closed to anonymous callers', async () => {
    const anonymous = createApiClient(server.url);
    expect((await trpcError(anonymous.trpc.callbacks.board.query())).data?.httpStatus).toBe(401);
  });

  it('lists the open requests with masked phones and flags a breach once the due-by passes', async () => {
    const { body } = await post(callMeNow({ phone: '+39 320 555 0101', product: 'CARTA_IBAN' }));
    const operator = createApiClient(server.url);
    await operator.login('operatore1');
    const board = await operator.trpc.callbacks.board.query();
    const item = board.items.find((i) => i.id === body.id);
    expect(item).toMatchObject({
      mode: 'now',
      channel: 'web',
      productCode: 'CARTA_IBAN',
      status: 'pending',
      dueBy: '2026-12-01T09:05:00.000Z',
      breached: false,
      due: true,
      heldBy: null,
      attempts: 0,
    });
    expect(item?.phoneMasked).toMatch(/•101$/);
    expect(item?.phoneMasked).not.toContain('555');
    expect(board.targetMinutes).toBe(5);
    expect(board.counts.breached).toBe(0);
    expect(board.counts.waiting).toBeGreaterThanOrEqual(1);
    expect(board.counts.scheduled).toBeGreaterThanOrEqual(1);

    clock.advance(6 * 60_000);
    const tutor = createApiClient(server.url);
    await tutor.login('tutor1');
    const later = await tutor.trpc.callbacks.board.query();
    expect(later.items.find((i) => i.id === body.id)).toMatchObject({ breached: true });
    expect(later.counts.breached).toBeGreaterThanOrEqual(1);
    // the Saturday slot is not breached: it is not even due yet
    expect(later.items.find((i) => i.mode === 'scheduled')).toMatchObject({ breached: false, due: false });
  });
});

describe('the public intake API: rate limit', () => {
  it('answers 429 with Retry-After past the per-key limit', async () => {
    const limited = await startTestServer({
      clock: new MovableClock(NOW),
      env: { VALORE_INTAKE_RATE_PER_MINUTE: '3' },
    });
    try {
      const send = () =>
        fetch(`${limited.url}/api/v1/callback-requests`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TEST_INTAKE_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify(callMeNow()),
        });
      for (let i = 0; i < 3; i++) expect((await send()).status).toBe(201);
      const refused = await send();
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await refused.json()).toMatchObject({ error: { code: 'TOO_MANY_REQUESTS' } });
      // another key has its own bucket; a wrong key is still a 401, not a 429
      const wrong = await fetch(`${limited.url}/api/v1/products`, { headers: { authorization: 'Bearer nope' } });
      expect(wrong.status).toBe(401);
    } finally {
      await limited.close();
    }
  });
});
