import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunningClock } from '@valore/server/testing/movable-clock';
import { startTestServer, type TestServer } from '../helpers/server';
import { openBrowser, screenshot, type BrowserSession } from './helpers/browser';
import { atStep, signInByKeyboard } from './helpers/console';

/**
 * The promise an operator makes on an inbound call is kept: the agreed callback shows in "I miei impegni" and, when
 * it is due, the operator takes it from there and calls the customer back with the callback script.
 */
let server: TestServer;
let browser: BrowserSession;
// the server's clock runs with real time (the browser's time picker and the server agree on "now"), then jumps
const clock = new RunningClock();

beforeAll(async () => {
  server = await startTestServer({ clock, env: { VALORE_SESSION_IDLE_MINUTES: '10080' } });
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const db = () => server.database.db;

/** Presses the number key shown on a choice button (the digits are the script's shortcuts). */
async function pressChoice(page: Page, name: RegExp) {
  const button = page.getByRole('button', { name });
  await button.waitFor();
  const digit = (await button.locator('kbd').textContent())?.trim() ?? '';
  expect(digit).toMatch(/^\d$/);
  await page.keyboard.press(digit);
}

describe('a callback agreed on an inbound call, keyboard only', () => {
  it('is listed in "I miei impegni" and taken by the operator when due', async () => {
    const { page } = browser;
    const customer = await db()
      .selectFrom('customers')
      .select(['id', 'phone', 'first_name', 'last_name'])
      .where('id', 'not in', db().selectFrom('interactions').select('customer_id').where('customer_id', 'is not', null).$narrowType<{ customer_id: number }>())
      .orderBy('id')
      .limit(1)
      .executeTakeFirstOrThrow();
    const name = `${customer.first_name} ${customer.last_name}`;

    await signInByKeyboard(page, server.url, 'operatore1');
    await page.getByTestId('my-promises').getByText(/Nessun impegno aperto/).waitFor();

    // the customer calls the toll-free number: find them, identify, they ask to be called back later
    await page.keyboard.press('/');
    await page.keyboard.type(customer.phone);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: new RegExp(name) }).waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await atStep(page, 'Identificazione');
    await pressChoice(page, /Cliente identificato/);
    await atStep(page, 'Bisogno');
    await pressChoice(page, /Richiamare più tardi/);
    const picker = page.getByRole('group', { name: 'Richiamare il' });
    await picker.waitFor();
    // only open half-hours are offered, prefilled with the first one at least an hour away; Enter agrees it
    const day = picker.getByRole('combobox', { name: 'Giorno' });
    const time = picker.getByRole('combobox', { name: 'Ora' });
    expect(await day.inputValue()).not.toBe('');
    const agreedAt = await time.inputValue();
    expect(Date.parse(agreedAt)).toBeGreaterThan(Date.now() + 45 * 60_000);
    expect(await time.locator('option').allTextContents()).not.toContain('21:00');
    await screenshot(page, 'promises-01-time-picker');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Riepilogo del contatto' }).waitFor();
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('contact-result').getByRole('heading', { name: 'Esito registrato' }).waitFor();

    // the promise: one item, owned by operatore1, listed in "I miei impegni" with its Italian date and time
    const items = await db().selectFrom('callback_requests').selectAll().where('customer_id', '=', customer.id).execute();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ origin: 'agreed', status: 'pending', due_at: agreedAt, owner_id: 1 });
    const promises = page.getByTestId('my-promises');
    const row = promises.getByRole('listitem').filter({ hasText: name });
    await row.waitFor();
    const shown = new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', hour: '2-digit', minute: '2-digit' }).format(new Date(agreedAt));
    expect(await row.textContent()).toContain(shown);
    expect(await row.getByRole('button', { name: /Richiama ora/ }).count()).toBe(0); // not due yet
    await screenshot(page, 'promises-02-my-promises');

    // the agreed time comes: the operator takes it from "I miei impegni" and the callback script opens
    // (at night the first open half-hour is the next morning: the operator signs in again, as on a new shift)
    clock.jumpTo(new Date(Date.parse(agreedAt) + 60_000));
    await signInByKeyboard(page, server.url, 'operatore1');
    const take = page.getByTestId('my-promises').getByRole('button', { name: new RegExp(`Richiama ora ${name}`) });
    await take.waitFor();
    await screenshot(page, 'promises-03-due');
    await take.focus();
    await page.keyboard.press('Enter');
    await atStep(page, 'Chiamata');
    await page.getByTestId('work-item').getByText('Richiamata').first().waitFor();
    const held = await db().selectFrom('callback_requests').select(['status', 'lease_owner']).where('id', '=', items[0]?.id ?? '').executeTakeFirstOrThrow();
    expect(held).toEqual({ status: 'claimed', lease_owner: 1 });
    await screenshot(page, 'promises-04-calling-back');
  });
});
