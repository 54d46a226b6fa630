import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { openBrowser, screenshot, type BrowserSession } from './helpers/browser';
import { expectNoAxeViolations } from './helpers/a11y';

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

const HOMES = [
  { username: 'operatore1', role: 'operator', it: 'Console operatore', en: 'Operator console' },
  { username: 'tutor1', role: 'tutor', it: 'Monitoraggio sede', en: 'Site monitoring' },
  { username: 'teamlead1', role: 'team_lead', it: 'Statistiche di conversione', en: 'Conversion statistics' },
  { username: 'admin', role: 'admin', it: 'Amministrazione', en: 'Administration' },
] as const;

async function signIn(username: string, password = 'demo') {
  const { page } = browser;
  await page.goto(`${server.url}/login`);
  await page.getByLabel(/Nome utente|Username/).fill(username);
  await page.getByLabel('Password').fill(password);
  await page.keyboard.press('Enter');
}

async function signOut() {
  await browser.page.getByRole('button', { name: /Esci|Sign out/ }).click();
  await browser.page.waitForURL(/\/login/);
}

describe('signing in with a real browser', () => {
  it('shows the login page in Italian by default', async () => {
    const { page } = browser;
    await page.goto(server.url);
    await page.waitForURL(/\/login/);
    expect(await page.locator('html').getAttribute('lang')).toBe('it');
    await expect.poll(() => page.getByRole('heading', { name: 'Accedi a Valore' }).isVisible()).toBe(true);
    await screenshot(page, 'login-it');
  });

  it('tells the user clearly when the password is wrong', async () => {
    await signIn('operatore1', 'sbagliata');
    const alert = browser.page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Nome utente o password non corretti.');
    await screenshot(browser.page, 'login-wrong-password');
  });

  for (const home of HOMES) {
    it(`lands ${home.username} (${home.role}) on their home, in Italian`, async () => {
      await signIn(home.username);
      const root = browser.page.getByTestId(`home-${home.role}`);
      await root.waitFor();
      expect(await browser.page.getByRole('heading', { level: 1 }).first().textContent()).toContain(home.it);
      await screenshot(browser.page, `home-${home.role}-it`);
      await signOut();
    });
  }

  it('switches every home to English and remembers the choice', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Lingua').selectOption('en');
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
    await expectNoAxeViolations(page, 'login-en');
    for (const home of HOMES) {
      await signIn(home.username);
      await page.getByTestId(`home-${home.role}`).waitFor();
      expect(await page.getByRole('heading', { level: 1 }).first().textContent()).toContain(home.en);
      await screenshot(page, `home-${home.role}-en`);
      await signOut();
    }
    await page.reload();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
  });
});
