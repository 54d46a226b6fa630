import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { openBrowser, screenshot, type BrowserSession } from './helpers/browser';
import { signInByKeyboard } from './helpers/console';
import { dateField, fieldText } from './helpers/date-field';

// The date fields (components/ui/date-field) in real Chromium, whose own date input would show the browser's US
// format (mm/dd/yyyy): day first in both languages, typed by keyboard, Tab leaving the field in one step, a range
// refused with the reason in the page's language.
let server: TestServer;
let browser: BrowserSession;

beforeAll(async () => {
  server = await startTestServer();
  browser = await openBrowser({ locale: 'en-US' });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('date fields', () => {
  it('read day/month/year in Italian and in English, whatever the browser’s locale, and refuse a range backwards', async () => {
    const { page } = browser;
    await signInByKeyboard(page, server.url, 'admin', 'home-admin');
    await page.goto(`${server.url}/admin/audit`);
    const from = dateField(page, 'Dal giorno');
    const to = dateField(page, 'Al giorno');
    await from.waitFor();
    expect(await fieldText(from)).toBe('gg/mm/aaaa');

    // keyboard only: into the first segment, the digits move on by themselves, Tab goes to the next field at once
    await from.getByRole('spinbutton').first().focus();
    await page.keyboard.type('15032026');
    expect(await fieldText(from)).toBe('15/03/2026');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toMatch(/^giorno/);
    expect(await to.evaluate((group) => group.contains(document.activeElement))).toBe(true);
    await page.keyboard.type('01022026');
    expect(await fieldText(to)).toBe('01/02/2026');
    // 'to' before 'from': refused, the reason under the field, in Italian and day first
    await page.getByText('Non prima del 15/03/2026').waitFor();
    expect(await to.getByRole('spinbutton').first().getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'date-fields-it');

    await page.getByLabel('Lingua').selectOption('en');
    const fromEn = dateField(page, 'From');
    await fromEn.waitFor();
    expect(await fieldText(fromEn)).toBe('15/03/2026');
    const toEn = dateField(page, 'To');
    await page.getByText('Not before 15/03/2026').waitFor();
    await toEn.getByRole('spinbutton').first().focus();
    await page.keyboard.type('20032026');
    expect(await fieldText(toEn)).toBe('20/03/2026');
    expect(await page.getByText(/Not before/).count()).toBe(0);
    await screenshot(page, 'date-fields-en');
  });
});
