import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

/** A customer whose latest marketing consent is missing or refused, not on the opt-out registry. */
async function customerWithoutConsent() {
  const candidates = await db()
    .selectFrom('customers')
    .select(['id', 'phone', 'tax_code', 'first_name', 'last_name'])
    .where('phone', 'not in', db().selectFrom('optout_registry').select('phone'))
    .orderBy('id')
    .limit(300)
    .execute();
  for (const c of candidates) {
    const latest = await db()
      .selectFrom('consents')
      .select('granted')
      .where('customer_id', '=', c.id)
      .where('purpose', '=', 'marketing')
      .orderBy('recorded_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    if (latest?.granted !== 1) return c;
  }
  throw new Error('no customer without marketing consent in the demo data');
}

const signIn = (page: Page, username: string) => signInByKeyboard(page, server.url, username);

describe('cross-sell after a one-contact solution, keyboard only', () => {
  it('records the consent given on the call, then sends a tracked funnel link by SMS', async () => {
    const { page } = browser;
    const customer = await customerWithoutConsent();
    await signIn(page, 'operatore2');

    // Choose the flow: from the search field, Shift+Tab reaches the flow radios, ↓ selects the OCS flow.
    await page.keyboard.press('/');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('ArrowDown');
    expect(await page.getByRole('radio', { name: /Cross-sell dopo OCS/ }).isChecked()).toBe(true);
    await page.keyboard.press('Tab');
    await page.keyboard.type(customer.tax_code);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: new RegExp(`${customer.first_name} ${customer.last_name}`) }).waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');

    await atStep(page, 'Identificazione');
    await page.getByText('Marketing: manca').waitFor();
    await page.keyboard.press('1'); // identified
    await atStep(page, 'Problema');
    await screenshot(page, 'console-ocs-01-problem');
    await page.keyboard.press('1'); // solved in this contact
    await atStep(page, 'Propensione');
    await page.keyboard.press('1'); // willing to listen
    await atStep(page, 'Consenso');
    // No proposal yet: the script asks for marketing consent first.
    expect(await page.getByRole('button', { name: /Bisogno individuato/ }).count()).toBe(0);
    await page.keyboard.press('1'); // Consenso dato → channel
    await page.getByRole('group', { name: 'Canale preferito' }).waitFor();
    await screenshot(page, 'console-ocs-02-consent');
    await page.keyboard.press('Tab'); // "Telefono" is preselected: consent to be called with offers
    await page.keyboard.press('Enter');

    await atStep(page, 'Bisogno');
    await page.getByText('Marketing: dato in chiamata').waitFor();
    await page.keyboard.press('1');
    await page.getByRole('combobox', { name: /Prodotto/ }).waitFor();
    await page.keyboard.type('Carta');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await atStep(page, 'Proposta');
    await page.keyboard.press('1');
    await atStep(page, 'Chiusura');
    await page.keyboard.press('5'); // Invia link al funnel digitale
    await page.getByRole('group', { name: 'Invia il link via' }).waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter'); // SMS is preselected
    await page.getByRole('heading', { name: 'Riepilogo del contatto' }).waitFor();
    await screenshot(page, 'console-ocs-03-after-call-work');
    await page.keyboard.press('Control+Enter');

    const result = page.getByTestId('contact-result');
    await result.getByText(/Link al funnel digitale inviato via SMS/).waitFor();
    await screenshot(page, 'console-ocs-04-link-sent');
    const shownUrl = (await result.locator('code').textContent()) ?? '';

    const interaction = await db()
      .selectFrom('interactions')
      .selectAll()
      .where('customer_id', '=', customer.id)
      .executeTakeFirstOrThrow();
    expect(interaction).toMatchObject({
      flow: 'ocs_cross_sell',
      outcome: 'digital_funnel',
      product_code: 'CARTA_IBAN',
      ocs_solved: 1,
      propensity: 1,
    });
    const consent = await db()
      .selectFrom('consents')
      .selectAll()
      .where('customer_id', '=', customer.id)
      .where('purpose', '=', 'marketing')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(consent).toMatchObject({
      granted: 1,
      channel: 'phone',
      source: 'interaction',
      source_ref: interaction.client_id,
    });
    await page.getByText('Marketing: sì').waitFor(); // the card reloads with the consent on file

    const link = await db()
      .selectFrom('funnel_links')
      .selectAll()
      .where('customer_id', '=', customer.id)
      .executeTakeFirstOrThrow();
    const sms = await db()
      .selectFrom('outbox')
      .selectAll()
      .where('ref_type', '=', 'funnel_link')
      .where('ref_id', '=', String(link.id))
      .executeTakeFirstOrThrow();
    expect(sms.channel).toBe('sms');
    expect(sms.body).toContain(shownUrl);

    const response = await fetch(shownUrl, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toMatch(/^https:\/\/shop\.valore\.example\//);
    const clicked = await db()
      .selectFrom('funnel_links')
      .select('click_count')
      .where('id', '=', link.id)
      .executeTakeFirstOrThrow();
    expect(clicked.click_count).toBe(1);
  });
});
