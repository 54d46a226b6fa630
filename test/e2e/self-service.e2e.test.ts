import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundSale } from '@valore/server/testing/completions';
import { addDays, romeParts, romeToUtc, weekdayOf } from '@valore/shared/time/rome-time';
import { serviceHoursOn } from '@valore/shared/time/service-calendar';
import { createApiClient } from '../helpers/api-client';
import { startTestServer, TEST_INTAKE_KEY, type TestServer } from '../helpers/server';
import { openBrowser, screenshot, type BrowserSession } from './helpers/browser';

const PHONE = { width: 390, height: 844 };

let server: TestServer;
let browser: BrowserSession;

beforeAll(async () => {
  server = await startTestServer();
  browser = await openBrowser({ viewport: PHONE, mobile: true });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const sql = () => server.database.sqlite;

/** The self-service link of the newest message about this reference, as the customer receives it. */
function linkIn(refType: string, refId: string | number): string {
  const row = sql()
    .prepare("SELECT body FROM outbox WHERE ref_type = ? AND ref_id = ? AND channel = 'sms' ORDER BY id DESC LIMIT 1")
    .get(refType, String(refId)) as { body: string } | undefined;
  const url = /https?:\/\/\S+\/s\/[A-Za-z0-9._-]+/.exec(row?.body ?? '')?.[0];
  if (!url) throw new Error(`no link in the message: ${row?.body}`);
  return url;
}

/** Phone-size checks every page must pass: nothing wider than the screen, touch targets of 44 px or more. */
async function fitsThePhone(page: Page, width = PHONE.width) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(overflow).toBeLessThanOrEqual(width);
  for (const target of await page.locator('main a.btn, main button, main select').all()) {
    const box = await target.boundingBox();
    expect(box?.height ?? 0).toBeGreaterThanOrEqual(44);
    expect(box?.width ?? 0).toBeGreaterThanOrEqual(44);
  }
}

describe('the customer’s self-service pages on a phone', () => {
  it('a customer opens the link of the confirmation SMS and moves the appointment to another free time', async () => {
    const operator = createApiClient(server.url);
    await operator.login('operatore1');
    const after = new Date(Date.now() + 86_400_000).toISOString();
    const slots = sql()
      .prepare(
        `SELECT s.id, s.post_office_id, s.starts_at FROM appointment_slots s
         WHERE s.booked = 0 AND s.starts_at > ? AND
               (SELECT count(*) FROM appointment_slots o WHERE o.post_office_id = s.post_office_id AND o.booked < o.capacity AND o.starts_at > ?) >= 5
         ORDER BY s.post_office_id, s.starts_at LIMIT 1`,
      )
      .all(after, after) as { id: number; post_office_id: number; starts_at: string }[];
    const slot = slots[0];
    if (!slot) throw new Error('no free slot');
    const customer = sql().prepare('SELECT id FROM customers ORDER BY id LIMIT 1 OFFSET 40').get() as { id: number };
    const booked = await operator.trpc.interactions.complete.mutate(
      inboundSale(customer.id, { slotId: slot.id, postOfficeId: slot.post_office_id }),
    );
    const appointmentId = booked.effects.appointment?.id;
    if (!appointmentId) throw new Error('no appointment');

    const { page } = browser;
    const link = linkIn('appointment', appointmentId);
    await page.goto(link);
    await page.getByRole('heading', { level: 1, name: 'Il suo appuntamento' }).waitFor();
    const when = romeParts(new Date(slot.starts_at));
    await page.getByText(`ore ${String(when.hour).padStart(2, '0')}:${String(when.minute).padStart(2, '0')}`).waitFor();
    await fitsThePhone(page);
    await screenshot(page, 'self-service-01-appointment');

    // keyboard users land on the first choice with a visible focus ring
    await page.keyboard.press('Tab');
    const focused = page.locator(':focus');
    expect(await focused.textContent()).toBe('Sposta l’appuntamento');
    expect(await focused.evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('solid');

    await page.getByRole('link', { name: 'Sposta l’appuntamento' }).tap();
    await page.getByRole('heading', { level: 1, name: 'Sposta l’appuntamento' }).waitFor();
    const select = page.getByLabel('Nuovo orario');
    const values = await select
      .locator('option:not([disabled])')
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(values.length).toBeGreaterThanOrEqual(3);
    expect(values).not.toContain(String(slot.id));
    await fitsThePhone(page);
    await screenshot(page, 'self-service-02-move');

    const target = values[2] ?? '';
    await select.selectOption(target);
    await page.getByRole('button', { name: 'Conferma il nuovo orario' }).tap();
    await page.getByRole('status').filter({ hasText: 'l’appuntamento è stato spostato' }).waitFor();
    await fitsThePhone(page);
    await screenshot(page, 'self-service-03-moved');

    const row = sql().prepare('SELECT status, slot_id FROM appointments WHERE id = ?').get(appointmentId);
    expect(row).toEqual({ status: 'booked', slot_id: Number(target) });
    const target0 = sql().prepare('SELECT booked FROM appointment_slots WHERE id = ?').get(slot.id) as {
      booked: number;
    };
    expect(target0.booked).toBe(0);
    // the page shown is the new link's, which the new confirmation SMS carries too
    expect(new URL(page.url()).pathname).toBe(new URL(linkIn('appointment', appointmentId)).pathname);

    // someone else takes the last seat of the time the customer is choosing: the form says so and offers the rest
    await page.getByRole('link', { name: 'Sposta l’appuntamento' }).tap();
    await page.getByRole('heading', { level: 1, name: 'Sposta l’appuntamento' }).waitFor();
    const taken = (await select.locator('option:not([disabled])').first().getAttribute('value')) ?? '';
    await select.selectOption(taken);
    const full = sql()
      .prepare('SELECT post_office_id, capacity, booked FROM appointment_slots WHERE id = ?')
      .get(Number(taken)) as {
      post_office_id: number;
      capacity: number;
      booked: number;
    };
    for (let i = full.booked; i < full.capacity; i++) {
      const other = sql()
        .prepare('SELECT id FROM customers ORDER BY id LIMIT 1 OFFSET ?')
        .get(60 + i) as { id: number };
      await operator.trpc.interactions.complete.mutate(
        inboundSale(other.id, { slotId: Number(taken), postOfficeId: full.post_office_id }),
      );
    }
    await page.getByRole('button', { name: 'Conferma il nuovo orario' }).tap();
    await page.getByRole('alert').filter({ hasText: 'Questo orario è stato appena occupato' }).waitFor();
    expect(await select.getAttribute('aria-invalid')).toBe('true');
    expect(await select.locator(`option[value="${taken}"]`).count()).toBe(0);
    expect(await select.inputValue()).toBe(''); // nothing chosen for the customer: they pick again
    await fitsThePhone(page);
    await screenshot(page, 'self-service-03b-slot-taken');
    expect(sql().prepare('SELECT slot_id FROM appointments WHERE id = ?').get(appointmentId)).toEqual({
      slot_id: Number(target),
    });
    await page.getByRole('link', { name: 'Torna indietro' }).tap();
    await page.getByRole('heading', { level: 1, name: 'Il suo appuntamento' }).waitFor();

    // back on the page: cancel asks first
    await page.getByRole('link', { name: 'Annulla l’appuntamento' }).tap();
    await page.getByRole('heading', { level: 1, name: 'Annullare l’appuntamento?' }).waitFor();
    await fitsThePhone(page);
    await screenshot(page, 'self-service-04-cancel-confirm');
    await page.getByRole('link', { name: 'No, torna indietro' }).tap();
    await page.getByRole('heading', { level: 1, name: 'Il suo appuntamento' }).waitFor();
    expect(sql().prepare('SELECT status FROM appointments WHERE id = ?').get(appointmentId)).toEqual({
      status: 'booked',
    });
  });

  it('a customer moves a callback to another time of the service calendar, then cancels it (360 px wide)', async () => {
    // the next weekday at 11:00 in Rome, at least a day ahead
    const today = romeParts(new Date()).date;
    const date = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
      .map((i) => addDays(today, i))
      .find((d) => serviceHoursOn(d) !== null && weekdayOf(d) >= 1 && weekdayOf(d) <= 5);
    if (!date) throw new Error('no weekday ahead');
    const preferredAt = romeToUtc(date, 11 * 60).toISOString();
    const customer = sql()
      .prepare(
        'SELECT min(id) AS id, phone FROM customers GROUP BY phone HAVING count(*) = 1 ORDER BY min(id) LIMIT 1 OFFSET 3',
      )
      .get() as {
      id: number;
      phone: string;
    };
    const response = await fetch(`${server.url}/api/v1/callback-requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_INTAKE_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        phone: customer.phone,
        customerId: String(customer.id),
        product: 'CONTO',
        mode: 'scheduled',
        preferredAt,
        channel: 'web',
      }),
    });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };

    const { page } = browser;
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(linkIn('callback_request', id));
    await page.getByRole('heading', { level: 1, name: 'La sua richiamata' }).waitFor();
    await fitsThePhone(page, 360);
    await screenshot(page, 'self-service-05-callback');

    await page.getByRole('link', { name: 'Scegli un altro orario' }).tap();
    await page.getByRole('heading', { level: 1, name: 'Scegli un altro orario' }).waitFor();
    const select = page.getByLabel('Nuovo orario della richiamata');
    const values = await select
      .locator('option:not([disabled])')
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    const choice = values.find((v) => v > preferredAt && romeParts(new Date(v)).hour === 15) ?? values[5] ?? '';
    await select.selectOption(choice);
    await fitsThePhone(page, 360);
    await screenshot(page, 'self-service-06-callback-move');
    await page.getByRole('button', { name: 'Conferma il nuovo orario' }).tap();
    await page.getByRole('status').filter({ hasText: 'la richiamata è stata spostata' }).waitFor();
    expect(sql().prepare('SELECT due_at FROM callback_requests WHERE id = ?').get(id)).toEqual({ due_at: choice });

    await page.getByRole('link', { name: 'Annulla la richiamata' }).tap();
    await page.getByRole('button', { name: 'Sì, annulla la richiamata' }).tap();
    await page.getByRole('status').filter({ hasText: 'la richiamata è stata annullata' }).waitFor();
    expect(await page.getByRole('link', { name: 'Annulla la richiamata' }).count()).toBe(0);
    await fitsThePhone(page, 360);
    await screenshot(page, 'self-service-07-callback-cancelled');
    expect(sql().prepare('SELECT status FROM callback_requests WHERE id = ?').get(id)).toEqual({ status: 'cancelled' });

    // a link cut short in the SMS app: a friendly page, not an error dump
    const broken = await page.goto(`${server.url}/s/c.abc`);
    expect(broken?.status()).toBe(404);
    await page.getByRole('heading', { level: 1, name: 'Link non valido' }).waitFor();
    await screenshot(page, 'self-service-08-invalid-link');
  });
});
