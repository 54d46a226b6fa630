import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunningClock } from '@valore/server/testing/movable-clock';
import { nextSaturdays, staffSaturdays } from '@valore/server/testing/agreed-time';
import { romeParts } from '@valore/shared/time/rome-time';
import { calendarFromSpec, serviceHalfHours } from '@valore/shared/time/service-calendar';
import { createApiClient } from '../helpers/api-client';
import { startTestServer, type TestServer } from '../helpers/server';
import { openBrowser, screenshot, type BrowserSession } from './helpers/browser';
import { atStep, signInByKeyboard } from './helpers/console';
import { dateField, fieldText } from './helpers/date-field';

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
  // run on a Friday evening, the first time the picker offers is a Saturday's: staffed, so it has Call Me Back capacity
  staffSaturdays(server.database.sqlite, nextSaturdays(new Date(), 2), new Date().toISOString());
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
    const day = dateField(picker, 'Giorno');
    const time = picker.getByRole('combobox', { name: 'Ora' });
    expect(await fieldText(day)).toMatch(/^\d\d\/\d\d\/\d{4}$/); // day first, in Italian
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
    // the follow-up by keyboard only (the report: Tab walked six segments, the note was lost, Enter did
    // nothing): focus starts on the day's first segment; a closed day is refused; a week on is typed, Tab goes to the
    // time, Tab to the note, Shift+Tab twice back to the date, and Enter there submits the form with the note
    const offered = serviceHalfHours(
      new Date(Date.now() + 15 * 60_000),
      60,
      calendarFromSpec((await api.trpc.work.serviceCalendar.query()).calendar),
    );
    const romeDay = (at: Date) => romeParts(at).date;
    // the first open half-hour of the first open day a week on (not "a week from this minute": run at 09:27 that
    // was 09:30, while the picker rightly starts the day at its opening)
    const weekOnDay = offered.map(romeDay).find((day) => day >= romeDay(new Date(Date.now() + 7 * 86_400_000)));
    const weekOn = offered.find((at) => romeDay(at) === weekOnDay);
    const closed = [...Array(14).keys()]
      .map((n) => romeDay(new Date(Date.now() + (n + 2) * 86_400_000)))
      .find((key) => !offered.some((at) => romeDay(at) === key));
    if (!weekOn || !closed) throw new Error('the calendar offers no day a week on, or no closed day in two weeks');
    const followUpDay = dateField(followUp, 'Giorno');
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '');
    await expect.poll(focused).toMatch(/^giorno/);
    const digits = (key: string) => key.split('-').reverse().join('');
    await page.keyboard.type(digits(closed));
    await followUp.getByText('Giorno non disponibile').waitFor();
    expect(await page.getByRole('button', { name: /Crea il lead/ }).isDisabled()).toBe(true);
    await page.keyboard.press('Shift+Tab'); // out of the field in one step, and back in at its first segment
    await page.keyboard.press('Tab');
    expect(await focused()).toMatch(/^giorno/);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await focused()).toMatch(/^anno/); // the arrows move between the segments
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    expect(await focused()).toMatch(/^giorno/);
    await page.keyboard.type(digits(romeDay(weekOn)));
    expect(await fieldText(followUpDay)).toBe(romeDay(weekOn).split('-').reverse().join('/'));
    const weekday = new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', weekday: 'long' }).format(weekOn);
    await followUp.getByText(new RegExp(`^${weekday} `)).waitFor(); // the day read back in words
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('SELECT');
    await page.keyboard.press('Tab');
    const note = 'Preferisce la sera, dopo le 18';
    await page.keyboard.type(note);
    await screenshot(page, 'promises-03-follow-up-typed');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    expect(await focused()).toMatch(/^anno/);
    const followUpAt = await followUp.getByRole('combobox', { name: 'Ora' }).inputValue();
    expect(followUpAt).toBe(weekOn.toISOString()); // the day's first open half-hour
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
    expect(lead).toMatchObject({ status: 'open', owner_id: 1, follow_up_at: followUpAt, notes: note });

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
