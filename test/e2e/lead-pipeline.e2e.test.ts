import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { openBrowser, screenshot, type BrowserSession } from './helpers/browser';

/**
 * A team lead steers the site's lead pipeline in real Chromium: filters (kept in the address), a lead won by an
 * assisted sale, a reassignment done from the keyboard, the CSV; then an operator sees only "I miei lead".
 * Leads are written straight into the test server's database (no API records a won-by-assisted-sale lead yet).
 */
const MIN = 60_000;
const DAY = 86_400_000;

let server: TestServer;
let browser: BrowserSession;
const users: Record<string, { id: number; name: string }> = {};
const leadIds: Record<string, number> = {};

function user(username: string): { id: number; name: string } {
  const u = users[username];
  if (!u) throw new Error(`no fixture user ${username}`);
  return u;
}

async function insertLead(
  key: string,
  l: {
    customerOffset: number;
    site: number;
    owner: string;
    product: string;
    status?: 'open' | 'won' | 'lost';
    createdAgo: number;
    followUpIn: number;
    closedAgo?: number;
    wonBy?: 'assisted_sale';
    saleReference?: string;
  },
) {
  const db = server.database.db;
  const now = Date.now();
  const customer = await db
    .selectFrom('customers')
    .select('id')
    .orderBy('id')
    .limit(1)
    .offset(l.customerOffset)
    .executeTakeFirstOrThrow();
  const row = await db
    .insertInto('leads')
    .values({
      interaction_id: null,
      customer_id: customer.id,
      product_code: l.product,
      site_id: l.site,
      notes: null,
      status: l.status ?? 'open',
      follow_up_at: new Date(now + l.followUpIn).toISOString(),
      lease_owner: null,
      lease_expires_at: null,
      created_by: user(l.owner).id,
      created_at: new Date(now - l.createdAgo).toISOString(),
      closed_at: l.closedAgo === undefined ? null : new Date(now - l.closedAgo).toISOString(),
      updated_at: new Date(now).toISOString(),
      owner_id: user(l.owner).id,
      personal_until: null,
      won_by: l.wonBy ?? null,
      sale_reference: l.saleReference ?? null,
      closed_by: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  leadIds[key] = row.id;
}

const customerName = async (leadId: number) => {
  const r = await server.database.db
    .selectFrom('leads')
    .innerJoin('customers', 'customers.id', 'leads.customer_id')
    .select(['customers.first_name', 'customers.last_name'])
    .where('leads.id', '=', leadId)
    .executeTakeFirstOrThrow();
  return `${r.first_name} ${r.last_name}`;
};

beforeAll(async () => {
  server = await startTestServer();
  const rows = await server.database.db
    .selectFrom('users')
    .select(['id', 'username', 'display_name'])
    .where('username', 'in', ['operatore1', 'operatore2', 'operatore3', 'operatore5', 'teamlead1'])
    .execute();
  for (const r of rows) users[r.username] = { id: r.id, name: r.display_name };
  await insertLead('fibreOpen', {
    customerOffset: 0,
    site: 1,
    owner: 'operatore1',
    product: 'FIBRA',
    createdAgo: 3 * DAY,
    followUpIn: 2 * DAY,
  });
  await insertLead('simOpen', {
    customerOffset: 1,
    site: 1,
    owner: 'operatore2',
    product: 'SIM',
    createdAgo: 12 * DAY,
    followUpIn: -2 * 60 * MIN,
  });
  await insertLead('energyOpen', {
    customerOffset: 2,
    site: 1,
    owner: 'operatore1',
    product: 'LUCE_GAS',
    createdAgo: 40 * DAY,
    followUpIn: 9 * DAY,
  });
  await insertLead('won', {
    customerOffset: 3,
    site: 1,
    owner: 'operatore1',
    product: 'FIBRA',
    status: 'won',
    createdAgo: 20 * DAY,
    followUpIn: -10 * DAY,
    closedAgo: 6 * DAY,
    wonBy: 'assisted_sale',
    saleReference: 'ORD-FIBRA-7781',
  });
  await insertLead('lost', {
    customerOffset: 4,
    site: 1,
    owner: 'operatore2',
    product: 'SIM',
    status: 'lost',
    createdAgo: 30 * DAY,
    followUpIn: -20 * DAY,
    closedAgo: 19 * DAY,
  });
  await insertLead('otherSite', {
    customerOffset: 5,
    site: 2,
    owner: 'operatore5',
    product: 'FIBRA',
    createdAgo: DAY,
    followUpIn: DAY,
  });
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function signIn(page: Page, username: string) {
  await page.goto(`${server.url}/login`);
  await page.getByLabel('Nome utente').fill(username);
  await page.getByLabel('Password').fill('demo');
  await page.keyboard.press('Enter');
}

const table = (page: Page) => page.getByRole('table', { name: /Lead con stato/ });
const rowOf = (page: Page, leadId: number) => page.getByTestId(`lead-row-${leadId}`);

describe('a team lead steers the lead pipeline of their site', () => {
  it('filters won leads, reassigns an open lead from the keyboard and downloads the CSV', async () => {
    const { page } = browser;
    await signIn(page, 'teamlead1');
    await page.getByTestId('home-team_lead').waitFor();
    await page.getByRole('navigation', { name: 'Navigazione principale' }).getByRole('link', { name: 'Lead' }).click();
    await page.getByTestId('home-leads').waitFor();
    expect(await page.title()).toBe('Pipeline dei lead · Valore');
    await page.getByRole('heading', { level: 1, name: 'Pipeline dei lead' }).waitFor();

    // open leads of site 1 only, soonest follow-up first (the overdue one on top)
    await expect.poll(() => table(page).locator('tbody tr').count()).toBe(3);
    expect(
      await table(page)
        .locator('tbody tr')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid'))),
    ).toEqual([`lead-row-${leadIds.simOpen}`, `lead-row-${leadIds.fibreOpen}`, `lead-row-${leadIds.energyOpen}`]);
    expect(await page.getByTestId(`lead-row-${leadIds.otherSite}`).count()).toBe(0);
    const totals = page.getByRole('group', { name: /Lead per stato/ });
    expect(await totals.getByRole('button', { name: /Aperti/ }).getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('lead-total-won').textContent()).toBe('Vinti1');
    expect(await page.getByTestId('lead-total-all').textContent()).toBe('Tutti5');
    const sim = rowOf(page, leadIds.simOpen ?? 0);
    expect(await sim.getByRole('cell').nth(1).textContent()).toBe('SIM mobile');
    expect(await sim.getByRole('cell').nth(2).textContent()).toBe('12 giorni');
    expect(await sim.getByRole('cell').nth(3).textContent()).toBe(user('operatore2').name);
    // Italian wall-clock in Rome, and marked overdue
    expect(await sim.getByRole('cell').nth(4).textContent()).toMatch(
      /^\w{3} \d{2}\/\d{2}\/\d{4}, \d{2}:\d{2} · scaduto$/,
    );
    await screenshot(page, 'lead-pipeline-open-it');

    // ---- won leads: how they were won, with the sale reference ----
    await totals.getByRole('button', { name: /Vinti/ }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('status')).toBe('won');
    await expect.poll(() => table(page).locator('tbody tr').count()).toBe(1);
    const won = rowOf(page, leadIds.won ?? 0);
    expect(await won.getByRole('rowheader').textContent()).toBe(await customerName(leadIds.won ?? 0));
    expect(await won.getByText('Vinto', { exact: true }).count()).toBe(1);
    expect(await won.getByRole('cell', { name: 'Vendita assistita' }).count()).toBe(1);
    expect(await won.getByRole('cell', { name: 'ORD-FIBRA-7781' }).count()).toBe(1);
    expect(await won.getByRole('cell').nth(4).textContent()).toMatch(/^Chiuso il \d{1,2} \w{3} \d{4}$/);
    await screenshot(page, 'lead-pipeline-won-it');

    // the filters live in the address: a reload keeps them
    await page.getByLabel('Prodotto', { exact: true }).selectOption('FIBRA');
    await expect.poll(() => new URL(page.url()).searchParams.get('product')).toBe('FIBRA');
    await page.reload();
    await page.getByTestId('home-leads').waitFor();
    await expect.poll(() => table(page).locator('tbody tr').count()).toBe(1);
    expect(await page.getByLabel('Prodotto', { exact: true }).inputValue()).toBe('FIBRA');
    expect(await totals.getByRole('button', { name: /Vinti/ }).getAttribute('aria-pressed')).toBe('true');

    // ---- reassign the open fibre lead to operatore3, keyboard only ----
    await page.getByLabel('Prodotto', { exact: true }).selectOption('');
    await totals.getByRole('button', { name: /Aperti/ }).click();
    await expect.poll(() => table(page).locator('tbody tr').count()).toBe(3);
    const fibreName = await customerName(leadIds.fibreOpen ?? 0);
    const reassignButton = page.getByRole('button', { name: `Riassegna il lead di ${fibreName}` });
    await reassignButton.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Riassegna lead' });
    await dialog.waitFor();
    // focus lands in the dialog, on the operator choice; the current owner is not offered
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('SELECT');
    const choices = await dialog.getByLabel('Nuovo titolare').locator('option').allTextContents();
    expect(choices).toContain(user('operatore3').name);
    expect(choices).not.toContain(user('operatore1').name);
    expect(choices).not.toContain(user('operatore5').name);
    await dialog.getByLabel('Nuovo titolare').selectOption({ label: user('operatore3').name });
    await dialog.getByText(`Il lead passerà a ${user('operatore3').name}`).waitFor();
    await dialog.getByRole('button', { name: 'Conferma riassegnazione', disabled: false }).waitFor();
    await page.waitForTimeout(200); // the button's colour transition, for a clean picture
    await screenshot(page, 'lead-pipeline-reassign-it');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Conferma riassegnazione');
    await page.keyboard.press('Enter');
    await page
      .getByRole('status')
      .filter({ hasText: `riassegnato a ${user('operatore3').name}` })
      .waitFor();
    expect(await dialog.count()).toBe(0);
    await expect
      .poll(() =>
        rowOf(page, leadIds.fibreOpen ?? 0)
          .getByRole('cell')
          .nth(3)
          .textContent(),
      )
      .toBe(user('operatore3').name);
    await screenshot(page, 'lead-pipeline-reassigned-it');
    // focus went back to the button that opened the dialog
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      `Riassegna il lead di ${fibreName}`,
    );
    const lead = await server.database.db
      .selectFrom('leads')
      .select(['owner_id', 'personal_until', 'follow_up_at'])
      .where('id', '=', leadIds.fibreOpen ?? 0)
      .executeTakeFirstOrThrow();
    expect(lead.owner_id).toBe(user('operatore3').id);
    expect(lead.personal_until).toBe(new Date(Date.parse(lead.follow_up_at) + 15 * MIN).toISOString());
    const audit = await server.database.db
      .selectFrom('audit_log')
      .select(['actor_id', 'details'])
      .where('action', '=', 'lead.reassigned')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actor_id).toBe(user('teamlead1').id);
    expect(JSON.parse(audit[0]?.details ?? '{}')).toMatchObject({
      from: user('operatore1').id,
      to: user('operatore3').id,
    });

    // Escape closes the dialog without a change, and focus returns to its button
    const simName = await customerName(leadIds.simOpen ?? 0);
    await page.getByRole('button', { name: `Riassegna il lead di ${simName}` }).click();
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      `Riassegna il lead di ${simName}`,
    );

    // ---- CSV of every status: what the totals say, with a BOM for spreadsheet programs ----
    await totals.getByRole('button', { name: /Tutti/ }).click();
    await expect.poll(() => table(page).locator('tbody tr').count()).toBe(5);
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Scarica CSV' }).click(),
    ]);
    expect(file.suggestedFilename()).toMatch(/^valore-lead-\d{4}-\d{2}-\d{2}_\d{4}\.csv$/);
    const text = fs.readFileSync((await file.path()) ?? '', 'utf8');
    expect(text.startsWith('\ufeff')).toBe(true);
    const lines = text
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(1 + 5);
    // Italian: `;` between cells
    const header = (lines[0] ?? '').split(';');
    const wonLine = lines.find((l) => l.startsWith(`${leadIds.won};`))?.split(';') ?? [];
    expect(wonLine[header.indexOf('vinto_con')]).toBe('assisted_sale');
    expect(wonLine[header.indexOf('riferimento_vendita')]).toBe('ORD-FIBRA-7781');
    const exports = await server.database.db
      .selectFrom('audit_log')
      .select('actor_id')
      .where('action', '=', 'leads.export')
      .execute();
    expect(exports).toEqual([{ actor_id: user('teamlead1').id }]);
    await screenshot(page, 'lead-pipeline-all-it');
  });
});

describe('an operator sees their own leads', () => {
  it('lists only the leads they own under "I miei lead", without reassignment', async () => {
    const session = await openBrowser();
    try {
      const { page } = session;
      await signIn(page, 'operatore1');
      await page.getByTestId('home-operator').waitFor();
      await page
        .getByRole('navigation', { name: 'Navigazione principale' })
        .getByRole('link', { name: 'I miei lead' })
        .click();
      await page.getByRole('heading', { level: 1, name: 'I miei lead' }).waitFor();
      expect(await page.title()).toBe('I miei lead · Valore');
      // the fibre lead went to operatore3 above: the energy lead is the one left open
      await expect.poll(() => table(page).locator('tbody tr').count()).toBe(1);
      expect(await rowOf(page, leadIds.energyOpen ?? 0).count()).toBe(1);
      expect(await page.getByLabel('Titolare', { exact: true }).count()).toBe(0);
      expect(await page.getByRole('button', { name: /Riassegna/ }).count()).toBe(0);
      expect(await page.getByTestId('lead-total-all').textContent()).toBe('Tutti2');
      await screenshot(page, 'lead-pipeline-operator-it');
    } finally {
      await session.close();
    }
  });
});
