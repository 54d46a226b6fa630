import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postCallMeNow } from '../helpers/intake';
import { startTestServer, type TestServer } from '../helpers/server';
import { openBrowser, screenshot, type BrowserSession } from './helpers/browser';
import { signInByKeyboard } from './helpers/console';

/**
 * The team lead's wallboard in Chromium (issue 19): opened from the navigation, switched to TV mode (full screen,
 * large type, no controls, Esc leaves), and updated live — a Call Me Now sent by the web site shows in the Call Me
 * Now tile within 2 s, with nothing pressed.
 */
let server: TestServer;
let session: BrowserSession;

beforeAll(async () => {
  server = await startTestServer();
  // only the test's request in the Call Me Now queue
  server.database.sqlite.exec(
    `UPDATE callback_requests SET status = 'cancelled' WHERE status IN ('pending', 'claimed')`,
  );
  session = await openBrowser();
});
afterAll(async () => {
  await session?.close();
  await server?.close();
});

describe('the wallboard', { timeout: 60_000 }, () => {
  it('in TV mode shows a Call Me Now within 2 s of its arrival, and Esc leaves TV mode', async () => {
    const { page } = session;
    await signInByKeyboard(page, server.url, 'teamlead1', 'home-team_lead');
    await page.getByRole('link', { name: 'Wallboard' }).click();
    await page.getByTestId('home-wallboard').waitFor();
    await page.getByTestId('wallboard-connection').and(page.locator('[data-live="true"]')).waitFor();
    await page.getByTestId('wallboard-adherence').waitFor();
    await screenshot(page, 'wallboard-normal');

    await page.getByRole('button', { name: 'Modalità TV' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('.wallboard--tv').waitFor();
    expect(new URL(page.url()).searchParams.get('tv')).toBe('1');
    // no controls in TV mode, and the app's bar behind it is out of reach of the keyboard
    expect(await page.getByTestId('home-wallboard').getByRole('button').count()).toBe(0);
    const barInert = () =>
      page.evaluate(() => Array.from(document.querySelectorAll<HTMLElement>('.topbar, .skip-link'), (el) => el.inert));
    expect(await barInert()).toEqual([true, true]);
    const waiting = page.getByTestId('queue-tile-call_me_now').getByTestId('queue-waiting');
    const before = Number(await waiting.textContent());

    const customer = server.database.sqlite
      .prepare('SELECT id, phone FROM customers WHERE phone NOT IN (SELECT phone FROM optout_registry) LIMIT 1')
      .get() as { id: number; phone: string };
    const sent = Date.now();
    expect((await postCallMeNow(server, customer)).status).toBe(201);
    await expect
      .poll(async () => Number(await waiting.textContent()), { timeout: 2_000, interval: 50 })
      .toBe(before + 1);
    const tookMs = Date.now() - sent;
    expect(tookMs).toBeLessThan(2_000);
    await screenshot(page, 'wallboard-tv');

    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Modalità TV' }).waitFor();
    expect(new URL(page.url()).searchParams.get('tv')).toBeNull();
    expect(await barInert()).toEqual([false, false]);
  });
});
