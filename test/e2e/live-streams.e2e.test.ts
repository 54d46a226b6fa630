import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, type ApiClient } from '../helpers/api-client';
import { restartTestServer, startTestServer, TEST_INTAKE_KEY, type TestServer } from '../helpers/server';
import { openBrowser, screenshot, type BrowserSession } from './helpers/browser';
import { expectNoAxeViolations } from './helpers/a11y';
import { startFlakyNetwork, type FlakyNetwork } from './helpers/flaky-network';
import { signInByKeyboard } from './helpers/console';

// The live streams (plain SSE) in a real browser across drops: the network goes away and comes back (the browser's
// EventSource reconnects with Last-Event-ID and the stream resumes with what it missed), and the server restarts
// (the board starts again from a fresh snapshot). The browsers reach the server through a proxy that can drop every
// connection (helpers/flaky-network.ts). Status changes come from operatore2 through the API; operatore1 sits at a
// console for the screen pops.
let server: TestServer;
let network: FlakyNetwork;
let tutorBrowser: BrowserSession;
let operatorBrowser: BrowserSession;
let operatore2: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  network = await startFlakyNetwork(Number(server.port));
  [tutorBrowser, operatorBrowser] = await Promise.all([openBrowser(), openBrowser()]);
  operatore2 = createApiClient(server.url);
  await operatore2.login('operatore2');
});
afterAll(async () => {
  await tutorBrowser?.close();
  await operatorBrowser?.close();
  await network?.close();
  await server?.close();
});

const LIVE = { timeout: 15_000 };

/** The Last-Event-ID each request of a stream carried (null: a first connection). */
function streamRequests(page: Page, path: string): Promise<string | null>[] {
  const seen: Promise<string | null>[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === path) {
      seen.push(request.allHeaders().then((headers) => headers['last-event-id'] ?? null));
    }
  });
  return seen;
}

describe('live streams survive drops', () => {
  const tutor = () => tutorBrowser.page;
  const row = () => tutor().getByTestId('board-row-operatore2');
  const connection = () => tutor().getByTestId('board-connection');

  it('the board resumes after a network drop with the change it missed', async () => {
    const requests = streamRequests(tutor(), '/api/v1/streams/board');
    await signInByKeyboard(tutor(), network.url, 'tutor1', 'home-tutor');
    await row().waitFor(LIVE);
    await expect.poll(() => connection().getAttribute('data-live'), LIVE).toBe('true');
    await operatore2.trpc.monitor.setStatus.mutate({ state: 'ready' });
    await expect.poll(() => row().getAttribute('data-state'), LIVE).toBe('ready');

    network.cut();
    await expect.poll(() => connection().getAttribute('data-live'), LIVE).toBe('false');
    await screenshot(tutor(), 'live-01-board-reconnecting');
    // while the tutor's browser is away, the operator takes a break
    await operatore2.trpc.monitor.setStatus.mutate({ state: 'paused', reason: 'break' });
    await new Promise((r) => setTimeout(r, 300));
    expect(await row().getAttribute('data-state')).toBe('ready');

    network.restore();
    await expect.poll(() => row().getAttribute('data-state'), LIVE).toBe('paused');
    await expect.poll(() => connection().getAttribute('data-live'), LIVE).toBe('true');
    const ids = await Promise.all(requests);
    expect(ids[0]).toBeNull();
    // the reconnection said where it had got to: `<site>.<number>`, the site's change number (the same on every node)
    expect(
      ids.slice(1).some((id) => id !== null && /^\d+\.\d+$/.test(id)),
      JSON.stringify(ids),
    ).toBe(true);
    await screenshot(tutor(), 'live-02-board-resumed');
  });

  it('the board comes back by itself after a server restart, where it had got to', async () => {
    server = await restartTestServer(server, async () => {
      await expect.poll(() => connection().getAttribute('data-live'), LIVE).toBe('false');
    });
    await expect.poll(() => connection().getAttribute('data-live'), LIVE).toBe('true');
    await operatore2.trpc.monitor.setStatus.mutate({ state: 'paused', reason: 'meeting' });
    await expect.poll(() => row().getAttribute('data-state'), LIVE).toBe('paused');
    await expect.poll(() => row().textContent(), LIVE).toMatch(/Riunione|riunione/);
    await expectNoAxeViolations(tutor(), 'live-board-after-restart');
    await operatore2.trpc.monitor.setStatus.mutate({ state: 'ready' });
    await expect.poll(() => row().getAttribute('data-state'), LIVE).toBe('ready');
  });

  it('a call offered while the console had lost the network pops when it reconnects', async () => {
    const page = operatorBrowser.page;
    const requests = streamRequests(page, '/api/v1/streams/screen-pops');
    await signInByKeyboard(page, network.url, 'operatore1');
    await expect.poll(() => requests.length, LIVE).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 500)); // the stream is open and marked

    network.cut();
    await new Promise((r) => setTimeout(r, 500));
    const customer = await server.database.db
      .selectFrom('customers')
      .select(['phone', 'first_name', 'last_name'])
      .orderBy('id')
      .offset(60)
      .limit(1)
      .executeTakeFirstOrThrow();
    const response = await fetch(`${server.url}/api/v1/cti/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_INTAKE_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'offered',
        callId: 'call-e2e-offline',
        ani: customer.phone,
        dnis: '800100100',
        operator: 'operatore1',
      }),
    });
    expect(response.status).toBe(202);
    await new Promise((r) => setTimeout(r, 300));
    expect(await page.getByTestId('screen-pop').count()).toBe(0);

    network.restore();
    const pop = page.getByTestId('screen-pop');
    await pop.waitFor(LIVE);
    await pop.getByText(`${customer.first_name} ${customer.last_name}`).waitFor(LIVE);
    const ids = await Promise.all(requests);
    expect(
      ids.slice(1).some((id) => id !== null),
      JSON.stringify(ids),
    ).toBe(true);
    await screenshot(page, 'live-03-pop-after-reconnect');
  });

  it('an admin chooses the site to watch with the keyboard, and only then the board streams', async () => {
    const page = tutor();
    await page.getByRole('button', { name: 'Esci' }).click();
    await page.waitForURL(/\/login/);
    const requests = streamRequests(page, '/api/v1/streams/board');
    await signInByKeyboard(page, network.url, 'admin', 'home-admin');
    await page.goto(`${network.url}/monitor`);
    await page.getByText('Scegli la sede da osservare').waitFor(LIVE);
    expect(requests).toHaveLength(0); // no stream (no refusal in a loop) before a site is chosen
    await page.getByLabel('Sede', { exact: true }).focus();
    await page.keyboard.press('ArrowDown'); // the first site
    const rows = page.locator('[data-testid^="board-row-"]');
    await expect.poll(() => rows.count(), LIVE).toBeGreaterThan(0);
    await expect.poll(() => connection().getAttribute('data-live'), LIVE).toBe('true');
    await page.getByTestId('reviews').or(page.getByText('Nessuna chiamata completata oggi.')).first().waitFor(LIVE);
    await screenshot(page, 'live-04-admin-monitor-site');
  });
});
