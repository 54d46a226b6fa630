import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowAggregates, publishedScript } from '@valore/server/domains/practice/practice.sources';
import { outcomesByProduct } from '@valore/server/domains/scripts/catalogue.repository';
import { machineFor } from '@valore/server/domains/scripts/script-versions';
import { compileScript } from '@valore/shared/flows/compile';
import { CHOICE_KEYS } from '@valore/shared/flows/event-names';
import { objectionsOf, type AnyFlowMachine } from '@valore/shared/flows/index';
import type { FlowInput } from '@valore/shared/flows/types';
import {
  personaOf,
  stepWeights,
  syntheticCustomer,
  type PersonaId,
  type PracticeWeights,
} from '@valore/shared/training/personas';
import { playPractice, type PlayedPractice, type PracticePathEntry } from '@valore/shared/training/practice-play';
import { createApiClient, type ApiClient } from '../helpers/api-client';
import { startTestServer, type TestServer } from '../helpers/server';
import { openBrowser, screenshot, type BrowserSession } from './helpers/browser';
import { signInByKeyboard } from './helpers/console';
import { assignPracticeByKeyboard } from './helpers/practice';

/**
 * The practice console in Chromium (docs/training.md, "Practice console"): tutor1 assigns operatore1 a practice set
 * on their page by keyboard; operatore1 opens "Esercitazioni" by keyboard, starts the set's contact, and plays the whole call in
 * the console's script panel by keyboard only, following the simulated customer's lines, to an outcome; the score the
 * page shows is the one the server stored, its criteria listed, and the set shows 1 of 2 done. A second contact is
 * played in English. Nothing real is written: no interaction, and the operator's status untouched.
 */
let server: TestServer;
let browser: BrowserSession;
let tutorBrowser: BrowserSession;
let operator: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  [browser, tutorBrowser] = await Promise.all([openBrowser(), openBrowser()]);
  operator = createApiClient(server.url);
  await operator.login('operatore1');
});
afterAll(async () => {
  await browser?.close();
  await tutorBrowser?.close();
  await server?.close();
});

const db = () => server.database.db;

const STEPS = {
  it: {
    dialling: 'Chiamata',
    identify: 'Identificazione',
    problem: 'Problema',
    propensity: 'Propensione',
    consent: 'Consenso',
    needs: 'Bisogno',
    proposal: 'Proposta',
    objection: 'Obiezione',
    close: 'Chiusura',
  },
  en: {
    dialling: 'Dialling',
    identify: 'Identification',
    problem: 'Problem',
    propensity: 'Propensity',
    consent: 'Consent',
    needs: 'Need',
    proposal: 'Proposal',
    objection: 'Objection',
    close: 'Close',
  },
} as const;
type Lang = keyof typeof STEPS;
const SAYS: Record<Lang, (text: string) => string> = {
  it: (text) => `Il cliente: «${text}»`,
  en: (text) => `The customer: “${text}”`,
};

/** The practice contact just started by the page, and the call its customer will make (the shared reference). */
async function plannedCall(): Promise<{ played: PlayedPractice; machine: AnyFlowMachine; practiceId: number }> {
  const row = await db()
    .selectFrom('practice_contacts')
    .selectAll()
    .where('user_id', '=', db().selectFrom('users').select('id').where('username', '=', 'operatore1'))
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  const found = await machineFor(db(), row.flow, row.script_version);
  const persona = personaOf(row.persona_id);
  if (!found.ok || !persona) throw new Error('the practice contact plays a known script and persona');
  const weights = JSON.parse(row.weights) as PracticeWeights;
  const input = JSON.parse(row.flow_input) as FlowInput;
  const played = playPractice(found.machine, input, persona, weights, row.seed);
  if (!played.outcome) throw new Error('the planned call reaches an outcome');
  return { played, machine: found.machine, practiceId: row.id };
}

const checkedValue = (page: Page) =>
  page.evaluate(() => (document.activeElement instanceof HTMLInputElement ? document.activeElement.value : null));

/** Moves through the focused radio group with the arrows until `value` is chosen. */
async function arrowTo(page: Page, value: string) {
  for (let i = 0; i < 8 && (await checkedValue(page)) !== value; i++) await page.keyboard.press('ArrowDown');
  expect(await checkedValue(page)).toBe(value);
}

/** Records one choice by its key, answering its form (if any) by keyboard with the customer's details. */
async function record(page: Page, entry: PracticePathEntry, prepared: readonly string[]) {
  await page.keyboard.press(CHOICE_KEYS[entry.choice]);
  switch (entry.choice) {
    case 'needs.identified': {
      const product = page.getByRole('combobox', { name: /Prodotto|Product/ });
      await expect.poll(() => product.evaluate((el) => el === document.activeElement)).toBe(true);
      for (let i = 0; i < 20 && (await product.inputValue()) !== entry.productCode; i++) {
        await page.keyboard.press('ArrowDown');
      }
      expect(await product.inputValue()).toBe(entry.productCode);
      await page.keyboard.press('Enter');
      return;
    }
    case 'consent.granted':
    case 'outcome.funnel':
    case 'contact.not_reached':
      await expect.poll(() => checkedValue(page)).not.toBeNull();
      await arrowTo(page, entry.channel ?? entry.reason ?? 'no_answer');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      return;
    case 'proposal.objection': {
      if (prepared.length === 0) {
        // a script with no prepared objection asks only for its words (optional): Enter records it
        await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('INPUT');
        await page.keyboard.press('Enter');
        return;
      }
      await expect.poll(() => checkedValue(page)).not.toBeNull();
      await page.keyboard.press('Space');
      await arrowTo(page, entry.objectionCode ?? 'other');
      await page.keyboard.press('Tab'); // the objection's words (optional)
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      return;
    }
    case 'outcome.appointment':
      await expect.poll(() => checkedValue(page)).not.toBeNull();
      await page.keyboard.press('Space'); // no slot is held in practice: the example one
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      return;
    case 'outcome.assisted_sale':
      await page.keyboard.type('PRATICA-1');
      await page.keyboard.press('Enter');
      return;
    case 'outcome.lead':
    case 'callback.requested':
    case 'customer.opted_out':
      // the time comes prefilled (the first open half-hour), the opt-out asks a confirmation: Enter records it
      await page.waitForTimeout(300);
      await page.keyboard.press('Enter');
      return;
    default:
      return;
  }
}

/** Plays the started contact by keyboard: at each step the customer's line, a few seconds said, then their choice. */
async function playCall(
  page: Page,
  lang: Lang,
  shots: { run: string; objection?: string },
): Promise<{ practiceId: number }> {
  const { played, machine, practiceId } = await plannedCall();
  const prepared = objectionsOf(machine).map((o) => o.code);
  const line = page.getByTestId('practice-customer-line');
  for (const [turn, entry] of played.path.entries()) {
    await atStep(page, STEPS[lang][entry.step]);
    const reply = played.replies[turn];
    if (!reply) throw new Error('a reply at each turn');
    await expect.poll(() => line.textContent()).toContain(SAYS[lang](reply.text[lang]));
    if (turn === 1) await screenshot(page, shots.run);
    if (entry.step === 'objection' && shots.objection) await screenshot(page, shots.objection);
    // the operator says the step's line: a step counts as gone through after 3 s
    await page.waitForTimeout(3_100);
    await record(page, entry, prepared);
  }
  return { practiceId };
}

/**
 * A customer number whose campaign call, played as the customer leads, asks the consent and meets an objection (the
 * forms the e2e must also answer by keyboard): searched with the inputs practice.start builds (practice.service.ts).
 */
async function seedWithObjection(personaId: PersonaId): Promise<number> {
  const script = await publishedScript(db(), 'campaign', undefined);
  const persona = personaOf(personaId);
  if (!persona) throw new Error('a known persona');
  const machine = compileScript(script.definition);
  const products = await outcomesByProduct(db());
  const weights = stepWeights(await flowAggregates(db(), 'campaign'), persona);
  const fits = (code: string) =>
    (script.definition.products === null || script.definition.products.includes(code)) &&
    (products[code] ?? []).some((o) => script.definition.valueOutcomes.includes(o)) &&
    !persona.holds.includes(code);
  const preset = persona.products.find(fits) ?? Object.keys(products).find(fits) ?? null;
  for (let seed = 1; seed < 5_000; seed++) {
    const customer = syntheticCustomer(persona, seed);
    const input: FlowInput = {
      customer: { id: null, hasMarketingConsent: customer.hasMarketingConsent },
      products,
      presetProductCode: preset,
      leadFollowUp: false,
    };
    const { path, outcome } = playPractice(machine, input, persona, weights, seed);
    const count = (choice: PracticePathEntry['choice']) => path.filter((e) => e.choice === choice).length;
    // every objection answered (the rebuttal worked), and a consent given on the phone
    const answered = count('proposal.objection') > 0 && count('proposal.objection') === count('objection.resolved');
    if (outcome && answered && count('consent.granted') > 0) return seed;
  }
  throw new Error('no customer number with a consent and an objection');
}

/**
 * The script shows the step and has moved the focus to its name (helpers/console.ts atStep, matching the whole name:
 * the customer's card has a "Consents" heading beside the "Consent" step).
 */
async function atStep(page: Page, step: string) {
  const heading = page.getByRole('heading', { level: 3, name: new RegExp(`^${step}( —|$)`) });
  await heading.waitFor();
  await expect.poll(() => heading.evaluate((el) => el === document.activeElement)).toBe(true);
}

async function openPractice(page: Page, name: string) {
  const link = page.getByRole('link', { name });
  await link.focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('home-practice').waitFor();
}

describe('the practice console', { timeout: 240_000 }, () => {
  it('an operator plays an assigned practice call by keyboard, is scored as the server stored it, nothing real', async () => {
    // the tutor assigns the set on their page, by keyboard (the form's own test is practice-assign.e2e)
    const tutorPage = tutorBrowser.page;
    await signInByKeyboard(tutorPage, server.url, 'tutor1', 'home-tutor');
    await tutorPage.getByRole('link', { name: 'Esercitazioni' }).focus();
    await tutorPage.keyboard.press('Enter');
    await tutorPage.getByTestId('home-practice').waitFor();
    const me = await operator.trpc.auth.me.query();
    const young = personaOf('young_digital');
    if (!young) throw new Error('the young digital persona');
    await assignPracticeByKeyboard(tutorPage, {
      name: 'Inbound con il cliente digitale',
      operators: [me.displayName],
      scripts: ['Inbound commerciale'],
      personas: [young.name.it],
      count: 2,
    });
    await tutorPage
      .getByRole('status')
      .filter({ hasText: /Esercitazione «Inbound con il cliente digitale» assegnata a 1 operator/ })
      .waitFor();
    const count = async (table: 'interactions' | 'leads' | 'appointments') =>
      Number((await db().selectFrom(table).select(db().fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = {
      interactions: await count('interactions'),
      leads: await count('leads'),
      appointments: await count('appointments'),
    };
    const status = () =>
      server.database.sqlite
        .prepare(
          "SELECT state FROM operator_status WHERE user_id = (SELECT id FROM users WHERE username = 'operatore1')",
        )
        .get();

    const { page } = browser;
    await signInByKeyboard(page, server.url, 'operatore1');
    const statusBefore = status();
    await openPractice(page, 'Esercitazioni');
    const assignments = page.getByTestId('practice-assignments');
    const row = assignments.getByRole('row', { name: /Inbound con il cliente digitale/ });
    await expect.poll(() => row.textContent()).toContain('0 di 2');
    await screenshot(page, 'practice-01-home');
    await row.getByRole('button', { name: /^Inizia «Inbound con il cliente digitale»/ }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('Esercitazione — cliente simulato, nulla viene registrato.').waitFor();

    const { practiceId } = await playCall(page, 'it', { run: 'practice-02-run' });

    const heading = page.getByRole('heading', { level: 2, name: /^Punteggio: \d+ su 100$/ });
    await heading.waitFor();
    await expect.poll(() => heading.evaluate((el) => el === document.activeElement)).toBe(true);
    const mine = await operator.trpc.practice.mine.query();
    const stored = mine.contacts.find((c) => c.practiceId === practiceId);
    expect(stored?.totalScore).not.toBeNull();
    expect(await heading.textContent()).toBe(`Punteggio: ${stored?.totalScore} su 100`);
    const criteria = page.getByRole('list', { name: 'Criteri del punteggio' }).getByRole('listitem');
    expect(await criteria.count()).toBe(5);
    expect(await criteria.first().textContent()).toContain('Passi dello script');
    await screenshot(page, 'practice-03-score');

    // back to the page: the set counts the contact
    await page.getByRole('button', { name: 'Nuova esercitazione' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => row.textContent()).toContain('1 di 2');
    const history = page.getByTestId('practice-history');
    await expect.poll(() => history.textContent()).toContain(`${stored?.totalScore}/100`);
    expect(mine.assignments.find((a) => a.name === 'Inbound con il cliente digitale')).toMatchObject({
      done: 1,
      count: 2,
    });

    // nothing real was written, and the operator's status was left alone
    expect({
      interactions: await count('interactions'),
      leads: await count('leads'),
      appointments: await count('appointments'),
    }).toEqual(before);
    expect(status()).toEqual(statusBefore);

    // in English, a new practice of the operator's choosing: a campaign call with a consent and an objection
    const seed = await seedWithObjection('undecided_small_business');
    const historyRows = await history.getByRole('row').count();
    await page.getByLabel('Lingua').selectOption('en');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    const rowEn = page
      .getByTestId('practice-assignments')
      .getByRole('row', { name: /Inbound con il cliente digitale/ });
    await expect.poll(() => rowEn.textContent()).toContain('1 of 2');
    const form = page.getByRole('form', { name: 'New practice' });
    await form.getByRole('combobox', { name: 'Script' }).focus();
    for (let i = 0; i < 4 && (await form.getByRole('combobox', { name: 'Script' }).inputValue()) !== 'campaign'; i++) {
      await page.keyboard.press('ArrowUp');
    }
    await page.keyboard.press('Tab'); // into the personas
    await page.keyboard.press('Space');
    await arrowTo(page, 'undecided_small_business');
    await form.getByText('Advanced options').focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await page.keyboard.type(String(seed));
    await screenshot(page, 'practice-04-new-en');
    await page.keyboard.press('Enter'); // submits the form
    await page.getByText('Practice — simulated customer, nothing is recorded.').waitFor();
    const second = await playCall(page, 'en', { run: 'practice-05-run-en', objection: 'practice-06-objection-en' });
    const headingEn = page.getByRole('heading', { level: 2, name: /^Score: \d+ out of 100$/ });
    await headingEn.waitFor();
    const storedEn = (await operator.trpc.practice.mine.query()).contacts.find(
      (c) => c.practiceId === second.practiceId,
    );
    expect(await headingEn.textContent()).toBe(`Score: ${storedEn?.totalScore} out of 100`);
    expect(await page.getByRole('list', { name: 'Score criteria' }).getByRole('listitem').count()).toBe(5);
    const objections = page.getByRole('list', { name: 'Score criteria' }).getByRole('listitem').nth(2);
    expect(await objections.textContent()).toMatch(/^Objections20\/20You answered every objection/);
    await screenshot(page, 'practice-07-score-en');
    // the same customer again: the same number, the same customer, the same first answer; then left unfinished
    await page.getByRole('button', { name: 'Repeat with the same customer' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('Practice — simulated customer, nothing is recorded.').waitFor();
    const repeated = await plannedCall();
    expect(repeated.practiceId).toBeGreaterThan(second.practiceId);
    const row2 = await db()
      .selectFrom('practice_contacts')
      .select(['seed', 'persona_id', 'customer'])
      .where('id', '=', repeated.practiceId)
      .executeTakeFirstOrThrow();
    expect(row2).toMatchObject({ seed, persona_id: 'undecided_small_business' });
    const { firstName, lastName } = JSON.parse(row2.customer) as { firstName: string; lastName: string };
    await page.getByRole('region', { name: 'Simulated customer' }).getByText(`${firstName} ${lastName}`).waitFor();
    await atStep(page, STEPS.en[repeated.played.path[0]?.step ?? 'dialling']);
    await expect
      .poll(() => page.getByTestId('practice-customer-line').textContent())
      .toContain(SAYS.en(repeated.played.replies[0]?.text.en ?? ''));
    await page.getByRole('button', { name: 'Stop and go back to practice' }).focus();
    await page.keyboard.press('Enter');
    // back on the page, on the new-practice form; the stopped contact is listed, not finished
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('New practice');
    await expect.poll(() => page.getByTestId('practice-history').getByRole('row').count()).toBe(historyRows + 2);
    expect(await page.getByTestId('practice-history').getByRole('row').nth(1).textContent()).toContain('Not finished');
    await screenshot(page, 'practice-08-home-en');
    expect(await count('interactions')).toBe(before.interactions);
  });
});
