import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { openBrowser, screenshot, type BrowserSession } from './helpers/browser';
import { expectNoAxeViolations } from './helpers/a11y';
import { dateField, fieldText } from './helpers/date-field';

let server: TestServer;
let browser: BrowserSession;
let dir: string;

beforeAll(async () => {
  server = await startTestServer();
  browser = await openBrowser();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'valore-campaigns-e2e-'));
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** "12.345" (it-IT; four digits stay ungrouped) → 12345 */
const itNumber = (text: string | null) => Number((text ?? '').replace(/\./g, '').replace(/[^\d]/g, ''));

type Outcome =
  'imported' | 'duplicate' | 'malformed' | 'unknown_customer' | 'no_marketing_consent' | 'on_optout_registry';

describe('a team lead runs a campaign from the browser', () => {
  it('creates a campaign, loads the registry and a 1,000-row list, downloads the rejects and activates it', async () => {
    const { page } = browser;
    const db = server.database.db;

    // ---- the data a BU would send, built from the demo customers ----
    const customers = await db.selectFrom('customers').select(['id', 'phone']).orderBy('id').limit(1000).execute();
    const consentRows = await db
      .selectFrom('consents')
      .select(['customer_id', 'granted'])
      .where('purpose', '=', 'marketing')
      .where('channel', 'in', ['any', 'phone'])
      .orderBy('customer_id')
      .orderBy('recorded_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    const consent = new Map<number, boolean>();
    for (const r of consentRows) if (!consent.has(r.customer_id)) consent.set(r.customer_id, r.granted === 1);
    const registry = new Set((await db.selectFrom('optout_registry').select('phone').execute()).map((r) => r.phone));

    // registry update: 25 consenting customers of the list who are not on the registry yet, plus 2 broken rows
    const newlyRegistered = customers.filter((c) => consent.get(c.id) === true && !registry.has(c.phone)).slice(0, 25);
    const registryCsv = [
      'telefono,data',
      ...newlyRegistered.map((c) => `${c.phone},2026-01-15`),
      'non-un-numero,2026-01-15',
      `${newlyRegistered[0]?.phone ?? ''},ieri`,
    ].join('\n');
    const registryFile = path.join(dir, 'registro-opposizioni.csv');
    fs.writeFileSync(registryFile, `${registryCsv}\n`);
    for (const c of newlyRegistered) registry.add(c.phone);

    // the list: 900 customers by id, 50 by phone (local format), then repeats, unknowns and broken rows
    const rows: { line: string; key: { id: number } | { phone: string } | { bad: true } }[] = [];
    for (const [i, c] of customers.slice(0, 900).entries())
      rows.push({ line: `${c.id},,cliente ${i}`, key: { id: c.id } });
    for (const c of customers.slice(900, 950))
      rows.push({ line: `,${c.phone.slice(3)},per telefono`, key: { phone: c.phone } });
    for (let i = 0; i < 20; i++) {
      const c = customers[i * 37] as { id: number };
      rows.push({ line: `${c.id},,"ripetuto, di nuovo"`, key: { id: c.id } });
    }
    for (let i = 0; i < 10; i++) rows.push({ line: `${9_000_000 + i},,sconosciuto`, key: { id: 9_000_000 + i } });
    for (let i = 0; i < 10; i++) rows.push({ line: `abc${i},,id non numerico`, key: { bad: true } });
    for (let i = 0; i < 5; i++) rows.push({ line: `,,vuota`, key: { bad: true } });
    for (let i = 0; i < 5; i++) rows.push({ line: `${customers[i]?.id ?? 1}`, key: { bad: true } });
    expect(rows).toHaveLength(1000);
    const listFile = path.join(dir, 'lista-conto.csv');
    fs.writeFileSync(listFile, `customer_id,telefono,note\n${rows.map((r) => r.line).join('\n')}\n`);

    const byId = new Map(customers.map((c) => [c.id, c]));
    const byPhone = new Map(customers.map((c) => [c.phone, c]));
    const seen = new Set<number>();
    const expected: Outcome[] = rows.map(({ key }) => {
      if ('bad' in key) return 'malformed';
      const c = 'id' in key ? byId.get(key.id) : byPhone.get(key.phone);
      if (!c) return 'unknown_customer';
      if (consent.get(c.id) !== true) return 'no_marketing_consent';
      if (registry.has(c.phone)) return 'on_optout_registry';
      if (seen.has(c.id)) return 'duplicate';
      seen.add(c.id);
      return 'imported';
    });
    const count = (o: Outcome) => expected.filter((e) => e === o).length;
    const rejected = 1000 - count('imported') - count('duplicate');
    expect(count('on_optout_registry')).toBeGreaterThanOrEqual(25);
    expect(count('no_marketing_consent')).toBeGreaterThan(0);

    // ---- sign in and open the campaigns ----
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Nome utente').fill('teamlead1');
    await page.getByLabel('Password').fill('demo');
    await page.keyboard.press('Enter');
    await page.getByTestId('home-team_lead').waitFor();
    await page
      .getByRole('navigation', { name: 'Navigazione principale' })
      .getByRole('link', { name: 'Campagne' })
      .click();
    await page.getByTestId('home-campaigns').waitFor();
    await page.getByRole('heading', { level: 1, name: 'Campagne' }).waitFor();

    // ---- create ----
    await page.getByRole('link', { name: 'Nuova campagna' }).click();
    await page.getByRole('heading', { name: 'Nuova campagna' }).waitFor();
    const name = 'Conto BancoPosta — primavera';
    await page.getByLabel('Nome', { exact: true }).fill(name);
    await page.getByLabel('Prodotto').selectOption('CONTO');
    expect(await page.getByLabel('Business unit').inputValue()).not.toBe('');
    // the Italian telemarketing code by default: weekdays 09–20, Saturday 10–19, no Sunday, no holidays
    expect(await fieldText(dateField(page, 'lunedì, fascia 1: dalle'), ':')).toBe('09:00');
    expect(await fieldText(dateField(page, 'venerdì, fascia 1: alle'), ':')).toBe('20:00');
    expect(await fieldText(dateField(page, 'sabato, fascia 1: dalle'), ':')).toBe('10:00');
    expect(await page.getByRole('group', { name: 'domenica' }).getByRole('checkbox').isChecked()).toBe(false);
    expect(await page.getByLabel('Mai nei giorni festivi nazionali').isChecked()).toBe(true);
    // a team lead works their own site only
    const site = page.getByRole('group', { name: 'Sedi che lavorano la campagna' }).getByRole('checkbox');
    expect(await site.count()).toBe(1);
    expect(await site.isChecked()).toBe(true);
    await page.getByLabel('Tentativi massimi').fill('4');
    await screenshot(page, 'campaigns-form-it');
    await page.getByRole('button', { name: 'Crea campagna' }).click();
    await page.getByTestId('campaign-detail').waitFor();
    const campaignId = Number(/\/campaigns\/(\d+)$/.exec(page.url())?.[1]);
    expect(campaignId).toBeGreaterThan(0);
    await page.getByRole('heading', { name }).waitFor();

    // ---- activating without a registry check is refused, with the reason (activating is asked twice) ----
    await page.getByRole('button', { name: 'Attiva', exact: true }).click();
    await page.getByRole('button', { name: 'Sì, attiva' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'Verifica registro opposizioni mancante o più vecchia di 30 giorni' })
      .waitFor();

    // ---- registry update: the national registry is the administrators' (it re-checks every site's campaigns) ----
    await page.getByRole('link', { name: /Tutte le campagne/ }).click();
    await page.getByText('Il registro nazionale lo importano gli amministratori').waitFor();
    expect(await page.getByTestId('registry-upload').count()).toBe(0);
    const adminBrowser = await openBrowser();
    try {
      const admin = adminBrowser.page;
      await admin.goto(`${server.url}/login`);
      await admin.getByLabel('Nome utente').fill('admin');
      await admin.getByLabel('Password').fill('demo');
      await admin.keyboard.press('Enter');
      await admin.getByTestId('home-admin').waitFor();
      await admin.goto(`${server.url}/campaigns`);
      const registryUpload = admin.getByTestId('registry-upload');
      await registryUpload.waitFor();
      await expectNoAxeViolations(admin, 'campaigns-admin-registry');
      await registryUpload.getByLabel('File CSV').setInputFiles(registryFile);
      await registryUpload.getByRole('button', { name: 'Importa registro' }).click();
      const registrySummary = admin.getByTestId('registry-summary');
      await registrySummary.waitFor();
      expect(await registrySummary.textContent()).toContain('Numeri registrati25');
      await admin.getByText('Tutte le campagne non chiuse sono state riverificate').waitFor();
      await expectNoAxeViolations(admin, 'campaigns-admin-registry-imported');
    } finally {
      await adminBrowser.close();
    }

    // ---- the list ----
    await page.getByRole('link', { name }).click();
    const upload = page.getByTestId('list-upload');
    await upload.getByLabel('File CSV').setInputFiles(listFile);
    await upload.getByText(/1\.?000 righe di dati/).waitFor();
    expect(await upload.getByLabel('Colonna codice cliente').inputValue()).toBe('customer_id');
    expect(await upload.getByLabel('Colonna telefono').inputValue()).toBe('telefono');
    await upload.getByRole('button', { name: 'Importa lista' }).click();
    await page.getByTestId('import-summary').waitFor();
    const bar = upload.locator('progress');
    expect(await bar.getAttribute('max')).toBe('1000');
    expect(await bar.getAttribute('value')).toBe('1000');
    await upload.getByText(/Completata: 1\.?000 righe elaborate/).waitFor();
    expect(itNumber(await page.getByTestId('summary-total').textContent())).toBe(1000);
    expect(itNumber(await page.getByTestId('summary-imported').textContent())).toBe(count('imported'));
    expect(itNumber(await page.getByTestId('summary-duplicates').textContent())).toBe(count('duplicate'));
    expect(itNumber(await page.getByTestId('summary-rejected').textContent())).toBe(rejected);
    await expect
      .poll(async () => itNumber(await page.getByTestId('contact-counts').locator('dd').first().textContent()))
      .toBe(count('imported'));
    await page.getByTestId('past-imports').locator('tbody tr').first().waitFor();
    await screenshot(page, 'campaigns-import-it');

    // ---- the rejects report ----
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      upload.getByRole('link', { name: /Scarica le .* righe scartate/ }).click(),
    ]);
    const reportPath = await download.path();
    // in the page's language (Italian): `;`, Italian headers and reasons
    const [header, ...lines] = fs
      .readFileSync(reportPath, 'utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(header).toBe('riga;motivo;valore');
    const reasonIt: Record<string, string> = {
      malformed: 'riga non valida',
      unknown_customer: 'cliente sconosciuto',
      no_marketing_consent: 'senza consenso marketing',
      on_optout_registry: 'iscritto al Registro delle opposizioni',
    };
    expect(lines.map((l) => l.split(';').slice(0, 2).join(';'))).toEqual(
      expected.flatMap((o, i) => (o === 'imported' || o === 'duplicate' ? [] : [`${i + 2};${reasonIt[o]}`])),
    );

    // ---- the list's customer ids, copied to build the next list ----
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const listed = page.getByTestId('campaign-contacts');
    await listed.locator('tbody tr').first().waitFor();
    const importedIds = (
      await db
        .selectFrom('campaign_contacts')
        .select('customer_id')
        .where('campaign_id', '=', campaignId)
        .orderBy('id')
        .limit(100)
        .execute()
    ).map((r) => r.customer_id);
    expect(await listed.locator('tbody tr code').allTextContents()).toEqual(importedIds.map(String));
    const firstId = importedIds[0] ?? 0;
    await page.getByRole('button', { name: `Copia l'ID cliente ${firstId}` }).focus();
    await page.keyboard.press('Enter');
    await page
      .getByRole('status')
      .filter({ hasText: `ID cliente ${firstId} copiato.` })
      .waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(String(firstId));
    await page.getByRole('button', { name: 'Copia i 100 ID mostrati' }).click();
    expect((await page.evaluate(() => navigator.clipboard.readText())).split('\n')).toEqual(importedIds.map(String));
    await listed.scrollIntoViewIfNeeded();
    await screenshot(page, 'campaigns-list-contacts-it');

    // ---- activate: asked twice, with how many customers the operators will call ----
    await page.getByRole('button', { name: 'Attiva', exact: true }).click();
    await page.getByText(/Attivare\? Gli operatori inizieranno a chiamare i \d+ clienti della lista\./).waitFor();
    await screenshot(page, 'campaigns-confirm-activate');
    await page.keyboard.press('Enter'); // "Sì, attiva" has the focus
    await page.getByTestId('campaign-detail').locator('.campaign-detail__head').getByText('Attiva').waitFor();
    await page.getByRole('button', { name: 'Metti in pausa' }).waitFor();
    const row = await db
      .selectFrom('campaigns')
      .select('status')
      .where('id', '=', campaignId)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('active');

    await page.getByRole('link', { name: /Tutte le campagne/ }).click();
    const listRow = page.getByTestId(`campaign-row-${campaignId}`);
    await listRow.waitFor();
    // the list shows the new status at once (the activation put it in the cached list), not the old "Bozza"
    expect(await listRow.textContent()).toContain('Attiva');
    await screenshot(page, 'campaigns-list-it');
  });
});
