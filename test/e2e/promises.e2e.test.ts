import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunningClock } from '@valore/server/testing/movable-clock';
import { createApiClient } from '../helpers/api-client';
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
      .where(
        'id',
        'not in',
        db()
          .selectFrom('interactions')
          .select('customer_id')
          .where('customer_id', 'is not', null)
          .$narrowType<{ customer_id: number }>(),
      )
      .orderBy('id')
      .limit(1)
      .executeTakeFirstOrThrow();
    const name = `${customer.first_name} ${customer.last_name}`;

    await signInByKeyboard(page, server.url, 'operatore1');
    await page
      .getByTestId('my-promises')
      .getByText(/Nessun impegno aperto/)
      .waitFor();

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
    const items = await db()
      .selectFrom('callback_requests')
      .selectAll()
      .where('customer_id', '=', customer.id)
      .execute();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ origin: 'agreed', status: 'pending', due_at: agreedAt, owner_id: 1 });
    const promises = page.getByTestId('my-promises');
    const row = promises.getByRole('listitem').filter({ hasText: name });
    await row.waitFor();
    const shown = new Intl.DateTimeFormat('it-IT', {
      timeZone: 'Europe/Rome',
      hour: '2-digit',
      minute: '2-digit',
    }).format(new Date(agreedAt));
    expect(await row.textContent()).toContain(shown);
    expect(await row.getByRole('button', { name: /Richiama ora/ }).count()).toBe(0); // not due yet
    await screenshot(page, 'promises-02-my-promises');

    // the agreed time comes: the operator takes it from "I miei impegni" and the callback script opens
    // (the operator signs in again, as on a new shift: whether the jump crosses the night or not, so the test does not
    // depend on the time of day it runs at)
    clock.jumpTo(new Date(Date.parse(agreedAt) + 60_000));
    await browser.context.clearCookies();
    await signInByKeyboard(page, server.url, 'operatore1');
    const take = page.getByTestId('my-promises').getByRole('button', { name: new RegExp(`Richiama ora ${name}`) });
    await take.waitFor();
    await screenshot(page, 'promises-03-due');
    await take.focus();
    await page.keyboard.press('Enter');
    await atStep(page, 'Chiamata');
    await page.getByTestId('work-item').getByText('Richiamata').first().waitFor();
    const held = await db()
      .selectFrom('callback_requests')
      .select(['status', 'lease_owner'])
      .where('id', '=', items[0]?.id ?? '')
      .executeTakeFirstOrThrow();
    expect(held).toEqual({ status: 'claimed', lease_owner: 1 });
    await screenshot(page, 'promises-04-calling-back');
  });

  it('a lead kept by its owner ends in a sale on the phone, and the team lead sees it won in the pipeline', async () => {
    const { page } = browser;
    const customer = await db()
      .selectFrom('customers')
      .select(['id', 'phone', 'first_name', 'last_name'])
      .where(
        'id',
        'not in',
        db()
          .selectFrom('interactions')
          .select('customer_id')
          .where('customer_id', 'is not', null)
          .$narrowType<{ customer_id: number }>(),
      )
      .orderBy('id')
      .limit(1)
      .executeTakeFirstOrThrow();
    const name = `${customer.first_name} ${customer.last_name}`;
    // back to real time (the console reports real times); the callback of the first story is handed back and the
    // browser starts clean
    clock.jumpTo(new Date());
    const api = createApiClient(server.url);
    await api.login('operatore1');
    const held = await api.trpc.work.current.query();
    if (held) await api.trpc.work.release.mutate({ id: held.id, reason: 'fine turno' });
    await browser.context.clearCookies();
    await page.evaluate(() => localStorage.clear());
    await signInByKeyboard(page, server.url, 'operatore1');

    // the customer wants fibre, to be closed on the phone: a lead, followed up by operatore1
    await page.keyboard.press('/');
    await page.keyboard.type(customer.phone);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: new RegExp(name) }).waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await atStep(page, 'Identificazione');
    await pressChoice(page, /Cliente identificato/);
    await atStep(page, 'Bisogno');
    await pressChoice(page, /Bisogno individuato/);
    await page.getByRole('combobox', { name: /Prodotto/ }).waitFor();
    await page.keyboard.type('Fibra');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await atStep(page, 'Proposta');
    await pressChoice(page, /Proposta accettata/);
    await atStep(page, 'Chiusura');
    await pressChoice(page, /Crea lead/);
    const followUp = page.getByRole('group', { name: 'Ricontatto il' });
    await followUp.waitFor();
    const followUpAt = await followUp.getByRole('combobox', { name: 'Ora' }).inputValue();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Riepilogo del contatto' }).waitFor();
    await page.keyboard.press('Control+Enter');
    await page
      .getByTestId('contact-result')
      .getByText(/Lead creato/)
      .waitFor();
    const lead = await db()
      .selectFrom('leads')
      .selectAll()
      .where('customer_id', '=', customer.id)
      .executeTakeFirstOrThrow();
    expect(lead).toMatchObject({ status: 'open', owner_id: 1, follow_up_at: followUpAt });

    // the follow-up time comes: operatore1 takes it from "I miei impegni" and sells on the phone
    // (the server and the browser jump together: the console reports its own clock's times, the server checks them)
    clock.jumpTo(new Date(Date.parse(followUpAt) + 60_000));
    await browser.context.clock.setSystemTime(new Date(Date.parse(followUpAt) + 60_000));
    await browser.context.clearCookies(); // a new shift: sign in again (the session may or may not have run out)
    await signInByKeyboard(page, server.url, 'operatore1');
    const take = page.getByTestId('my-promises').getByRole('button', { name: new RegExp(`Richiama ora ${name}`) });
    await take.waitFor();
    await take.focus();
    await page.keyboard.press('Enter');
    await atStep(page, 'Chiamata');
    await pressChoice(page, /Risponde/);
    await atStep(page, 'Identificazione');
    await pressChoice(page, /Cliente identificato/);
    await atStep(page, 'Bisogno');
    await pressChoice(page, /Bisogno individuato/);
    await page.getByRole('combobox', { name: /Prodotto/ }).waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter'); // the lead's product is preset
    await atStep(page, 'Proposta');
    await pressChoice(page, /Proposta accettata/);
    await atStep(page, 'Chiusura');
    await pressChoice(page, /Vendita conclusa al telefono/);
    await page.getByLabel(/Numero d’ordine o di contratto/).waitFor();
    await page.keyboard.type('ORD-FIBRA-2026-17');
    await screenshot(page, 'promises-05-assisted-sale');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Riepilogo del contatto' }).waitFor();
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('contact-result').getByRole('heading', { name: 'Esito registrato' }).waitFor();
    const won = await db().selectFrom('leads').selectAll().where('id', '=', lead.id).executeTakeFirstOrThrow();
    expect(won).toMatchObject({ status: 'won', won_by: 'assisted_sale', sale_reference: 'ORD-FIBRA-2026-17' });

    // the team lead's pipeline shows it won by a sale on the phone, with its reference
    await browser.context.clearCookies();
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Nome utente').fill('teamlead1');
    await page.getByLabel('Password').fill('demo');
    await page.keyboard.press('Enter');
    await page.getByTestId('home-team_lead').waitFor();
    await page.goto(`${server.url}/leads?status=won`);
    const row = page.getByTestId(`lead-row-${lead.id}`);
    await row.waitFor();
    expect(await row.getByRole('cell', { name: 'Vendita assistita' }).count()).toBe(1);
    expect(await row.getByRole('cell', { name: 'ORD-FIBRA-2026-17' }).count()).toBe(1);
    await screenshot(page, 'promises-06-pipeline-won');
  });
});
