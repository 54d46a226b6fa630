import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { openBrowser, screenshot, type BrowserSession } from './helpers/browser';
import { atStep as atStepShared, signInByKeyboard } from './helpers/console';

// Two real browsers on one server: operatore1 (site 1) works a call in the console with the keyboard only, while
// tutor1 (site 1) follows it on the live board, coaches, scores the finished call and releases the scorecard.
let server: TestServer;
let tutorBrowser: BrowserSession;
let operatorBrowser: BrowserSession;

beforeAll(async () => {
  server = await startTestServer();
  [tutorBrowser, operatorBrowser] = await Promise.all([openBrowser(), openBrowser()]);
});
afterAll(async () => {
  await tutorBrowser?.close();
  await operatorBrowser?.close();
  await server?.close();
});

const db = () => server.database.db;
/** Generous: the two browsers and the server share two busy cores. */
const LIVE = { timeout: 15_000 };

/** A customer with no contact yet (as in the inbound sales test: eligible for a lead on fibre). */
async function freshCustomer() {
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
  return db()
    .selectFrom('customers')
    .innerJoin('post_offices', 'post_offices.province_code', 'customers.province_code')
    .innerJoin('appointment_slots', 'appointment_slots.post_office_id', 'post_offices.id')
    .select(['customers.id', 'customers.phone', 'customers.first_name', 'customers.last_name'])
    .where('appointment_slots.starts_at', '>', tomorrow)
    .whereRef('appointment_slots.booked', '<', 'appointment_slots.capacity')
    .where(
      'customers.id',
      'not in',
      db()
        .selectFrom('interactions')
        .select('customer_id')
        .where('customer_id', 'is not', null)
        .$narrowType<{ customer_id: number }>(),
    )
    .orderBy('customers.id')
    .limit(1)
    .executeTakeFirstOrThrow();
}

const signIn = (page: Page, username: string, home: 'home-operator' | 'home-tutor') =>
  signInByKeyboard(page, server.url, username, home);

const atStep = (page: Page, step: string) => atStepShared(page, step, LIVE);

/** Presses Tab until the focused element matches, then returns; fails after a few presses. */
async function tabTo(page: Page, target: Locator, max = 12) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((el) => el === document.activeElement)) return;
  }
  throw new Error(`Tab never reached ${String(target)}`);
}

describe('a tutor follows an operator live, coaches and scores the call', () => {
  const tutor = () => tutorBrowser.page;
  const operator = () => operatorBrowser.page;
  const boardRow = () => tutor().getByTestId('board-row-operatore1');
  const coaching = 'Ricorda il vantaggio della fibra senza vincoli.';
  let customer: Awaited<ReturnType<typeof freshCustomer>>;

  it('the board follows the operator step by step through an inbound sales call', async () => {
    customer = await freshCustomer();
    await signIn(tutor(), 'tutor1', 'home-tutor');
    await tutor().getByRole('heading', { level: 1, name: 'Monitoraggio sede' }).waitFor();
    await boardRow().waitFor(LIVE);

    await signIn(operator(), 'operatore1', 'home-operator');
    await expect
      .poll(() => operator().getByTestId('operator-status').getByRole('combobox').inputValue(), LIVE)
      .toBe('ready');
    await expect.poll(() => boardRow().getAttribute('data-state'), LIVE).toBe('ready');

    // `/` → phone → Enter → ↓ → Enter: the contact starts on the customer found.
    await operator().keyboard.press('/');
    await operator().keyboard.type(customer.phone);
    await operator().keyboard.press('Enter');
    await operator()
      .getByRole('button', { name: new RegExp(`${customer.first_name} ${customer.last_name}`) })
      .waitFor(LIVE);
    await operator().keyboard.press('ArrowDown');
    await operator().keyboard.press('Enter');

    const boardStep = boardRow().getByTestId('board-step');
    const followed = async (label: string) => {
      await expect.poll(() => boardStep.textContent(), LIVE).toContain(label);
      expect(await boardRow().getAttribute('data-state')).toBe('on_contact');
      expect(await boardStep.textContent()).toContain('Inbound commerciale');
    };

    await atStep(operator(), 'Identificazione');
    await followed('Identificazione');
    await screenshot(tutor(), 'monitor-01-tutor-board-identify');
    await operator().keyboard.press('1'); // Cliente identificato

    await atStep(operator(), 'Bisogno');
    await followed('Bisogno');
    await operator().keyboard.press('1'); // Bisogno individuato → product
    await operator()
      .getByRole('combobox', { name: /Prodotto/ })
      .waitFor(LIVE);
    await operator().keyboard.type('Fibra');
    await operator().keyboard.press('Tab');
    await operator().keyboard.press('Enter');

    await atStep(operator(), 'Proposta');
    await followed('Proposta');
    await screenshot(operator(), 'monitor-02-operator-proposal');
    await screenshot(tutor(), 'monitor-03-tutor-board-proposal');
  });

  it('the tutor coaches at the current step; the operator reads it with the keyboard', async () => {
    await boardRow()
      .getByRole('button', { name: /Dettagli di/ })
      .click();
    const drawer = tutor().getByTestId('operator-drawer');
    await drawer.getByLabel('Messaggio di coaching').fill(coaching);
    await drawer.getByRole('button', { name: 'Invia messaggio' }).click();
    await drawer.getByText('Messaggio inviato.').waitFor(LIVE);
    await drawer.getByText(/Non ancora letto/).waitFor(LIVE);

    // The message arrives live beside the step the operator is on.
    const banner = operator().getByTestId('coaching-banner');
    await banner.getByText(coaching).waitFor(LIVE);
    expect(await banner.textContent()).toContain('Al passo «Proposta» (passo attuale)');
    await screenshot(operator(), 'monitor-04-operator-coaching');

    // From the step prompt, Tab reaches "Ho letto"; Enter acknowledges it.
    const read = banner.getByRole('button', { name: /Ho letto/ });
    await tabTo(operator(), read);
    await operator().keyboard.press('Enter');
    await banner.waitFor({ state: 'detached', ...LIVE });

    await drawer.getByText(/Letto alle/).waitFor({ timeout: 20_000 });
    await screenshot(tutor(), 'monitor-05-tutor-coaching-read');
    await drawer.getByRole('button', { name: 'Chiudi' }).click();
  });

  it('the operator logs a lead; the tutor scores and releases the call; the operator acknowledges the scorecard', async () => {
    // The number keys still drive the script after the banner is gone.
    await operator().keyboard.press('1'); // Proposta accettata
    await atStep(operator(), 'Chiusura');
    await expect.poll(() => boardRow().getByTestId('board-step').textContent(), LIVE).toContain('Chiusura');
    await operator().keyboard.press('6'); // Crea lead
    await operator().getByRole('group', { name: 'Ricontatto il' }).waitFor(LIVE);
    await operator().keyboard.press('Enter'); // the follow-up time is prefilled
    await operator().getByRole('heading', { name: 'Riepilogo del contatto' }).waitFor(LIVE);
    await expect.poll(() => boardRow().getAttribute('data-state'), LIVE).toBe('after_call_work');
    await operator().keyboard.press('Tab');
    await operator().keyboard.type('Vuole la fibra, richiamare dopo le 18.');
    await operator().keyboard.press('Control+Enter');
    await operator()
      .getByTestId('contact-result')
      .getByText(/Lead creato/)
      .waitFor(LIVE);
    await expect.poll(() => boardRow().getAttribute('data-state'), LIVE).toBe('ready');

    const interaction = await db()
      .selectFrom('interactions')
      .select(['id', 'outcome'])
      .where('customer_id', '=', customer.id)
      .executeTakeFirstOrThrow();
    expect(interaction.outcome).toBe('lead');

    // "Valutazioni" refreshes on its own (every 15 s): the finished call shows up without a reload.
    const review = tutor().getByTestId(`review-${interaction.id}`);
    await review.waitFor({ timeout: 40_000 });
    expect(await review.textContent()).toContain('Da valutare');
    await review.getByRole('button', { name: /Valuta la chiamata/ }).click();
    const card = tutor().getByTestId('scorecard');
    await card.getByText(coaching, { exact: false }).waitFor(LIVE);
    await card.getByText('Vuole la fibra, richiamare dopo le 18.').waitFor(LIVE);

    // Keyboard: in each group ArrowRight ×3 picks 4, Tab goes on to the next group, then the checkbox, the comments.
    const groups = card.getByRole('group');
    const count = await groups.count();
    expect(count).toBeGreaterThanOrEqual(5);
    await groups.first().getByRole('radio', { name: '1' }).focus();
    for (let i = 0; i < count; i++) {
      if (i > 0) await tutor().keyboard.press('Tab');
      for (let k = 0; k < 3; k++) await tutor().keyboard.press('ArrowRight');
    }
    await expect.poll(() => card.getByRole('radio', { name: '4', checked: true }).count()).toBe(count);
    await tutor().keyboard.press('Tab'); // critical error: left unchecked
    await tutor().keyboard.press('Tab');
    await tutor().keyboard.type('Buona esplorazione del bisogno; chiudi con una data precisa.');
    await screenshot(tutor(), 'monitor-06-tutor-scorecard-form');
    await tabTo(tutor(), card.getByRole('button', { name: "Rilascia all'operatore" }));
    await tutor().keyboard.press('Enter');
    // asked twice: the operator sees it at once
    await card.getByText("L'operatore la vedrà subito. Rilasciare?").waitFor(LIVE);
    await tutor().keyboard.press('Enter'); // "Sì, rilascia" has the focus
    await card.getByText(/Valutazione rilasciata il/).waitFor(LIVE);
    await screenshot(tutor(), 'monitor-07-tutor-scorecard-released');
    // taken back within 5 minutes (a draft again, the scores kept), then released again
    await card.getByRole('button', { name: /Annulla il rilascio \(ancora 4:\d\d\)/ }).click();
    await card.getByRole('button', { name: "Rilascia all'operatore" }).waitFor(LIVE);
    await expect.poll(() => card.getByRole('radio', { name: '4', checked: true }).count()).toBe(count);
    await card.getByRole('button', { name: "Rilascia all'operatore" }).click();
    await card.getByRole('button', { name: 'Sì, rilascia' }).click();
    await card.getByText(/Valutazione rilasciata il/).waitFor(LIVE);

    // The operator's "Le mie valutazioni" shows it after a reload; one button acknowledges it.
    await operator().reload();
    await operator().getByTestId('home-operator').waitFor(LIVE);
    const mine = operator().getByTestId('my-scorecards');
    await mine.getByText('Valutata da', { exact: false }).waitFor(LIVE);
    const text = await mine.textContent();
    expect(text).toContain('Nuova');
    expect(text).toContain('Inbound commerciale');
    expect(text).toContain('Lead');
    expect(text).toContain('Media 4 su 5');
    expect(text).toContain('chiudi con una data precisa');
    await screenshot(operator(), 'monitor-08-operator-scorecard');
    const ack = mine.getByRole('button', { name: /Presa visione della valutazione/ });
    await ack.focus();
    await operator().keyboard.press('Enter');
    await mine.getByText(/Presa visione il/).waitFor(LIVE);
    expect(await mine.getByText('Nuova').count()).toBe(0);
    await screenshot(operator(), 'monitor-09-operator-scorecard-acknowledged');

    await card.getByRole('button', { name: /Torna all'elenco/ }).click();
    await expect
      .poll(() => tutor().getByTestId(`review-${interaction.id}`).textContent(), LIVE)
      .toContain('Presa visione');
  }, 120_000); // the reviews list may take one 15 s refresh on a busy machine
});
