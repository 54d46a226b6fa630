import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completion } from '@valore/server/testing/completions';
import { createApiClient } from '../helpers/api-client';
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

  it('opens the timeline of a lead follow-up on the same board', async () => {
    // operatore1 (tutor1's site) records a lead on an inbound call
    const operator = createApiClient(server.url);
    await operator.login('operatore1');
    const customer = server.database.sqlite
      .prepare(
        `SELECT c.id FROM customers c
         WHERE (SELECT granted FROM consents k WHERE k.customer_id = c.id AND k.purpose = 'marketing'
                ORDER BY recorded_at DESC, id DESC LIMIT 1) = 1
           AND NOT EXISTS (SELECT 1 FROM customer_products p WHERE p.customer_id = c.id)
         ORDER BY c.id LIMIT 1`,
      )
      .get() as { id: number };
    // agreed for the next weekday at 11:00 in Rome (inside the service hours), then made due half an hour ago so it
    // sorts among the board's first rows
    const next = new Date();
    do next.setUTCDate(next.getUTCDate() + 1);
    while (next.getUTCDay() === 0 || next.getUTCDay() === 6);
    const followUpAt = `${next.toISOString().slice(0, 10)}T10:00:00.000Z`;
    const sale = await operator.trpc.interactions.complete.mutate(
      completion('inbound_sales', customer.id, 'lead', [
        { type: 'customer.identified', customerId: customer.id },
        { type: 'needs.identified', productCode: 'FIBRA' },
        { type: 'proposal.accepted' },
        { type: 'outcome.lead', followUpAt },
      ]),
    );
    const leadId = sale.effects.lead?.id;
    expect(leadId).toBeGreaterThan(0);
    await server.database.db
      .updateTable('leads')
      .set({ follow_up_at: new Date(Date.now() - 30 * 60_000).toISOString() })
      .where('id', '=', leadId ?? 0)
      .execute();

    const { page } = browser;
    await page.reload();
    const leadRow = page.locator(`tr[data-kind="lead_followup"][data-request-id="${leadId}"]`);
    await leadRow.waitFor();
    await leadRow.getByRole('button', { name: 'Cronologia' }).focus();
    await page.keyboard.press('Enter');
    const leadTimeline = page.getByRole('list', { name: 'Cronologia del ricontatto del lead' });
    await leadTimeline.waitFor();
    const leadEntries = await leadTimeline.getByRole('listitem').allTextContents();
    // in time order; the follow-up was moved back before the lead was made, so its breach reads first
    expect(leadEntries[0]).toMatch(/ricontatto scaduto senza contatto \(SLA superato\)$/);
    expect(leadEntries.some((e) => /lead creato · .+ · Inbound commerciale$/.test(e))).toBe(true);
    // a time alone when the follow-up falls on today's date in Rome, otherwise day, month and time (near midnight)
    expect(leadEntries.some((e) => /ricontatto fissato · .+ · per (\d{1,2} \S+, )?\d\d:\d\d/.test(e))).toBe(true);
    await screenshot(page, 'queue-05-lead-timeline');
  });
});
