import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restartTestServer, startTestServer, type TestServer } from '../helpers/server';
import { openBrowser, screenshot, type BrowserSession } from './helpers/browser';
import { atStep, signInByKeyboard } from './helpers/console';

let server: TestServer;
let browser: BrowserSession;

beforeAll(async () => {
  // startTestServer fixes VALORE_SESSION_SECRET, so the session cookie survives the restart.
  server = await startTestServer();
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const db = () => server.database.db;

const signIn = (page: Page, username: string) => signInByKeyboard(page, server.url, username);

const storedPending = (page: Page) =>
  page.evaluate(
    () =>
      JSON.parse(window.localStorage.getItem('valore.pendingInteractions') ?? '[]') as {
        input: { clientId: string };
      }[],
  );

describe('the server goes away mid-shift', () => {
  it('keeps the completed interaction in the browser, across a reload, and logs it once when the server is back', async () => {
    const { page } = browser;
    const customer = await db()
      .selectFrom('customers')
      .select(['id', 'phone', 'first_name', 'last_name'])
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    await signIn(page, 'operatore3');

    await page.keyboard.press('/');
    await page.keyboard.type(customer.phone);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: new RegExp(`${customer.first_name} ${customer.last_name}`) }).waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await atStep(page, 'Identificazione');
    await page.getByText('Prodotti posseduti').waitFor();

    let clientId = '';
    server = await restartTestServer(server, async () => {
      // The server is down: the operator carries on with the call, by keyboard.
      await page.keyboard.press('1');
      await atStep(page, 'Bisogno');
      await page.keyboard.press('1');
      await page.getByRole('combobox', { name: /Prodotto/ }).waitFor();
      await page.keyboard.type('SIM');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await atStep(page, 'Proposta');
      await page.keyboard.press('1');
      await atStep(page, 'Chiusura');
      await page.keyboard.press('6'); // Crea lead
      await page.getByRole('group', { name: 'Ricontatto il' }).waitFor();
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Riepilogo del contatto' }).waitFor();
      await page.keyboard.press('Control+Enter');

      await page
        .getByTestId('contact-result')
        .getByRole('heading', { name: 'Esito salvato sul dispositivo' })
        .waitFor();
      const pending = page.getByTestId('pending-interactions');
      await pending.waitFor();
      expect(await pending.textContent()).toContain(`${customer.first_name} ${customer.last_name}`);
      await page.getByText('1 esito da inviare').waitFor();
      await screenshot(page, 'console-offline-01-pending');
      const stored = await storedPending(page);
      expect(stored).toHaveLength(1);
      clientId = stored[0]?.input.clientId ?? '';
      // Reloading now only shows the browser's error page; the queue stays in localStorage.
      await page.reload().catch(() => undefined);
    });

    // Back up, but delivery is held back for a moment so we can see the item survived the reload.
    await page.route('**/trpc/*interactions.complete*', (route) => route.abort('connectionrefused'));
    await page.goto(`${server.url}/console`);
    await page.getByTestId('home-operator').waitFor();
    const pending = page.getByTestId('pending-interactions');
    await pending.waitFor();
    expect(await pending.textContent()).toContain(`${customer.first_name} ${customer.last_name}`);
    expect((await storedPending(page))[0]?.input.clientId).toBe(clientId);
    await screenshot(page, 'console-offline-02-pending-after-reload');
    await page.unroute('**/trpc/*interactions.complete*');

    // The retry (every few seconds, with the same clientId) delivers it.
    await pending.waitFor({ state: 'detached', timeout: 20_000 });
    expect(await storedPending(page)).toEqual([]);
    await page.getByTestId('recent-interactions').getByText(`${customer.first_name} ${customer.last_name}`).waitFor();
    await screenshot(page, 'console-offline-03-delivered');
    // The server missed the status changes made while it was down; the console puts the operator back to ready.
    await expect.poll(() => page.getByTestId('operator-status').getByRole('combobox').inputValue()).toBe('ready');
    await expect
      .poll(
        async () =>
          (await db().selectFrom('operator_status').select('state').where('user_id', '=', 3).executeTakeFirst())?.state,
      )
      .toBe('ready');

    const rows = await db().selectFrom('interactions').selectAll().where('client_id', '=', clientId).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ customer_id: customer.id, outcome: 'lead', product_code: 'SIM', operator_id: 3 });
    const leads = await db().selectFrom('leads').selectAll().where('customer_id', '=', customer.id).execute();
    expect(leads).toHaveLength(1);
  });
});
