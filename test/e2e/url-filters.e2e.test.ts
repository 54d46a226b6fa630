import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { generateHistory } from '@valore/server/db/seed/stats-history';
import { startTestServer, type TestServer } from '../helpers/server';
import { dateField, fieldText, typeDate } from './helpers/date-field';
import { openBrowser, screenshot, type BrowserSession } from './helpers/browser';

let server: TestServer;
let first: BrowserSession;
let second: BrowserSession;

beforeAll(async () => {
  server = await startTestServer();
  // six weeks of history for every site, ending yesterday
  generateHistory(server.database.sqlite, { interactions: 6_000, days: 42, seed: 11 });
  first = await openBrowser();
  second = await openBrowser();
});
afterAll(async () => {
  await first?.close();
  await second?.close();
  await server?.close();
});

async function signInAsTeamLead(page: Page) {
  await page.goto(`${server.url}/login`);
  // already signed in (a test before): the login page sends the team lead home
  await page.getByLabel('Nome utente').or(page.getByTestId('home-team_lead')).waitFor();
  if (await page.getByTestId('home-team_lead').isVisible()) return;
  await page.getByLabel('Nome utente').fill('teamlead1');
  await page.getByLabel('Password').fill('demo');
  await page.keyboard.press('Enter');
  await page.getByTestId('home-team_lead').waitFor();
}

const param = (page: Page, name: string) => new URL(page.url()).searchParams.get(name);
const selected = (page: Page, label: string) => page.getByLabel(label, { exact: true }).inputValue();
const handled = (page: Page) => page.getByTestId('tile-handled').locator('.stats-tile__value').textContent();
const breakdownRows = (page: Page) => page.locator('.stats-table').first().locator('tbody th').allTextContents();

describe("the team lead's stats filters live in the address", () => {
  it('sets filters and a territory by keyboard, shares the address, and gets them back with Back', async () => {
    const { page } = first;
    await signInAsTeamLead(page);
    await page.getByTestId('tile-handled').waitFor();
    expect(new URL(page.url()).search).toBe('');

    await page.getByLabel('Periodo', { exact: true }).selectOption('90d');
    await page.getByLabel('Flusso', { exact: true }).selectOption('inbound_sales');
    await page.getByLabel('Raggruppa per').selectOption('province');

    // the territory picker, by keyboard only: type to pick, Tab to the next level, which the previous one narrowed
    await page.getByLabel('Macro-area', { exact: true }).focus();
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => param(page, 'territory')).toBe('macroArea:NORDOVEST');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('.ui-field')?.textContent)).toContain('Distretto');
    const districts = await page.getByLabel('Distretto').locator('option').allTextContents();
    expect(districts).toEqual([
      'Tutti i distretti',
      'Liguria',
      'Piemonte Nord',
      'Piemonte Sud',
      'Dei Laghi',
      'Lombardia Nord',
      'Lombardia Sud',
      'Lombardia Centro',
    ]);
    await page.keyboard.type('Lombardia C');
    await expect.poll(() => param(page, 'territory')).toBe('district:LOC');
    await page.keyboard.press('Tab');
    expect(await page.getByLabel('Provincia', { exact: true }).locator('option').allTextContents()).toEqual([
      'Tutte le province',
      'Milano (MI)',
    ]);
    await page.keyboard.type('Mil');
    await expect.poll(() => param(page, 'territory')).toBe('province:MI');

    // the address says all of it, and the figures follow: only Milan's customers, by province
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({
      period: '90d',
      flow: 'inbound_sales',
      by: 'province',
      territory: 'province:MI',
    });
    await expect.poll(() => breakdownRows(page)).toEqual(['MI · Milano']);
    const figure = await handled(page);
    expect(Number((figure ?? '').replace(/\D/g, ''))).toBeGreaterThan(0);
    await screenshot(page, 'url-filters-01-territory-it');

    // a drill-down is in the address too
    await page
      .locator('.stats-table')
      .first()
      .locator('tbody tr')
      .first()
      .getByRole('button', { name: /Esiti di valore/ })
      .click();
    const drill = page.getByTestId('stats-drill');
    await drill.locator('tbody tr').first().waitFor();
    expect(param(page, 'drill')).toBe('value');
    expect(param(page, 'row')).toBe('MI');
    const drillTitle = await drill.getByRole('heading').textContent();
    const drillRows = await drill.locator('tbody tr').count();
    const shared = page.url();

    // another browser opens the copied address: after signing in it is there, with the same filters, figures and
    // drill-down
    const other = second.page;
    await other.goto(shared);
    await other.getByLabel('Nome utente').fill('teamlead1');
    await other.getByLabel('Password').fill('demo');
    await other.keyboard.press('Enter');
    await other.getByTestId('home-team_lead').waitFor();
    expect(other.url()).toBe(shared);
    await other.getByTestId('tile-handled').waitFor();
    expect(await selected(other, 'Periodo')).toBe('90d');
    expect(await selected(other, 'Flusso')).toBe('inbound_sales');
    expect(await selected(other, 'Raggruppa per')).toBe('province');
    expect(await selected(other, 'Macro-area')).toBe('NORDOVEST');
    expect(await selected(other, 'Distretto')).toBe('LOC');
    expect(await selected(other, 'Provincia')).toBe('MI');
    await expect.poll(() => breakdownRows(other)).toEqual(['MI · Milano']);
    expect(await handled(other)).toBe(figure);
    const otherDrill = other.getByTestId('stats-drill');
    await otherDrill.locator('tbody tr').first().waitFor();
    expect(await otherDrill.getByRole('heading').textContent()).toBe(drillTitle);
    expect(await otherDrill.locator('tbody tr').count()).toBe(drillRows);
    await screenshot(other, 'url-filters-02-shared-it');

    // Back closes the drill-down, keeping the filters
    await page.goBack();
    await expect.poll(() => page.getByTestId('stats-drill').count()).toBe(0);
    expect(param(page, 'drill')).toBeNull();
    expect(param(page, 'territory')).toBe('province:MI');

    // a filter change replaces the entry: leaving for another page and coming Back restores the filters
    await page.getByLabel('Flusso', { exact: true }).selectOption('callback');
    await expect.poll(() => param(page, 'flow')).toBe('callback');
    await page.getByRole('navigation', { name: 'Navigazione principale' }).getByRole('link', { name: 'Lead' }).click();
    await page.getByTestId('home-leads').waitFor();
    await page.goBack();
    await page.getByTestId('tile-handled').waitFor();
    expect(await selected(page, 'Flusso')).toBe('callback');
    expect(await selected(page, 'Provincia')).toBe('MI');
    expect(await selected(page, 'Distretto')).toBe('LOC');
    await page.goForward();
    await page.getByTestId('home-leads').waitFor();
  });

  it('drops what it cannot read in an address, and reads in English', async () => {
    const page = second.page;
    await signInAsTeamLead(page);
    await page.goto(`${server.url}/stats?period=forever&flow=nope&territory=province:ZZ&by=weather&drill=all&site=9`);
    await page.getByTestId('tile-handled').waitFor();
    expect(await selected(page, 'Periodo')).toBe('30d');
    expect(await selected(page, 'Flusso')).toBe('');
    expect(await selected(page, 'Macro-area')).toBe('');
    expect(await selected(page, 'Provincia')).toBe('');
    expect(await page.getByTestId('stats-drill').count()).toBe(0);

    // a period of one's own: day, month and year typed in the date fields (dd/mm/yyyy), kept in the address
    await page.getByLabel('Periodo', { exact: true }).selectOption('custom');
    const from = dateField(page, 'Dal');
    await from.waitFor();
    const to = await fieldText(dateField(page, 'Al'));
    const [toDay, toMonth, toYear] = to.split('/');
    const start = `${toYear}-${toMonth}-01`;
    await typeDate(page, from, start);
    await page.keyboard.press('Tab');
    await expect.poll(() => new URL(page.url()).searchParams.get('from')).toBe(start);
    expect(await fieldText(from)).toBe(`01/${toMonth}/${toYear}`);
    expect(new URL(page.url()).searchParams.get('to')).toBe(`${toYear}-${toMonth}-${toDay}`);
    await screenshot(page, 'url-filters-04-custom-period-it');

    await page.goto(`${server.url}/stats?territory=district:RLS&by=province`);
    await page
      .getByLabel('Lingua')
      .selectOption('en')
      .catch(() => undefined);
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await page.getByTestId('tile-handled').waitFor();
    expect(await selected(page, 'Macro-area')).toBe('CENTRO');
    expect(await selected(page, 'District')).toBe('RLS');
    expect(await page.getByLabel('Province', { exact: true }).locator('option').allTextContents()).toEqual([
      'All provinces',
      'Frosinone (FR)',
      'Latina (LT)',
      'Roma (RM)',
    ]);
    // Rome lies in two districts: picked here, it stays in the one chosen
    await page.getByLabel('Province', { exact: true }).selectOption('RM');
    await expect.poll(() => param(page, 'territory')).toBe('province:RM');
    expect(await selected(page, 'District')).toBe('RLS');
    await screenshot(page, 'url-filters-03-territory-en');
  });
});
