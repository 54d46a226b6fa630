import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintSelfServiceToken, SELF_SERVICE_SECRET_NAME } from '@valore/server/domains/self-service/self-service-token';
import { MovableClock } from '@valore/server/testing/movable-clock';
import { startTestServer, TEST_INTAKE_KEY, type TestServer } from '../helpers/server';

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

const sql = () => server.database.sqlite;
const count = (table: string, where = '1 = 1', ...params: unknown[]) =>
  (sql().prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).get(...params) as { n: number }).n;

/** Everything a customer's change could write: the tables are compared before and after a refused request. */
const footprint = () => ({
  audit: count('audit_log'),
  outbox: count('outbox'),
  idempotency: count('idempotency_keys'),
  callbacks: sql().prepare('SELECT id, status, due_at FROM callback_requests ORDER BY id').all(),
  appointments: sql().prepare('SELECT id, status, slot_id FROM appointments ORDER BY id').all(),
  slots: sql().prepare('SELECT id, booked FROM appointment_slots WHERE booked > 0 ORDER BY id').all(),
});

/** The link of the newest message about this reference, as the customer receives it. */
function linkIn(refType: string, refId: string | number): string {
  const row = sql()
    .prepare('SELECT body FROM outbox WHERE ref_type = ? AND ref_id = ? ORDER BY id DESC LIMIT 1')
    .get(refType, String(refId)) as { body: string } | undefined;
  const url = /https?:\/\/\S+\/s\/[A-Za-z0-9._-]+/.exec(row?.body ?? '')?.[0];
  if (!url) throw new Error(`no self-service link in the message of ${refType} ${refId}: ${row?.body}`);
  return url;
}

async function get(url: string): Promise<{ status: number; html: string; location: string | null }> {
  const response = await fetch(url, { redirect: 'manual' });
  return { status: response.status, html: await response.text(), location: response.headers.get('location') };
}

/** The hidden keys of the page's form, as a browser would post them back. */
function formKeys(html: string): { requestId: string; formToken: string } {
  const requestId = /name="requestId" value="([^"]+)"/.exec(html)?.[1];
  const formToken = /name="formToken" value="([^"]+)"/.exec(html)?.[1];
  if (!requestId || !formToken) throw new Error(`no form on the page:\n${html}`);
  return { requestId, formToken };
}

const optionValues = (html: string) => [...html.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1] ?? '');

async function post(
  url: string,
  fields: Record<string, string>,
  headers: Record<string, string> = { origin: new URL(url).origin },
): Promise<{ status: number; html: string; location: string | null }> {
  const response = await fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: response.status, html: await response.text(), location: response.headers.get('location') };
}

async function scheduleCallback(preferredAt: string): Promise<string> {
  const customer = sql()
    .prepare('SELECT min(id) AS id, phone FROM customers GROUP BY phone HAVING count(*) = 1 ORDER BY min(id) LIMIT 1 OFFSET ?')
    .get(count('callback_requests')) as { id: number; phone: string };
  const response = await fetch(`${server.url}/api/v1/callback-requests`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_INTAKE_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ phone: customer.phone, customerId: String(customer.id), product: 'CONTO', mode: 'scheduled', preferredAt, channel: 'web' }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

const callbackRow = (id: string) =>
  sql().prepare('SELECT status, due_at, close_reason FROM callback_requests WHERE id = ?').get(id) as {
    status: string;
    due_at: string;
    close_reason: string | null;
  };

const romeClock = (iso: string) =>
  new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));

describe('a scheduled callback’s self-service link', () => {
  // Thursday 3 December 2026, 10:00 in Rome
  const AGREED = '2026-12-03T09:00:00.000Z';

  it('comes in the confirmation SMS and opens a page with the time and the two choices', async () => {
    const id = await scheduleCallback(AGREED);
    const sms = sql().prepare("SELECT channel, body FROM outbox WHERE ref_type = 'callback_request' AND ref_id = ?").all(id) as {
      channel: string;
      body: string;
    }[];
    expect(sms.filter((m) => m.channel === 'sms')).toHaveLength(1);
    expect(sms[0]?.body).toMatch(/la richiameremo giovedì 3 dicembre alle 10:00; per spostare o annullare: http/);

    const url = linkIn('callback_request', id);
    expect(url.startsWith(`${server.url}/s/c.`)).toBe(true);
    const page = await get(url);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<html lang="it">');
    expect(page.html).toContain('name="viewport"');
    expect(page.html).toMatch(/<h1>La sua richiamata<\/h1>/);
    expect(page.html).toContain('Giovedì 3 dicembre 2026, ore 10:00');
    expect(page.html).toContain(`href="/s/${url.split('/s/')[1]}/move"`);
    expect(page.html).not.toMatch(/<script/i);
  });

  it('moves the callback to an offered time inside the calendar, audited, with a new confirmation', async () => {
    const id = await scheduleCallback(AGREED);
    const url = linkIn('callback_request', id);
    const form = await get(`${url}/move`);
    expect(form.status).toBe(200);
    const options = optionValues(form.html);
    expect(options.length).toBeGreaterThan(20);
    // only service-calendar half hours: no Sunday 6 nor the 8 December holiday
    const romeDates = options.map((o) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date(o)));
    expect(romeDates).not.toContain('2026-12-06');
    expect(romeDates).not.toContain('2026-12-08');
    const target = options.find((o) => o === '2026-12-04T10:30:00.000Z'); // Friday 11:30
    expect(target).toBeDefined();

    const before = footprint();
    const answer = await post(`${url}/move`, { ...formKeys(form.html), choice: target ?? '' });
    expect(answer.status).toBe(303);
    expect(answer.location).toMatch(/^\/s\/c\.[^?]+\?fatto=spostato$/);
    expect(callbackRow(id)).toMatchObject({ status: 'pending', due_at: '2026-12-04T10:30:00.000Z' });
    const audit = sql()
      .prepare("SELECT actor_id, details FROM audit_log WHERE action = 'promise.callback_moved' AND entity_id = ?")
      .all(id) as { actor_id: number | null; details: string }[];
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actor_id).toBeNull();
    expect(JSON.parse(audit[0]?.details ?? '{}')).toMatchObject({ by: 'customer', from: AGREED, to: '2026-12-04T10:30:00.000Z' });
    expect(count('outbox')).toBe(before.outbox + 1);
    expect(sql().prepare("SELECT body FROM outbox WHERE ref_id = ? ORDER BY id DESC").get(id)).toMatchObject({
      body: expect.stringContaining('venerdì 4 dicembre alle 11:30'),
    });

    const after = await get(`${server.url}${answer.location}`);
    expect(after.status).toBe(200);
    expect(after.html).toContain('la richiamata è stata spostata');
    expect(after.html).toContain(`ore ${romeClock('2026-12-04T10:30:00.000Z')}`);
  });

  it('refuses a Sunday with the rule’s message on the page, and writes nothing', async () => {
    const id = await scheduleCallback(AGREED);
    const url = linkIn('callback_request', id);
    const form = await get(`${url}/move`);
    const before = footprint();
    const sunday = await post(`${url}/move`, { ...formKeys(form.html), choice: '2026-12-06T09:00:00.000Z' });
    expect(sunday.status).toBe(400);
    expect(sunday.html).toContain('role="alert"');
    expect(sunday.html).toContain('fuori dagli orari del servizio');
    expect(sunday.html).toContain('aria-invalid="true"');
    expect(footprint()).toEqual(before);
    expect(callbackRow(id).due_at).toBe(AGREED);
  });

  it('does not move twice when the same form is posted again, and refuses the same form for another time', async () => {
    const id = await scheduleCallback(AGREED);
    const url = linkIn('callback_request', id);
    const keys = formKeys((await get(`${url}/move`)).html);
    const first = await post(`${url}/move`, { ...keys, choice: '2026-12-02T14:00:00.000Z' });
    expect(first.status).toBe(303);
    const before = footprint();
    const again = await post(`${url}/move`, { ...keys, choice: '2026-12-02T14:00:00.000Z' });
    expect(again.status).toBe(303);
    expect(again.location).toBe(first.location);
    expect(footprint()).toEqual(before);
    const other = await post(`${url}/move`, { ...keys, choice: '2026-12-02T15:00:00.000Z' });
    expect(other.status).toBe(409);
    expect(footprint()).toEqual(before);
    expect(callbackRow(id).due_at).toBe('2026-12-02T14:00:00.000Z');
  });

  it('cancels the callback once, audited, and the page then says so', async () => {
    const id = await scheduleCallback(AGREED);
    const url = linkIn('callback_request', id);
    const confirm = await get(`${url}/cancel`);
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain('Annullare la richiamata?');
    const keys = formKeys(confirm.html);
    const done = await post(`${url}/cancel`, keys);
    expect(done.status).toBe(303);
    expect(done.location).toBe(`${new URL(url).pathname}?fatto=annullato`);
    expect(callbackRow(id)).toMatchObject({ status: 'cancelled', close_reason: 'customer_self_service' });
    expect(count('audit_log', "action = 'promise.callback_cancelled' AND entity_id = ?", id)).toBe(1);

    const before = footprint();
    expect((await post(`${url}/cancel`, keys)).location).toBe(done.location);
    const page = await get(url);
    expect(page.html).toContain('Questa richiamata è stata annullata');
    expect(page.html).not.toContain('/cancel"');
    // no second form: the confirmation page sends the customer back to the page
    expect(await get(`${url}/cancel`)).toMatchObject({ status: 303, location: new URL(url).pathname });
    expect(footprint()).toEqual(before);
  });
});

describe('links that open nothing', () => {
  it('a tampered or unknown link is a 404, an expired one a 410, and posting to them writes nothing', async () => {
    const id = await scheduleCallback('2026-12-03T10:00:00.000Z');
    const url = linkIn('callback_request', id);
    const form = await get(`${url}/move`);
    const keys = formKeys(form.html);
    const [base, token = ''] = url.split('/s/');
    const parts = token.split('.');
    const tampered = `${base}/s/${parts[0]}.${parts[1]}.${(parseInt(parts[2] ?? '0', 36) + 86_400).toString(36)}.${parts[3]}`;

    const before = footprint();
    for (const bad of [tampered, `${base}/s/nonsense`, `${base}/s/${token.slice(0, -1)}x`]) {
      const page = await get(bad);
      expect(page.status).toBe(404);
      expect(page.html).toContain('Link non valido');
      expect((await post(`${bad}/move`, { ...keys, choice: '2026-12-02T14:00:00.000Z' })).status).toBe(404);
      expect((await post(`${bad}/cancel`, keys)).status).toBe(404);
    }

    const secret = (sql().prepare('SELECT value FROM app_secrets WHERE name = ?').get(SELF_SERVICE_SECRET_NAME) as { value: string }).value;
    const expired = mintSelfServiceToken(secret, { purpose: 'c', id }, new Date(Date.parse(NOW) - 60_000));
    const gone = await get(`${base}/s/${expired}`);
    expect(gone.status).toBe(410);
    expect(gone.html).toContain('Link scaduto');
    expect((await post(`${base}/s/${expired}/cancel`, keys)).status).toBe(410);
    // an appointment token for a callback's id cannot even be minted; an unknown appointment is a 404
    expect((await get(`${base}/s/${mintSelfServiceToken(secret, { purpose: 'a', id: 99_999_999 }, new Date('2027-01-01'))}`)).status).toBe(404);
    expect(footprint()).toEqual(before);
    expect(callbackRow(id).status).toBe('pending');
  });

  it('a form without its keys, or posted from another site, is refused and writes nothing', async () => {
    const id = await scheduleCallback('2026-12-03T10:00:00.000Z');
    const url = linkIn('callback_request', id);
    const keys = formKeys((await get(`${url}/cancel`)).html);
    const before = footprint();
    expect((await post(`${url}/cancel`, { requestId: keys.requestId, formToken: 'x'.repeat(22) })).status).toBe(403);
    expect((await post(`${url}/cancel`, {})).status).toBe(403);
    expect((await post(`${url}/cancel`, keys, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await post(`${url}/cancel`, keys, { origin: new URL(url).origin, 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    const json = await fetch(`${url}/cancel`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/json' }, body: JSON.stringify(keys) });
    expect(json.status).toBe(403);
    expect(footprint()).toEqual(before);
    expect(callbackRow(id).status).toBe('pending');
  });
});

describe('the pages’ headers', () => {
  it('forbid caching and indexing, and the stylesheet comes from our own origin under the CSP', async () => {
    const id = await scheduleCallback('2026-12-03T10:00:00.000Z');
    const response = await fetch(linkIn('callback_request', id));
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-robots-tag')).toContain('noindex');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    const html = await response.text();
    const css = /<link rel="stylesheet" href="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(css.startsWith('/s/self-service.css')).toBe(true);
    const sheet = await fetch(`${server.url}${css}`);
    expect(sheet.status).toBe(200);
    expect(sheet.headers.get('content-type')).toContain('text/css');
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After once a client has opened too many pages in a minute', async () => {
    clock.advance(60_000); // a full bucket
    let limited: Response | null = null;
    for (let i = 0; i < 100 && !limited; i++) {
      const response = await fetch(`${server.url}/s/nonsense-${i}`);
      if (response.status === 429) limited = response;
      else await response.text();
    }
    expect(limited).not.toBeNull();
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited?.text()).toContain('Troppe richieste');
    clock.advance(60_000);
  });
});
