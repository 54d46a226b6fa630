import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_INTAKE_KEY, type TestServer } from '../helpers/server';
import { openBrowser, screenshot, type BrowserSession } from './helpers/browser';
import { signInByKeyboard } from './helpers/console';

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

async function post(body: Record<string, string>) {
  const response = await fetch(`${server.url}/api/v1/callback-requests`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_INTAKE_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

const signIn = (page: Page, username: string) => signInByKeyboard(page, server.url, username, 'home-tutor');

describe('SLA board of the callback queue', () => {
  it('shows due-by countdowns, highlights a breached Call Me Now with text, not colour alone, and opens its timeline', async () => {
    const late = await post({ phone: '+39 347 111 2233', product: 'SIM', mode: 'now', channel: 'app' });
    await post({ phone: '+39 347 444 5566', product: 'CONTO', mode: 'now', channel: 'web' });
    // The first request came in 20 minutes ago: past its 5-minute target.
    const past = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
    await server.database.db
      .updateTable('callback_requests')
      .set({ created_at: past(20), due_at: past(20), due_by: past(15) })
      .where('id', '=', late)
      .execute();

    const { page } = browser;
    await signIn(page, 'tutor1');
    // Keyboard: the nav link to the board.
    await page.getByRole('link', { name: 'Coda richiamate' }).focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('home-queue').waitFor();
    const row = page.locator(`tr[data-request-id="${late}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-state')).toBe('breached');
    await row.getByText('Fuori SLA').waitFor();
    expect(await row.getByRole('timer').textContent()).toMatch(/^in ritardo di \d\d:\d\d/);
    const other = page.locator('tr[data-state="waiting"]');
    expect(await other.count()).toBe(1);
    expect(await other.getByRole('timer').textContent()).toMatch(/^mancano 0\d:\d\d/);
    const breached = page.getByTestId('queue-counts').locator('[data-count="breached"] dd');
    expect(await breached.textContent()).toBe('1');
    await screenshot(page, 'queue-03-sla-board');

    // the late request's timeline, by keyboard: received from the app, then its due-by passed with no contact
    await row.getByRole('button', { name: 'Cronologia' }).focus();
    await page.keyboard.press('Enter');
    const timeline = page.getByRole('list', { name: 'Cronologia della richiesta' });
    await timeline.waitFor();
    const entries = await timeline.getByRole('listitem').allTextContents();
    expect(entries[0]).toMatch(/ricevuta · dall'app$/);
    expect(entries.at(-1)).toMatch(/scaduta senza contatto \(SLA superato\)$/);
    expect(await row.getByRole('button', { name: 'Cronologia' }).getAttribute('aria-expanded')).toBe('true');
    await screenshot(page, 'queue-04-timeline');
  });
});
