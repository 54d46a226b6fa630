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

/** Open around the clock, so the test does not depend on the hour it runs at. */
const ALWAYS_OPEN = JSON.stringify({
  timeZone: 'Europe/Rome',
  days: Object.fromEntries(['0', '1', '2', '3', '4', '5', '6'].map((d) => [d, [['00:00', '24:00']]])),
  excludeNationalHolidays: false,
});

/** An active campaign for site 1 with contacts who gave marketing consent, the oldest due first. */
async function campaignWithContacts(count: number) {
  const now = new Date();
  const customers = await db()
    .selectFrom('customers')
    .innerJoin('consents', 'consents.customer_id', 'customers.id')
    .select(['customers.id', 'customers.phone', 'customers.first_name', 'customers.last_name'])
    .where('consents.purpose', '=', 'marketing')
    .where('consents.granted', '=', 1)
    .where('consents.channel', 'in', ['any', 'phone'])
    .where('customers.phone', 'not in', db().selectFrom('optout_registry').select('phone'))
    .groupBy('customers.id')
    .orderBy('customers.id')
    .limit(count)
    .execute();
  const day = (offset: number) => new Date(now.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
  const campaign = await db()
    .insertInto('campaigns')
    .values({
      name: 'Libretto primavera',
      business_unit: 'Risparmio',
      product_code: 'LIBRETTO',
      starts_on: day(-1),
      ends_on: day(30),
      calling_window: ALWAYS_OPEN,
      max_attempts: 3,
      retry_delay_minutes: 60,
      script_version: '1.0.0',
      status: 'active',
      registry_checked_at: now.toISOString(),
      created_by: null,
      created_at: now.toISOString(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db().insertInto('campaign_sites').values({ campaign_id: campaign.id, site_id: 1 }).execute();
  const contacts = [];
  for (const [i, c] of customers.entries()) {
    const row = await db()
      .insertInto('campaign_contacts')
      .values({
        campaign_id: campaign.id,
        customer_id: c.id,
        phone: c.phone,
        due_at: new Date(now.getTime() - (count - i) * 60_000).toISOString(),
        lease_owner: null,
        lease_expires_at: null,
        last_outcome: null,
        updated_at: now.toISOString(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    contacts.push({ ...c, contactId: row.id });
  }
  return { campaignId: campaign.id, contacts };
}

const signIn = (page: Page, username: string) => signInByKeyboard(page, server.url, username);

async function choose(page: Page, label: string) {
  const key = await page.getByRole('button', { name: label, exact: true }).getAttribute('aria-keyshortcuts');
  expect(key).toMatch(/^[1-9]$/);
  await page.keyboard.press(key ?? '');
}

describe('outbound campaign through the queue, keyboard only', () => {
  it('sends a funnel link to the first contact and reschedules one not reached', async () => {
    const { contacts } = await campaignWithContacts(3);
    const [first, second] = contacts;
    if (!first || !second) throw new Error('demo data has too few consenting customers');

    const { page } = browser;
    await signIn(page, 'operatore1');
    await page.getByRole('button', { name: /Prossimo contatto \(3\)/ }).waitFor({ timeout: 15_000 });
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('n');

    await atStep(page, 'Chiamata');
    const item = page.getByTestId('work-item');
    await item.getByText('Libretto primavera').waitFor();
    await page.getByText(`${first.first_name} ${first.last_name}`).first().waitFor();
    await screenshot(page, 'queue-04-campaign-item');
    await choose(page, 'Risponde');
    await atStep(page, 'Identificazione');
    await choose(page, 'Cliente identificato');
    // Consent is on file: the script goes on to the need (or asks, if the flow shows the consent step).
    const consent = page.getByRole('heading', { level: 3, name: 'Consenso' });
    const needs = page.getByRole('heading', { level: 3, name: 'Bisogno' });
    await consent.or(needs).first().waitFor();
    if (await consent.count()) {
      await choose(page, 'Consenso dato');
      await page.getByRole('group', { name: 'Canale preferito' }).waitFor();
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
    }
    await atStep(page, 'Bisogno');
    await choose(page, 'Bisogno individuato');
    await page.getByRole('combobox', { name: /Prodotto/ }).waitFor();
    expect(await page.getByRole('combobox', { name: /Prodotto/ }).inputValue()).toBe('LIBRETTO');
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
    // the site now limits after-call work to 8 s: the console learns it with the status it sends on going Ready
    await db().updateTable('sites').set({ wrap_up_seconds: 8 }).where('id', '=', 1).execute();
    await page.keyboard.press('Control+Enter');
    await page
      .getByTestId('contact-result')
      .getByText(/Link al funnel digitale inviato/)
      .waitFor();

    const done = await db()
      .selectFrom('campaign_contacts')
      .selectAll()
      .where('id', '=', first.contactId)
      .executeTakeFirstOrThrow();
    expect(done).toMatchObject({ status: 'done', lease_owner: null, last_outcome: 'digital_funnel' });
    const logged = await db()
      .selectFrom('interactions')
      .selectAll()
      .where('source_id', '=', String(first.contactId))
      .executeTakeFirstOrThrow();
    expect(logged).toMatchObject({
      flow: 'campaign',
      work_kind: 'campaign',
      outcome: 'digital_funnel',
      product_code: 'LIBRETTO',
    });

    // Second contact: nobody answers.
    await page.getByRole('button', { name: /Prossimo contatto \(2\)/ }).waitFor({ timeout: 15_000 });
    await page.keyboard.press('n');
    await atStep(page, 'Chiamata');
    await page.getByText(`${second.first_name} ${second.last_name}`).first().waitFor();
    await choose(page, 'Non raggiunto');
    await page.getByRole('group', { name: /Motivo/ }).waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter'); // "no answer" is preselected
    await page.getByRole('heading', { name: 'Riepilogo del contatto' }).waitFor();
    // nobody presses "Registra esito": when the site's 8 s run out the outcome is recorded with the note written so
    // far, and the operator is Ready again
    const countdown = page.getByRole('timer', { name: 'Tempo rimasto per il dopo chiamata' });
    await expect.poll(() => countdown.textContent()).toMatch(/Esito registrato e Pronto tra 00:0[1-8]/);
    await page.getByLabel(/Note/).first().fill('Segreteria piena');
    await screenshot(page, 'acw-01-countdown');
    await page
      .getByTestId('contact-result')
      .getByRole('heading', { name: 'Esito registrato' })
      .waitFor({ timeout: 12_000 });
    await expect
      .poll(() => page.locator('[data-testid="operator-status"] select').inputValue(), { timeout: 5_000 })
      .toBe('ready');

    const retry = await db()
      .selectFrom('campaign_contacts')
      .selectAll()
      .where('id', '=', second.contactId)
      .executeTakeFirstOrThrow();
    expect(retry).toMatchObject({ status: 'pending', attempts: 1, lease_owner: null, last_outcome: 'not_reached' });
    const recorded = await db()
      .selectFrom('interactions')
      .select(['outcome', 'notes'])
      .where('source_id', '=', String(second.contactId))
      .executeTakeFirstOrThrow();
    expect(recorded).toEqual({ outcome: 'not_reached', notes: 'Segreteria piena' });
    expect(Date.parse(retry.due_at)).toBeGreaterThan(Date.now() + 50 * 60_000); // retry after the campaign's delay
  });
});
