import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { genderFromTaxCode } from '@valore/shared/reference/italian';
import { romeParts, romeToUtc } from '@valore/shared/time/rome-time';
import { startTestServer, type TestServer } from '../helpers/server';
import { openBrowser, screenshot, type BrowserSession } from './helpers/browser';
import { dateField, typeDate } from './helpers/date-field';

/**
 * A team lead records attendance on the appointments screen in real Chromium, keyboard only: a customer who did not
 * come becomes a reschedule callback (on the row and on the SLA board); a later appointment is cancelled after a
 * confirmation, and its seat is free again. The appointments are written straight into the test server's database
 * (booked by operatore1 of site 1), so their times can sit around now.
 */
const MIN = 60_000;

let server: TestServer;
let browser: BrowserSession;
const db = () => server.database.db;

interface Fixture {
  id: number;
  slotId: number;
  customerName: string;
  /** the words that agree with the customer: "Non presentata" for a woman (gender from the tax code) */
  female: boolean;
  startsAt: Date;
}
const agree = (f: Fixture, masculine: string, feminine: string) => (f.female ? feminine : masculine);
let missed: Fixture;
let later: Fixture;

async function insertAppointment(startsAt: Date, customerOffset: number, gender: 'm' | 'f'): Promise<Fixture> {
  const office = await db().selectFrom('post_offices').select('id').orderBy('id').executeTakeFirstOrThrow();
  const operator = await db()
    .selectFrom('users')
    .select('id')
    .where('username', '=', 'operatore1')
    .executeTakeFirstOrThrow();
  const candidates = await db()
    .selectFrom('customers')
    .select(['id', 'first_name', 'last_name', 'tax_code'])
    .orderBy('id')
    .offset(customerOffset)
    .limit(40)
    .execute();
  const customer = candidates.find((c) => genderFromTaxCode(c.tax_code) === gender);
  if (!customer) throw new Error(`no ${gender} customer in the demo data after ${customerOffset}`);
  const slot = await db()
    .insertInto('appointment_slots')
    .values({
      post_office_id: office.id,
      starts_at: startsAt.toISOString(),
      ends_at: new Date(startsAt.getTime() + 30 * MIN).toISOString(),
      capacity: 1,
      booked: 1,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const at = new Date().toISOString();
  const appointment = await db()
    .insertInto('appointments')
    .values({
      interaction_id: null,
      slot_id: slot.id,
      post_office_id: office.id,
      customer_id: customer.id,
      product_code: 'CONTO',
      created_by: operator.id,
      created_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return {
    id: appointment.id,
    slotId: slot.id,
    customerName: `${customer.first_name} ${customer.last_name}`,
    female: gender === 'f',
    startsAt,
  };
}

const romeTime = (at: Date) =>
  new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', hour: '2-digit', minute: '2-digit' }).format(at);

beforeAll(async () => {
  server = await startTestServer();
  const now = Date.now();
  // an appointment that started a little while ago today (Rome), and one three hours from now
  const midnight = romeToUtc(romeParts(new Date(now)).date, 0).getTime();
  // a woman and a man, so the words that agree with the customer are checked both ways
  missed = await insertAppointment(new Date(Math.max(now - 60 * MIN, midnight + MIN)), 10, 'f');
  later = await insertAppointment(new Date(now + 3 * 60 * MIN), 10, 'm');
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const row = (page: Page, id: number) => page.getByTestId(`appointment-row-${id}`);

describe('a team lead records attendance', () => {
  it('marks a no-show from the keyboard and a reschedule callback appears on the row and on the SLA board', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Nome utente').focus();
    await page.keyboard.type('teamlead1');
    await page.keyboard.press('Tab');
    await page.keyboard.type('demo');
    await page.keyboard.press('Enter');
    await page.getByTestId('home-team_lead').waitFor();
    await page
      .getByRole('navigation', { name: 'Navigazione principale' })
      .getByRole('link', { name: 'Appuntamenti UP' })
      .click();
    await page.getByTestId('home-appointments').waitFor();
    expect(await page.title()).toBe('Appuntamenti negli uffici postali · Valore');
    await page.getByRole('heading', { level: 1, name: 'Appuntamenti negli uffici postali' }).waitFor();

    const table = page.getByRole('table', { name: /^Appuntamenti di / });
    await row(page, missed.id).waitFor();
    expect(await row(page, missed.id).getByRole('rowheader').textContent()).toBe(missed.customerName);
    expect(await row(page, missed.id).getAttribute('data-status')).toBe('booked');
    expect(await row(page, missed.id).getByRole('cell').first().textContent()).toBe(romeTime(missed.startsAt));
    // it has started: it can no longer be cancelled
    const cancelMissed = page.getByRole('button', {
      name: `Annulla l'appuntamento di ${missed.customerName}, ore ${romeTime(missed.startsAt)}`,
    });
    expect(await cancelMissed.isDisabled()).toBe(true);
    expect(await table.locator('thead th').allTextContents()).toEqual([
      'Ora',
      'Cliente',
      'Ufficio postale',
      'Prodotto',
      'Fissato da',
      'Stato',
      'Azioni',
    ]);
    await screenshot(page, 'appointments-day-it');

    const noShow = page.getByRole('button', {
      name: `${agree(missed, 'Non presentato', 'Non presentata')}: ${missed.customerName}, ore ${romeTime(missed.startsAt)}`,
    });
    await noShow.focus();
    await page.keyboard.press('Enter');
    await page
      .getByRole('status')
      .filter({
        hasText: `${missed.customerName}: ${agree(missed, 'segnato come non presentato', 'segnata come non presentata')}`,
      })
      .waitFor();
    await expect.poll(() => row(page, missed.id).getAttribute('data-status')).toBe('no_show');
    const note = row(page, missed.id).getByTestId('reschedule-note');
    await note.waitFor();
    expect(await note.textContent()).toMatch(/^Richiamata per riprogrammare creata · /);
    await screenshot(page, 'appointments-no-show-it');

    // exactly one reschedule callback, owned by the operator who booked it
    const callbacks = await db()
      .selectFrom('callback_requests')
      .select(['id', 'origin', 'status', 'owner_id'])
      .where('appointment_id', '=', missed.id)
      .execute();
    expect(callbacks).toHaveLength(1);
    expect(callbacks[0]).toMatchObject({ origin: 'reschedule', status: 'pending' });

    // …and it is on the SLA board
    await page
      .getByRole('navigation', { name: 'Navigazione principale' })
      .getByRole('link', { name: 'Coda richiamate' })
      .click();
    const boardRow = page.locator(`[data-request-id="${callbacks[0]?.id}"]`);
    await boardRow.waitFor();
    expect(await boardRow.textContent()).toContain('Riprogrammare appuntamento');
    await screenshot(page, 'appointments-reschedule-on-board-it');
  });

  it('cancels a later appointment after confirming, and its seat is free again', async () => {
    const { page } = browser;
    await page
      .getByRole('navigation', { name: 'Navigazione principale' })
      .getByRole('link', { name: 'Appuntamenti UP' })
      .click();
    await page.getByTestId('home-appointments').waitFor();
    // three hours on may already be tomorrow in Rome: choose its day
    await typeDate(page, dateField(page, 'Giorno'), romeParts(later.startsAt).date);
    await row(page, later.id).waitFor();

    const cancel = page.getByRole('button', {
      name: `Annulla l'appuntamento di ${later.customerName}, ore ${romeTime(later.startsAt)}`,
    });
    await cancel.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: "Annullare l'appuntamento?" });
    await dialog.waitFor();
    // the safe choice has the focus
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('No, mantienilo');
    await page.waitForTimeout(200);
    await screenshot(page, 'appointments-cancel-dialog-it');
    // Escape keeps it (the dialog leaves the page, not only the accessibility tree)
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('cancel-dialog').count()).toBe(0);
    expect(await row(page, later.id).getAttribute('data-status')).toBe('booked');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      `Annulla l'appuntamento di ${later.customerName}, ore ${romeTime(later.startsAt)}`,
    );

    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Sì, annulla l'appuntamento");
    await page.keyboard.press('Enter');
    await page
      .getByRole('status')
      .filter({ hasText: `L'appuntamento di ${later.customerName} è stato annullato` })
      .waitFor();
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => row(page, later.id).getAttribute('data-status')).toBe('cancelled');
    const slot = await db()
      .selectFrom('appointment_slots')
      .select('booked')
      .where('id', '=', later.slotId)
      .executeTakeFirstOrThrow();
    expect(slot.booked).toBe(0);
    // a cancelled appointment offers nothing more
    for (const name of [agree(later, 'Presentato', 'Presentata'), agree(later, 'Non presentato', 'Non presentata')]) {
      const b = page.getByRole('button', {
        name: `${name}: ${later.customerName}, ore ${romeTime(later.startsAt)}`,
        exact: true,
      });
      expect(await b.isDisabled()).toBe(true);
    }
    await screenshot(page, 'appointments-cancelled-it');
  });
});
