import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLBACK_1_1_0 } from '@valore/shared/flows/builtin-scripts';
import { createApiClient } from '../helpers/api-client';
import { postCallMeNow } from '../helpers/intake';
import { startTestServer, type TestServer } from '../helpers/server';
import { openBrowser, screenshot, type BrowserSession } from './helpers/browser';
import { atStep, signInByKeyboard } from './helpers/console';

let server: TestServer;
let browser: BrowserSession;

beforeAll(async () => {
  server = await startTestServer();
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const db = () => server.database.db;

const signIn = (page: Page, username: string) => signInByKeyboard(page, server.url, username);

/** Presses the number key shown on the choice (the order depends on the step). */
async function choose(page: Page, label: string) {
  const button = page.getByRole('button', { name: label, exact: true });
  const key = await button.getAttribute('aria-keyshortcuts');
  expect(key).toMatch(/^[1-9]$/);
  await page.keyboard.press(key ?? '');
}

describe('Call Me Now through the queue, keyboard only', () => {
  it('reaches the operator who presses N, and the callback flow closes the request with a funnel link', async () => {
    const customer = await db()
      .selectFrom('customers')
      .select(['id', 'phone', 'first_name', 'last_name'])
      .orderBy('id')
      .offset(25)
      .limit(1)
      .executeTakeFirstOrThrow();
    const response = await postCallMeNow(server, customer, { note: 'Vorrei aprire un conto' });
    expect(response.status).toBe(201);
    const { id: requestId } = (await response.json()) as { id: string };

    const { page } = browser;
    await signIn(page, 'operatore1');
    const next = page.getByRole('button', { name: /Prossimo contatto \(1\)/ });
    await next.waitFor();
    await page.locator('body').click({ position: { x: 5, y: 5 } }); // focus on the page, not in a field
    await page.keyboard.press('n');

    await atStep(page, 'Chiamata');
    const item = page.getByTestId('work-item');
    await item.getByText('Call Me Now').waitFor();
    await item.getByText('Vorrei aprire un conto').waitFor();
    await page.getByText(`${customer.first_name} ${customer.last_name}`).first().waitFor();
    await screenshot(page, 'queue-01-callback-item');

    await choose(page, 'Risponde');
    await atStep(page, 'Identificazione');
    await choose(page, 'Cliente identificato');
    await atStep(page, 'Bisogno');
    await choose(page, 'Bisogno individuato');
    await page.getByRole('combobox', { name: /Prodotto/ }).waitFor();
    expect(await page.getByRole('combobox', { name: /Prodotto/ }).inputValue()).toBe('CONTO'); // preset from the request
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await atStep(page, 'Proposta');
    await choose(page, 'Proposta accettata');
    await atStep(page, 'Chiusura');
    await choose(page, 'Invia link al funnel digitale');
    await page.getByRole('group', { name: 'Invia il link via' }).waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Riepilogo del contatto' }).waitFor();
    await page.keyboard.press('Control+Enter');
    await page
      .getByTestId('contact-result')
      .getByText(/Link al funnel digitale inviato/)
      .waitFor();

    const request = await db()
      .selectFrom('callback_requests')
      .selectAll()
      .where('id', '=', requestId)
      .executeTakeFirstOrThrow();
    expect(request.status).toBe('done');
    expect(request.answered_at).not.toBeNull();
    const interaction = await db()
      .selectFrom('interactions')
      .selectAll()
      .where('source_id', '=', requestId)
      .executeTakeFirstOrThrow();
    expect(interaction).toMatchObject({
      flow: 'callback',
      work_kind: 'callback',
      outcome: 'digital_funnel',
      customer_id: customer.id,
    });
    // The queue is empty again.
    await page.getByRole('button', { name: /Prossimo contatto \(0\)/ }).waitFor();
  });

  it('plays the version a team lead published and assigned: the operator reads the new line, the contact is logged under it', async () => {
    const lead = createApiClient(server.url);
    await lead.login('teamlead1');
    const needs = {
      it: 'Ci ha scritto per {product}: mi racconta per cosa le servirebbe?',
      en: 'You wrote to us about {product}: what would you use it for?',
    };
    const definition = JSON.parse(
      JSON.stringify({
        ...CALLBACK_1_1_0,
        version: '1.2.0',
        lines: { ...CALLBACK_1_1_0.lines, needs },
        objections: [
          {
            code: 'price',
            label: { it: 'Costa troppo', en: 'Too expensive' },
            rebuttal: { it: 'Il primo anno il canone è zero.', en: 'There is no fee in the first year.' },
          },
        ],
      }),
    ) as Parameters<typeof lead.trpc.scripts.versions.saveDraft.mutate>[0]['definition'];
    await lead.trpc.scripts.versions.saveDraft.mutate({ definition });
    await lead.trpc.scripts.versions.publish.mutate({ flow: 'callback', version: '1.2.0', note: 'Bisogno più aperto' });
    await lead.trpc.scripts.assignments.set.mutate({ flow: 'callback', splits: [{ version: '1.2.0', weight: 100 }] });

    const customer = await db()
      .selectFrom('customers')
      .select(['id', 'phone'])
      .orderBy('id')
      .offset(26)
      .limit(1)
      .executeTakeFirstOrThrow();
    const response = await postCallMeNow(server, customer);
    expect(response.status).toBe(201);
    const { id: requestId } = (await response.json()) as { id: string };

    const { page } = browser;
    await page.getByRole('button', { name: /Prossimo contatto \(1\)/ }).waitFor();
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('n');
    await atStep(page, 'Chiamata');
    await choose(page, 'Risponde');
    await atStep(page, 'Identificazione');
    await choose(page, 'Cliente identificato');
    await atStep(page, 'Bisogno');
    await page.getByText(/Ci ha scritto per .+: mi racconta per cosa le servirebbe\?/).waitFor();
    await screenshot(page, 'console-script-version');
    await choose(page, 'Bisogno individuato');
    await page.getByRole('combobox', { name: /Prodotto/ }).waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await atStep(page, 'Proposta');
    // an objection: the operator picks the prepared one (focus is on the list, nothing chosen for them) and its
    // rebuttal leads, marked
    await choose(page, 'Obiezione');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('type'))).toBe('radio');
    await page.keyboard.press('Space');
    await page.keyboard.press('Enter');
    const prepared = page.getByRole('region', { name: 'Obiezioni preparate e risposte suggerite' });
    await prepared.getByText('Il primo anno il canone è zero.').waitFor();
    await prepared.getByText('sollevata dal cliente').waitFor();
    await screenshot(page, 'console-objection-rebuttal');
    await choose(page, 'Obiezione superata');
    await atStep(page, 'Proposta');
    await choose(page, 'Proposta accettata');
    await atStep(page, 'Chiusura');
    await choose(page, 'Invia link al funnel digitale');
    await page.getByRole('group', { name: 'Invia il link via' }).waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Riepilogo del contatto' }).waitFor();
    await page.keyboard.press('Control+Enter');
    await page
      .getByTestId('contact-result')
      .getByText(/Link al funnel digitale inviato/)
      .waitFor();
    const interaction = await db()
      .selectFrom('interactions')
      .select(['script_version', 'outcome'])
      .where('source_id', '=', requestId)
      .executeTakeFirstOrThrow();
    expect(interaction).toEqual({ script_version: '1.2.0', outcome: 'digital_funnel' });

    // the team lead's statistics compare 1.2.0 with 1.1.0, with the interval
    await page.getByRole('button', { name: 'Esci' }).click();
    await page.getByLabel('Nome utente').fill('teamlead1');
    await page.getByLabel('Password').fill('demo');
    await page.keyboard.press('Enter');
    await page.getByTestId('home-team_lead').waitFor();
    const comparison = page.getByTestId('script-comparison');
    await comparison.getByRole('row', { name: /Call Me Back.*1\.2\.0 rispetto a 1\.1\.0/ }).waitFor();
    await comparison.scrollIntoViewIfNeeded();
    await screenshot(page, 'stats-script-comparison');
    // objections by rebuttal: "Costa troppo" raised once under 1.2.0, and the customer kept (a funnel link)
    const objections = page.getByTestId('script-objections');
    await objections
      .getByRole('row', { name: /Call Me Back.*1\.2\.0.*Costa troppo.*Il primo anno il canone è zero\..*1.*1 \(100/ })
      .waitFor();
    await objections.scrollIntoViewIfNeeded();
    await screenshot(page, 'stats-script-objections');
  });
});
