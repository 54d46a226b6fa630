import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintSelfServiceToken, SELF_SERVICE_SECRET_NAME } from '@valore/server/domains/self-service/self-service-token';
import { inboundSale } from '@valore/server/testing/completions';
import { MovableClock } from '@valore/server/testing/movable-clock';
import { createApiClient, type ApiClient } from '../helpers/api-client';
import { postCallbackRequest } from '../helpers/intake';
import { startTestServer, type TestServer } from '../helpers/server';
import { db } from '../helpers/sql';
import { containing } from '@valore/server/testing/matchers';

// Tuesday 1 December 2026, 10:00 in Rome: inside the service calendar.
const NOW = '2026-12-01T09:00:00.000Z';
const clock = new MovableClock(NOW);
let server: TestServer;
let operator: ApiClient;

beforeAll(async () => {
  server = await startTestServer({ clock });
  operator = createApiClient(server.url);
  await operator.login('operatore1');
}, 60_000);
afterAll(async () => {
  await server.close();
});

const sql = () => db(server);
const count = async (table: string, where = '1 = 1', ...params: unknown[]) =>
  (await sql().get<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE ${where}`, ...params))!.n;

/** Everything a customer's change could write: the tables are compared before and after a refused request. */
const footprint = async () => ({
  audit: await count('audit_log'),
  outbox: await count('outbox'),
  idempotency: await count('idempotency_keys'),
  callbacks: await sql().all('SELECT id, status, due_at FROM callback_requests ORDER BY id'),
  appointments: await sql().all('SELECT id, status, slot_id FROM appointments ORDER BY id'),
  slots: await sql().all('SELECT id, booked FROM appointment_slots WHERE booked > 0 ORDER BY id'),
});

/** The link of the newest message about this reference, as the customer receives it. */
async function linkIn(refType: string, refId: string | number): Promise<string> {
  const row = await sql().get<{ body: string }>(
    'SELECT body FROM outbox WHERE ref_type = ? AND ref_id = ? ORDER BY id DESC LIMIT 1',
    refType,
    String(refId),
  );
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

async function scheduleCallback(preferredAt: string, language?: 'it' | 'en'): Promise<string> {
  const customer = (await sql().get<{ id: number; phone: string }>(
    'SELECT min(id) AS id, phone FROM customers GROUP BY phone HAVING count(*) = 1 ORDER BY min(id) LIMIT 1 OFFSET ?',
    await count('callback_requests'),
  ))!;
  const response = await postCallbackRequest(server, {
    phone: customer.phone,
    customerId: String(customer.id),
    product: 'CONTO',
    mode: 'scheduled',
    preferredAt,
    channel: 'web',
    language,
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

const callbackRow = async (id: string) =>
  (await sql().get<{
    status: string;
    due_at: string;
    close_reason: string | null;
  }>('SELECT status, due_at, close_reason FROM callback_requests WHERE id = ?', id))!;

const romeClock = (iso: string) =>
  new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', hour: '2-digit', minute: '2-digit' }).format(
    new Date(iso),
  );

describe('a scheduled callback’s self-service link', () => {
  // Thursday 3 December 2026, 10:00 in Rome
  const AGREED = '2026-12-03T09:00:00.000Z';

  it('comes in the confirmation SMS and opens a page with the time and the two choices', async () => {
    const id = await scheduleCallback(AGREED);
    const sms = await sql().all<{
      channel: string;
      body: string;
    }>("SELECT channel, body FROM outbox WHERE ref_type = 'callback_request' AND ref_id = ?", id);
    expect(sms.filter((m) => m.channel === 'sms')).toHaveLength(1);
    expect(sms[0]?.body).toMatch(/la richiameremo giovedì 3 dicembre alle 10:00; per spostare o annullare: http/);

    const url = await linkIn('callback_request', id);
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
    const url = await linkIn('callback_request', id);
    const form = await get(`${url}/move`);
    expect(form.status).toBe(200);
    const options = optionValues(form.html);
    expect(options.length).toBeGreaterThan(20);
    // only service-calendar half hours: no Sunday 6 nor the 8 December holiday
    const romeDates = options.map((o) =>
      new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date(o)),
    );
    expect(romeDates).not.toContain('2026-12-06');
    expect(romeDates).not.toContain('2026-12-08');
    const target = options.find((o) => o === '2026-12-04T10:30:00.000Z'); // Friday 11:30
    expect(target).toBeDefined();

    const before = await footprint();
    const answer = await post(`${url}/move`, { ...formKeys(form.html), choice: target ?? '' });
    expect(answer.status).toBe(303);
    expect(answer.location).toMatch(/^\/s\/c\.[^?]+\?fatto=spostato$/);
    expect(await callbackRow(id)).toMatchObject({ status: 'pending', due_at: '2026-12-04T10:30:00.000Z' });
    const audit = await sql().all<{ actor_id: number | null; details: string }>(
      "SELECT actor_id, details FROM audit_log WHERE action = 'promise.callback_moved' AND entity_id = ?",
      id,
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actor_id).toBeNull();
    expect(JSON.parse(audit[0]?.details ?? '{}')).toMatchObject({
      by: 'customer',
      from: AGREED,
      to: '2026-12-04T10:30:00.000Z',
    });
    expect(await count('outbox')).toBe(before.outbox + 1);
    expect(await sql().get('SELECT body FROM outbox WHERE ref_id = ? ORDER BY id DESC', id)).toMatchObject({
      body: containing('venerdì 4 dicembre alle 11:30'),
    });

    const after = await get(`${server.url}${answer.location}`);
    expect(after.status).toBe(200);
    expect(after.html).toContain('la richiamata è stata spostata');
    expect(after.html).toContain(`ore ${romeClock('2026-12-04T10:30:00.000Z')}`);
  });

  it('refuses a Sunday with the rule’s message on the page, and writes nothing', async () => {
    const id = await scheduleCallback(AGREED);
    const url = await linkIn('callback_request', id);
    const form = await get(`${url}/move`);
    const before = await footprint();
    const sunday = await post(`${url}/move`, { ...formKeys(form.html), choice: '2026-12-06T09:00:00.000Z' });
    expect(sunday.status).toBe(400);
    expect(sunday.html).toContain('role="alert"');
    expect(sunday.html).toContain('fuori dagli orari del servizio');
    expect(sunday.html).toContain('aria-invalid="true"');
    expect(await footprint()).toEqual(before);
    expect((await callbackRow(id)).due_at).toBe(AGREED);
  });

  it('does not move twice when the same form is posted again, and refuses the same form for another time', async () => {
    const id = await scheduleCallback(AGREED);
    const url = await linkIn('callback_request', id);
    const keys = formKeys((await get(`${url}/move`)).html);
    const first = await post(`${url}/move`, { ...keys, choice: '2026-12-02T14:00:00.000Z' });
    expect(first.status).toBe(303);
    const before = await footprint();
    const again = await post(`${url}/move`, { ...keys, choice: '2026-12-02T14:00:00.000Z' });
    expect(again.status).toBe(303);
    expect(again.location).toBe(first.location);
    expect(await footprint()).toEqual(before);
    const other = await post(`${url}/move`, { ...keys, choice: '2026-12-02T15:00:00.000Z' });
    expect(other.status).toBe(409);
    expect(await footprint()).toEqual(before);
    expect((await callbackRow(id)).due_at).toBe('2026-12-02T14:00:00.000Z');
  });

  it('cancels the callback once, audited, and the page then says so', async () => {
    const id = await scheduleCallback(AGREED);
    const url = await linkIn('callback_request', id);
    const confirm = await get(`${url}/cancel`);
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain('Annullare la richiamata?');
    const keys = formKeys(confirm.html);
    const done = await post(`${url}/cancel`, keys);
    expect(done.status).toBe(303);
    expect(done.location).toBe(`${new URL(url).pathname}?fatto=annullato`);
    expect(await callbackRow(id)).toMatchObject({ status: 'cancelled', close_reason: 'customer_self_service' });
    expect(await count('audit_log', "action = 'promise.callback_cancelled' AND entity_id = ?", id)).toBe(1);

    const before = await footprint();
    expect((await post(`${url}/cancel`, keys)).location).toBe(done.location);
    const page = await get(url);
    expect(page.html).toContain('Questa richiamata è stata annullata');
    expect(page.html).not.toContain('/cancel"');
    // no second form: the confirmation page sends the customer back to the page
    expect(await get(`${url}/cancel`)).toMatchObject({ status: 303, location: new URL(url).pathname });
    expect(await footprint()).toEqual(before);
  });
  it('is written in the language the web request asked for', async () => {
    const id = await scheduleCallback(AGREED, 'en');
    const sms = (await sql().get<{ body: string }>(
      "SELECT body FROM outbox WHERE ref_type = 'callback_request' AND ref_id = ? AND channel = 'sms'",
      id,
    ))!;
    expect(sms.body).toMatch(
      /^Dear .+, we will call you back on Thursday 3 December at 10:00; to move or cancel: http/,
    );
    expect(await sql().get('SELECT language FROM callback_requests WHERE id = ?', id)).toEqual({ language: 'en' });
  });
});

const usedCustomers = new Set<number>();
/** A customer with marketing consent whom no other test of this file has booked for. */
async function freshCustomer(opts: { email?: boolean } = {}): Promise<{ id: number; phone: string }> {
  const rows = await sql().all<{
    id: number;
    phone: string;
    email: string | null;
  }>(`SELECT c.id, c.phone, c.email FROM customers c
       WHERE (SELECT granted FROM consents k WHERE k.customer_id = c.id AND k.purpose = 'marketing'
              ORDER BY recorded_at DESC, id DESC LIMIT 1) = 1
         -- who holds no product: a product a customer holds is never proposed to them
         AND NOT EXISTS (SELECT 1 FROM customer_products p WHERE p.customer_id = c.id)
       ORDER BY c.id LIMIT 200`);
  const found = rows.find((r) => !usedCustomers.has(r.id) && (!opts.email || r.email));
  if (!found) throw new Error('no customer left');
  usedCustomers.add(found.id);
  return found;
}

interface SlotRow {
  id: number;
  post_office_id: number;
  starts_at: string;
  capacity: number;
  booked: number;
}
const slotRow = async (id: number) => (await sql().get<SlotRow>('SELECT * FROM appointment_slots WHERE id = ?', id))!;

/** An office with at least three free single-seat slots after tomorrow; returns three of them, earliest first. */
async function officeWithFreeSlots(skipOffices: Set<number>): Promise<SlotRow[]> {
  const rows = await sql().all<SlotRow>(
    `SELECT * FROM appointment_slots WHERE capacity = 1 AND booked = 0 AND starts_at > ? AND starts_at < ?
       ORDER BY post_office_id, starts_at`,
    '2026-12-02T23:00:00.000Z',
    '2026-12-14T00:00:00.000Z',
  );
  const byOffice = new Map<number, SlotRow[]>();
  for (const r of rows)
    if (!skipOffices.has(r.post_office_id))
      byOffice.set(r.post_office_id, [...(byOffice.get(r.post_office_id) ?? []), r]);
  const found = [...byOffice.values()].find((list) => list.length >= 3);
  if (!found) throw new Error('no office with three free slots');
  skipOffices.add(found[0]?.post_office_id ?? 0);
  return found.slice(0, 3);
}
const usedOffices = new Set<number>();

/** An operator books the customer into the slot through a real contact; returns the appointment id. */
async function book(customerId: number, slot: SlotRow): Promise<number> {
  const result = await operator.trpc.interactions.complete.mutate(
    inboundSale(
      customerId,
      { slotId: slot.id, postOfficeId: slot.post_office_id },
      { startMs: clock.now().getTime() - 300_000 },
    ),
  );
  const id = result.effects.appointment?.id;
  if (!id) throw new Error('no appointment booked');
  return id;
}

const appointmentRow = async (id: number) =>
  (await sql().get<{ status: string; slot_id: number }>('SELECT status, slot_id FROM appointments WHERE id = ?', id))!;

describe('an appointment’s self-service link', () => {
  it('comes in the confirmation SMS and e-mail, and opens a page with the appointment', async () => {
    const [slot] = await officeWithFreeSlots(usedOffices);
    if (!slot) throw new Error('no slot');
    const id = await book((await freshCustomer({ email: true })).id, slot);
    const messages = await sql().all<{
      channel: string;
      body: string;
    }>("SELECT channel, body FROM outbox WHERE ref_type = 'appointment' AND ref_id = ?", String(id));
    const sms = messages.find((m) => m.channel === 'sms');
    expect(sms?.body).toMatch(
      /Per spostarlo o annullarlo: http:\/\/[^/\s]+\/s\/a\.[0-9a-z]+\.[0-9a-z]+\.[A-Za-z0-9_-]{16}$/,
    );
    const email = messages.find((m) => m.channel === 'email');
    expect(email?.body).toMatch(/può spostare o annullare l’appuntamento da qui: http:\/\/[^/\s]+\/s\/a\./);

    const url = await linkIn('appointment', id);
    const page = await get(url);
    expect(page.status).toBe(200);
    expect(page.html).toMatch(/<h1>Il suo appuntamento<\/h1>/);
    const office = (await sql().get<{
      name: string;
    }>('SELECT name FROM post_offices WHERE id = ?', slot.post_office_id))!;
    expect(page.html).toContain(`Ufficio Postale ${office.name}`);
    expect(page.html).toContain('Sposta l’appuntamento');
    expect(page.html).toContain('Annulla l’appuntamento');
  });

  it('cancels it: the seat is free again, the change is audited, and a replay changes nothing', async () => {
    const [slot] = await officeWithFreeSlots(usedOffices);
    if (!slot) throw new Error('no slot');
    const id = await book((await freshCustomer()).id, slot);
    expect((await slotRow(slot.id)).booked).toBe(1);
    const url = await linkIn('appointment', id);
    const keys = formKeys((await get(`${url}/cancel`)).html);
    const done = await post(`${url}/cancel`, keys);
    expect(done.status).toBe(303);
    expect(done.location).toBe(`${new URL(url).pathname}?fatto=annullato`);
    expect((await appointmentRow(id)).status).toBe('cancelled');
    expect((await slotRow(slot.id)).booked).toBe(0);
    const audit = await sql().all<{ actor_id: number | null; ip: string | null; details: string }>(
      "SELECT actor_id, ip, details FROM audit_log WHERE action = 'appointment.cancelled' AND entity_id = ?",
      String(id),
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actor_id).toBeNull();
    expect(audit[0]?.ip).toBeTruthy();
    expect(JSON.parse(audit[0]?.details ?? '{}')).toMatchObject({ by: 'customer', reason: 'customer_self_service' });

    const before = await footprint();
    expect(await post(`${url}/cancel`, keys)).toMatchObject({ status: 303, location: done.location });
    expect(await footprint()).toEqual(before);
    expect((await slotRow(slot.id)).booked).toBe(0);

    const page = await get(`${server.url}${done.location}`);
    expect(page.html).toContain('l’appuntamento è stato annullato');
    expect(page.html).not.toContain('/move"');
    expect((await get(url)).html).toContain('Questo appuntamento è stato annullato');
  });

  it('moves it to another free slot of the office, once, with a new confirmation and link', async () => {
    const [slot, , target] = await officeWithFreeSlots(usedOffices);
    if (!slot || !target) throw new Error('no slot');
    const id = await book((await freshCustomer()).id, slot);
    const url = await linkIn('appointment', id);
    const form = await get(`${url}/move`);
    expect(form.status).toBe(200);
    const offered = optionValues(form.html);
    expect(offered).toContain(String(target.id));
    expect(offered).not.toContain(String(slot.id));

    const outboxBefore = await count('outbox');
    const keys = formKeys(form.html);
    const moved = await post(`${url}/move`, { ...keys, choice: String(target.id) });
    expect(moved.status).toBe(303);
    expect(moved.location).toMatch(/^\/s\/a\.[^?]+\?fatto=spostato$/);
    expect(await appointmentRow(id)).toEqual({ status: 'booked', slot_id: target.id });
    expect((await slotRow(slot.id)).booked).toBe(0);
    expect((await slotRow(target.id)).booked).toBe(1);
    expect(await count('audit_log', "action = 'appointment.moved' AND entity_id = ?", String(id))).toBe(1);
    const confirmation = (await sql().get<{ body: string }>(
      "SELECT body FROM outbox WHERE ref_type = 'appointment' AND ref_id = ? AND channel = 'sms' ORDER BY id DESC",
      String(id),
    ))!;
    expect(confirmation.body).toContain('il nuovo orario');
    expect(confirmation.body).toContain(`${moved.location?.split('?')[0]}`);
    expect(await count('outbox')).toBeGreaterThan(outboxBefore);

    const before = await footprint();
    expect(await post(`${url}/move`, { ...keys, choice: String(target.id) })).toMatchObject({
      status: 303,
      location: moved.location,
    });
    expect(await footprint()).toEqual(before);

    const page = await get(`${server.url}${moved.location}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('l’appuntamento è stato spostato');
  });

  it('refuses a slot taken meanwhile by someone else, says so, and writes nothing', async () => {
    const [slot, target] = await officeWithFreeSlots(usedOffices);
    if (!slot || !target) throw new Error('no slot');
    const id = await book((await freshCustomer()).id, slot);
    const url = await linkIn('appointment', id);
    const form = await get(`${url}/move`);
    expect(optionValues(form.html)).toContain(String(target.id));
    await book((await freshCustomer()).id, target); // the last seat goes to another customer
    expect((await slotRow(target.id)).booked).toBe(target.capacity);

    const before = await footprint();
    const refused = await post(`${url}/move`, { ...formKeys(form.html), choice: String(target.id) });
    expect(refused.status).toBe(409);
    expect(refused.html).toContain('Questo orario è stato appena occupato');
    expect(optionValues(refused.html)).not.toContain(String(target.id));
    expect(await footprint()).toEqual(before);
    expect(await appointmentRow(id)).toEqual({ status: 'booked', slot_id: slot.id });
  });

  it('refuses a slot that is not one, and a past appointment cannot be changed', async () => {
    const [slot] = await officeWithFreeSlots(usedOffices);
    if (!slot) throw new Error('no slot');
    const id = await book((await freshCustomer()).id, slot);
    const url = await linkIn('appointment', id);
    const form = await get(`${url}/move`);
    const before = await footprint();
    const junk = await post(`${url}/move`, { ...formKeys(form.html), choice: '99999999' });
    expect(junk.status).toBe(400);
    expect(junk.html).toContain('Scelga uno degli orari proposti');
    expect(await footprint()).toEqual(before);

    // the appointment has started: the link still opens, says so, and offers nothing
    const keys = formKeys((await get(`${url}/cancel`)).html);
    const saved = clock.now();
    clock.set(new Date(Date.parse(slot.starts_at) + 60_000));
    try {
      const page = await get(url);
      expect(page.status).toBe(200);
      expect(page.html).toContain('non può più essere modificato');
      expect(page.html).not.toContain('/cancel"');
      expect((await get(`${url}/move`)).status).toBe(303);
      const late = await post(`${url}/cancel`, keys);
      expect(late.status).toBe(409);
      expect(await footprint()).toEqual(before);
      // long after it, the link itself has expired
      clock.set(new Date(Date.parse(slot.starts_at) + 7 * 3_600_000));
      expect((await get(url)).status).toBe(410);
    } finally {
      clock.set(saved);
    }
    expect((await appointmentRow(id)).status).toBe('booked');
  });
});

describe('links that open nothing', () => {
  it('a tampered or unknown link is a 404, an expired one a 410, and posting to them writes nothing', async () => {
    const id = await scheduleCallback('2026-12-03T10:00:00.000Z');
    const url = await linkIn('callback_request', id);
    const form = await get(`${url}/move`);
    const keys = formKeys(form.html);
    const [base, token = ''] = url.split('/s/');
    const parts = token.split('.');
    const tampered = `${base}/s/${parts[0]}.${parts[1]}.${(parseInt(parts[2] ?? '0', 36) + 86_400).toString(36)}.${parts[3]}`;

    const before = await footprint();
    for (const bad of [tampered, `${base}/s/nonsense`, `${base}/s/${token.slice(0, -1)}x`]) {
      const page = await get(bad);
      expect(page.status).toBe(404);
      expect(page.html).toContain('Link non valido');
      expect((await post(`${bad}/move`, { ...keys, choice: '2026-12-02T14:00:00.000Z' })).status).toBe(404);
      expect((await post(`${bad}/cancel`, keys)).status).toBe(404);
    }

    const secret = (await sql().get<{ value: string }>(
      'SELECT value FROM app_secrets WHERE name = ?',
      SELF_SERVICE_SECRET_NAME,
    ))!.value;
    const expired = mintSelfServiceToken(secret, { purpose: 'c', id }, new Date(Date.parse(NOW) - 60_000));
    const gone = await get(`${base}/s/${expired}`);
    expect(gone.status).toBe(410);
    expect(gone.html).toContain('Link scaduto');
    expect((await post(`${base}/s/${expired}/cancel`, keys)).status).toBe(410);
    // an appointment token for a callback's id cannot even be minted; an unknown appointment is a 404
    expect(
      (await get(`${base}/s/${mintSelfServiceToken(secret, { purpose: 'a', id: 99_999_999 }, new Date('2027-01-01'))}`))
        .status,
    ).toBe(404);
    expect(await footprint()).toEqual(before);
    expect((await callbackRow(id)).status).toBe('pending');
  });

  it('a form without its keys, or posted from another site, is refused and writes nothing', async () => {
    const id = await scheduleCallback('2026-12-03T10:00:00.000Z');
    const url = await linkIn('callback_request', id);
    const keys = formKeys((await get(`${url}/cancel`)).html);
    const before = await footprint();
    expect((await post(`${url}/cancel`, { requestId: keys.requestId, formToken: 'x'.repeat(22) })).status).toBe(403);
    expect((await post(`${url}/cancel`, {})).status).toBe(403);
    expect((await post(`${url}/cancel`, keys, { origin: 'https://evil.example' })).status).toBe(403);
    expect(
      (await post(`${url}/cancel`, keys, { origin: new URL(url).origin, 'sec-fetch-site': 'cross-site' })).status,
    ).toBe(403);
    expect((await post(`${url}/cancel`, keys, { origin: 'null' })).status).toBe(403);
    expect((await post(`${url}/cancel`, keys, { origin: 'null', 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    const json = await fetch(`${url}/cancel`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(keys),
    });
    expect(json.status).toBe(403);
    expect(await footprint()).toEqual(before);
    expect((await callbackRow(id)).status).toBe('pending');
  });
});

describe('the pages’ headers', () => {
  it('forbid caching and indexing, and the stylesheet comes from our own origin under the CSP', async () => {
    const id = await scheduleCallback('2026-12-03T10:00:00.000Z');
    const response = await fetch(await linkIn('callback_request', id));
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-robots-tag')).toContain('noindex');
    expect(response.headers.get('referrer-policy')).toBe('same-origin');
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
