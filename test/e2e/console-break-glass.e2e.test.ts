import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { openBrowser, screenshot, type BrowserSession } from './helpers/browser';
import { expectNoAxeViolations } from './helpers/a11y';
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

const sqlite = () => server.database.sqlite;

describe('the customer card opens only to the operator handling the customer, keyboard only', () => {
  it('starts a contact from the search with its reason; once that access has run out, break-glass with a reason opens the card again', async () => {
    const { page } = browser;
    const customer = sqlite()
      .prepare(
        `SELECT id, tax_code, first_name, last_name FROM customers c
         WHERE NOT EXISTS (SELECT 1 FROM interactions i WHERE i.customer_id = c.id) ORDER BY id DESC LIMIT 1`,
      )
      .get() as { id: number; tax_code: string; first_name: string; last_name: string };
    const name = `${customer.first_name} ${customer.last_name}`;
    await signInByKeyboard(page, server.url, 'operatore3');

    // the search starts the contact on the server with the reason chosen (default: an inbound call)
    await page.getByRole('combobox', { name: 'Motivo del contatto' }).selectOption('customer_request');
    await page.keyboard.press('/');
    await page.keyboard.type(customer.tax_code);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: new RegExp(name) }).waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const card = page.getByRole('region', { name: 'Scheda cliente' });
    await card.getByText(name).waitFor();
    expect(
      sqlite().prepare('SELECT kind, reason FROM customer_access_grants WHERE customer_id = ?').all(customer.id),
    ).toEqual([{ kind: 'contact', reason: 'customer_request' }]);

    // the access is short-lived: once it has run out (and no call or work item holds the customer), the card is refused
    sqlite()
      .prepare('UPDATE customer_access_grants SET expires_at = ? WHERE customer_id = ?')
      .run(new Date(Date.now() - 1000).toISOString(), customer.id);
    await page.reload();
    await card.getByText('Non stai gestendo questo cliente').waitFor();
    const ask = card.getByRole('button', { name: 'Accesso straordinario…' });

    // Escape closes the dialog without asking anything
    await ask.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Accesso straordinario alla scheda' });
    await dialog.waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');
    await expectNoAxeViolations(page, 'console-break-glass-dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    // a reason is mandatory
    await ask.focus();
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await page.keyboard.type('serve');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter'); // "Apri la scheda"
    await dialog.getByText('Scrivi il motivo (almeno 10 caratteri).').waitFor();
    await screenshot(page, 'console-break-glass-01-reason');
    expect(sqlite().prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'customer.break_glass'").get()).toEqual(
      {
        n: 0,
      },
    );

    // the refusal put the focus back in the reason field
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Il cliente richiama per completare la pratica aperta ieri');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    await card.getByText(name).waitFor();
    await screenshot(page, 'console-break-glass-02-card');
    expect(
      sqlite()
        .prepare("SELECT actor_id, entity_id, details FROM audit_log WHERE action = 'customer.break_glass'")
        .all()
        .map((r) => {
          const row = r as { entity_id: string; details: string };
          return { customer: Number(row.entity_id), reason: (JSON.parse(row.details) as { reason: string }).reason };
        }),
    ).toEqual([{ customer: customer.id, reason: 'Il cliente richiama per completare la pratica aperta ieri' }]);
  });
});
