import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postCallMeNow } from '../helpers/intake';
import { startTestServer, type TestServer } from '../helpers/server';
import { openBrowser, screenshot, type BrowserSession } from './helpers/browser';
import { atStep, signInByKeyboard } from './helpers/console';

/**
 * Pushed work in Chromium, two operators in two browsers: a Call Me Now arrives while both are Ready; it rings on the
 * console of the one Ready longest within a second, with its service-level countdown and the time left to take it;
 * left unanswered it moves to the second operator, who takes it with one key — the first is told and paused.
 */
let server: TestServer;
let first: BrowserSession;
let second: BrowserSession;
const OFFER_SECONDS = 5;
beforeAll(async () => {
  server = await startTestServer({
    env: { VALORE_OFFER_DISPATCH: 'on', VALORE_OFFER_SECONDS: String(OFFER_SECONDS) },
  });
  // an empty queue: only the request of the test is offered
  server.database.sqlite.exec(`
    UPDATE callback_requests SET status = 'cancelled' WHERE status IN ('pending', 'claimed');
    UPDATE campaigns SET status = 'paused' WHERE status = 'active';
    UPDATE leads SET follow_up_at = '2099-01-01T00:00:00.000Z' WHERE status = 'open';`);
  first = await openBrowser();
  second = await openBrowser();
});
afterAll(async () => {
  await first?.close();
  await second?.close();
  await server?.close();
});

describe('pushed work', () => {
  it('rings on the operator Ready longest, moves to the next when unanswered, and is taken with one key', async () => {
    await signInByKeyboard(first.page, server.url, 'operatore1');
    await first.page.getByTestId('home-operator').waitFor();
    await signInByKeyboard(second.page, server.url, 'operatore2');
    await second.page.getByTestId('home-operator').waitFor();

    const customer = server.database.sqlite
      .prepare("SELECT id, phone, first_name || ' ' || last_name AS name FROM customers ORDER BY id LIMIT 1 OFFSET 40")
      .get() as { id: number; phone: string; name: string };
    const sent = Date.now();
    const response = await postCallMeNow(server, customer);
    expect(response.status).toBe(201);

    const ringing = first.page.getByRole('alertdialog', { name: `Nuovo contatto per te: ${customer.name}` });
    await ringing.waitFor({ timeout: 3_000 });
    const offeredAfter = Date.now() - sent;
    expect(offeredAfter).toBeLessThan(2_000);
    await ringing.getByText('Call Me Now').waitFor();
    await ringing.getByText('per Conto corrente').waitFor();
    await ringing.getByText(/da richiamare entro \d\d:\d\d/).waitFor();
    await ringing.getByText(/Accetta entro \d s/).waitFor();
    await screenshot(first.page, 'console-work-offer');
    // the other console does not ring
    expect(await second.page.getByTestId('work-offer').count()).toBe(0);

    // nobody answers: it moves to the second operator; the first is told and paused
    const moved = second.page.getByRole('alertdialog', { name: `Nuovo contatto per te: ${customer.name}` });
    await moved.waitFor({ timeout: (OFFER_SECONDS + 3) * 1_000 });
    // one key takes it at once (its own 5 s run while the checks below take their time, axe included)
    await second.page.keyboard.press('a');
    await first.page.getByText("L'offerta è passata a un collega").waitFor();
    await expect
      .poll(() => first.page.getByTestId('operator-status').getByRole('combobox').inputValue())
      .toBe('paused:missed_offer');
    await screenshot(first.page, 'console-work-offer-missed');

    // the callback script opens on the second console
    await atStep(second.page, 'Chiamata');
    await second.page.getByTestId('work-item').getByText('Call Me Now').waitFor();
    const rows = server.database.sqlite
      .prepare('SELECT u.username, o.status FROM work_offers o JOIN users u ON u.id = o.operator_id ORDER BY o.id')
      .all();
    expect(rows).toEqual([
      { username: 'operatore1', status: 'expired' },
      { username: 'operatore2', status: 'accepted' },
    ]);
    await screenshot(second.page, 'console-work-offer-accepted');
  });
});
