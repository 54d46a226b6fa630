import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateHistory } from '@valore/server/db/seed/stats-history';
import { startTestServer, type TestServer } from '../helpers/server';
import { openBrowser, screenshot, type BrowserSession } from './helpers/browser';

let server: TestServer;
let browser: BrowserSession;

beforeAll(async () => {
  server = await startTestServer();
  // six weeks of history for every site, ending yesterday
  generateHistory(server.database.sqlite, { interactions: 6_000, days: 42, seed: 11 });
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** "1.234" (it-IT) → 1234 */
const itNumber = (text: string | null) => Number((text ?? '').replace(/\./g, '').replace(/[^\d]/g, ''));

describe('a team lead reads the conversion stats of their site', () => {
  it('opens the stats, filters, drills into a number and exports a CSV whose totals match the screen', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Nome utente').fill('teamlead1');
    await page.getByLabel('Password').fill('demo');
    await page.keyboard.press('Enter');
    await page.getByTestId('home-team_lead').waitFor();
    await page.getByTestId('tile-handled').waitFor();
    expect(
      itNumber(await page.getByTestId('tile-handled').locator('.stats-tile__value').textContent()),
    ).toBeGreaterThan(0);
    await page.getByRole('img', { name: /Contatti gestiti e conversione/ }).waitFor();
    await screenshot(page, 'stats-team-lead-it');

    // every metric explains itself on hover
    await page
      .getByTestId('tile-conversionRate')
      .getByRole('button', { name: /Definizione/ })
      .hover();
    await expect
      .poll(() => page.getByRole('tooltip', { name: /Esiti di valore ÷ contatti gestiti/ }).isVisible())
      .toBe(true);

    // filter: inbound sales only, broken down by operator
    await page.getByLabel('Flusso', { exact: true }).selectOption('inbound_sales');
    await page.getByLabel('Raggruppa per').selectOption('operator');
    const table = page.locator('.stats-table').first();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(4); // the four operators of the site
    const footer = table.locator('tfoot td');
    const screenHandled = itNumber(await footer.nth(0).textContent());
    const screenValue = itNumber(await footer.nth(3).textContent());
    expect(screenHandled).toBeGreaterThan(0);
    expect(itNumber(await page.getByTestId('tile-handled').locator('.stats-tile__value').textContent())).toBe(
      screenHandled,
    );

    // drill into the value outcomes of the first operator
    const firstRow = table.locator('tbody tr').first();
    const operatorName = (await firstRow.locator('th').textContent()) ?? '';
    const cellButton = firstRow.getByRole('button', { name: /Esiti di valore/ });
    const cellCount = itNumber(await cellButton.textContent());
    await cellButton.click();
    const drill = page.getByTestId('stats-drill');
    await drill.locator('tbody tr').first().waitFor();
    const shown = await drill.locator('tbody tr').count();
    expect(shown).toBe(Math.min(25, cellCount));
    for (const name of await drill.locator('tbody tr td:nth-child(2)').allTextContents())
      expect(name).toBe(operatorName);
    for (const flow of await drill.locator('tbody tr td:nth-child(3)').allTextContents())
      expect(flow).toBe('Inbound commerciale');
    await screenshot(page, 'stats-drill-down-it');

    // the contacts behind that cell, as CSV
    const [contacts] = await Promise.all([
      page.waitForEvent('download'),
      drill.getByRole('button', { name: 'Esporta contatti CSV' }).click(),
    ]);
    const contactLines = fs
      .readFileSync((await contacts.path()) ?? '', 'utf8')
      .trim()
      .split('\r\n');
    expect(contactLines.length - 1).toBe(cellCount);

    // the breakdown as CSV: same rows, same totals
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Esporta CSV', exact: true }).click(),
    ]);
    const lines = fs
      .readFileSync((await file.path()) ?? '', 'utf8')
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    // Italian: `;` between cells
    const header = (lines[0] ?? '').split(';');
    const totalLine = (lines[lines.length - 1] ?? '').split(';');
    expect(lines).toHaveLength(4 + 2);
    expect(Number(totalLine[header.indexOf('Contatti gestiti')])).toBe(screenHandled);
    expect(Number(totalLine[header.indexOf('Esiti di valore')])).toBe(screenValue);
    const audits = await server.database.db
      .selectFrom('audit_log')
      .select('entity_id')
      .where('action', '=', 'stats.export')
      .execute();
    expect(audits).toHaveLength(2);
  });

  it('reads in English too, with week-by-week trend and the script comparison', async () => {
    const { page } = browser;
    await page
      .getByLabel('Lingua')
      .selectOption('en')
      .catch(() => undefined);
    // the switch takes effect (and is remembered) once the English texts have loaded: reload only after that
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await page.reload();
    await page.getByTestId('home-team_lead').waitFor();
    await page.getByLabel('Time detail').selectOption('week');
    await page.getByRole('heading', { name: 'Script versions and drop-off by step' }).waitFor();
    await page.getByText('Where customers are lost').waitFor();
    await screenshot(page, 'stats-team-lead-en');
  });
});
