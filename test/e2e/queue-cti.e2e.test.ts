import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_INTAKE_KEY, type TestServer } from '../helpers/server';
import { openBrowser, screenshot, type BrowserSession } from './helpers/browser';
import { signInByKeyboard } from './helpers/console';

let server: TestServer;
let first: BrowserSession;
let second: BrowserSession;

beforeAll(async () => {
  server = await startTestServer();
  first = await openBrowser();
  second = await openBrowser();
});
afterAll(async () => {
  await first?.close();
  await second?.close();
  await server?.close();
});

const signIn = (page: Page, username: string) => signInByKeyboard(page, server.url, username);

describe('inbound call screen pop (CTI, live push)', () => {
  it("pops the caller's card with cross-sell preselected on the right operator's console only", async () => {
    const customer = await server.database.db
      .selectFrom('customers')
      .select(['id', 'phone', 'first_name', 'last_name'])
      .orderBy('id')
      .offset(40)
      .limit(1)
      .executeTakeFirstOrThrow();
    await signIn(first.page, 'operatore1');
    await signIn(second.page, 'operatore2');
    // Let both SSE streams connect before the call arrives.
    await new Promise((r) => setTimeout(r, 500));

    const posted = Date.now();
    const response = await fetch(`${server.url}/api/v1/cti/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_INTAKE_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'offered',
        callId: 'call-e2e-1',
        ani: customer.phone,
        dnis: '800200200',
        operator: 'operatore1',
      }),
    });
    expect(response.status).toBeLessThan(300);
    expect(((await response.json()) as { popped: boolean }).popped).toBe(true);

    const page = first.page;
    const pop = page.getByTestId('screen-pop');
    await pop.waitFor({ timeout: 5_000 });
    const poppedAfter = Date.now() - posted;
    expect(pop).toBeDefined();
    await pop.getByText(`${customer.first_name} ${customer.last_name}`).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Script · Cross-sell dopo OCS' }).waitFor();
    await page.getByRole('heading', { level: 3, name: 'Identificazione' }).waitFor();
    // The card of the caller is open.
    await page.getByText('Prodotti posseduti').waitFor();
    // the "new contact" radios show the contact's flow, not the last manual choice
    expect(await page.getByRole('radio', { name: /Cross-sell dopo OCS/ }).isChecked()).toBe(true);
    expect(poppedAfter).toBeLessThan(3_000); // generous for a loaded CI machine; typically well under a second
    await screenshot(page, 'queue-02-cti-pop');

    // The other operator sees nothing.
    await new Promise((r) => setTimeout(r, 700));
    expect(await second.page.getByTestId('screen-pop').count()).toBe(0);
    expect(await second.page.getByRole('heading', { level: 3, name: 'Identificazione' }).count()).toBe(0);

    // The call is answered: same contact, no second one; the operator can work it by keyboard.
    await fetch(`${server.url}/api/v1/cti/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_INTAKE_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'answered',
        callId: 'call-e2e-1',
        ani: customer.phone,
        dnis: '800200200',
        operator: 'operatore1',
      }),
    });
    await pop.getByText(/Chiamata in corso/).waitFor();
    await page.keyboard.press('1'); // Cliente identificato
    await page.getByRole('heading', { level: 3, name: 'Problema' }).waitFor();
  });
});
