import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { openBrowser, screenshot, type BrowserSession } from './helpers/browser';
import { signInByKeyboard } from './helpers/console';
import { explainOnFailure, recordTraffic } from './helpers/explain';

/**
 * The supervisor's desk in Chromium, two browsers (issue 18): tutor1 watches the queue and service-level tiles of
 * site 1, coaches operatore1 while they are Ready (the message waits), then reassigns a late callback of operatore2
 * to them — it rings on operatore1's console, one key takes it, and the contact opens with the queued coaching message
 * in its banner; the tutor sees the message delivered and the figures move. Italian, then the tutor's desk in English.
 */
let server: TestServer;
let tutorBrowser: BrowserSession;
let operatorBrowser: BrowserSession;
const LIVE = { timeout: 15_000 };
const MINUTE = 60_000;

beforeAll(async () => {
  // the offer's clock is not under test here (work-offers.e2e is): long enough for the screenshots taken meanwhile
  server = await startTestServer({ env: { VALORE_OFFER_SECONDS: '300' } });
  // only the test's items in the queues
  server.database.sqlite.exec(`
    DELETE FROM work_offers;
    UPDATE callback_requests SET status = 'cancelled' WHERE status IN ('pending', 'claimed');
    UPDATE campaigns SET status = 'paused' WHERE status = 'active';
    UPDATE leads SET status = 'lost' WHERE status = 'open';`);
  [tutorBrowser, operatorBrowser] = await Promise.all([openBrowser(), openBrowser()]);
});
afterAll(async () => {
  await tutorBrowser?.close();
  await operatorBrowser?.close();
  await server?.close();
});

const rows = (query: string, ...params: string[]) => server.database.sqlite.prepare(query).all(...params);
const userId = (username: string) =>
  (server.database.sqlite.prepare('SELECT id FROM users WHERE username = ?').get(username) as { id: number }).id;

/** A callback request in the queue; times in minutes from now. */
function callback(f: { mode: 'now' | 'scheduled'; dueAt: number; dueBy: number; owner?: string; offset: number }) {
  const customer = server.database.sqlite
    .prepare("SELECT id, phone, first_name || ' ' || last_name AS name FROM customers ORDER BY id LIMIT 1 OFFSET ?")
    .get(f.offset) as { id: number; phone: string; name: string };
  const at = (m: number) => new Date(Date.now() + m * MINUTE).toISOString();
  const id = randomUUID();
  server.database.sqlite
    .prepare(
      `INSERT INTO callback_requests (id, phone, customer_id, product_code, mode, channel, due_at, due_by, created_at,
         updated_at, origin, site_id, owner_id)
       VALUES (?, ?, ?, 'FIBRA', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      id,
      customer.phone,
      customer.id,
      f.mode,
      f.owner ? 'phone' : 'web',
      at(f.dueAt),
      at(f.dueBy),
      at(Math.min(f.dueAt, -30)),
      at(-1),
      f.owner ? 'agreed' : 'intake',
      f.owner ? 1 : null,
      f.owner ? userId(f.owner) : null,
    );
  return { id, customer };
}

describe("the supervisor's desk", () => {
  const tutor = () => tutorBrowser.page;
  const operator = () => operatorBrowser.page;
  const coaching = 'Prima di proporre, chiedi come usa internet a casa.';

  it('shows the queues, coaches an idle operator, reassigns a late callback that opens with the message', async () => {
    // a Call Me Now 4 minutes late, one due in 3 minutes; a callback agreed by operatore2, 20 minutes late
    callback({ mode: 'now', dueAt: -9, dueBy: -4, offset: 60 });
    callback({ mode: 'now', dueAt: -2, dueBy: 3, offset: 61 });
    const late = callback({ mode: 'scheduled', dueAt: -35, dueBy: -20, owner: 'operatore2', offset: 62 });

    await signInByKeyboard(tutor(), server.url, 'tutor1', 'home-tutor');
    const tiles = tutor().getByTestId('queue-tiles');
    const callMeNow = tiles.getByRole('figure', { name: /^Call Me Now/ });
    await callMeNow.waitFor(LIVE);
    expect(await callMeNow.getByTestId('queue-waiting').textContent()).toBe('2');
    expect(await callMeNow.getByTestId('queue-late').textContent()).toBe('1');
    // today so far: the late one's due-by passed unanswered
    expect(await callMeNow.getByTestId('queue-sl').textContent()).toBe('0%0 su 1 entro la scadenza');
    const callbacks = tiles.getByRole('figure', { name: /^Richiamate/ });
    expect(await callbacks.getByTestId('queue-waiting').textContent()).toBe('1');
    expect(await callbacks.getByTestId('queue-late').textContent()).toBe('1');
    const lateList = tutor().getByTestId('late-callbacks');
    await lateList.getByText(/Richiamata · Fibra per la casa/).waitFor(LIVE);
    await lateList.getByText(/Titolare: /).waitFor();
    // the alert names the product, not its code
    await tutor()
      .getByTestId('alerts')
      .getByText(/Call Me Now «Fibra per la casa»/)
      .first()
      .waitFor(LIVE);
    expect(await tutor().getByTestId('alerts').textContent()).not.toContain('FIBRA');
    await screenshot(tutor(), 'supervisor-01-tiles');

    // operatore1 signs in (Ready); the tutor coaches them: the message waits for their next contact
    await signInByKeyboard(operator(), server.url, 'operatore1');
    const row = tutor().getByTestId('board-row-operatore1');
    await expect.poll(() => row.getAttribute('data-state'), LIVE).toBe('ready');
    await row.getByRole('button', { name: /Dettagli/ }).click();
    const drawer = tutor().getByTestId('operator-drawer');
    await drawer.getByText(/resta in coda/).waitFor();
    await drawer.getByLabel('Messaggio di coaching').fill(coaching);
    await drawer.getByRole('button', { name: 'Invia messaggio' }).click();
    await drawer.getByText('Messaggio in coda: sarà consegnato al prossimo contatto.').waitFor(LIVE);
    await drawer.getByText(/In coda: consegna al prossimo contatto/).waitFor(LIVE);
    expect(await operator().getByTestId('coaching-banner').count()).toBe(0);
    await screenshot(tutor(), 'supervisor-02-coaching-queued');

    // the late callback goes to operatore1
    const item = lateList.getByTestId('late-callback').filter({ hasText: late.customer.name });
    await item.getByLabel('Riassegna a').selectOption({ label: await operatorName('operatore1') });
    await item.getByRole('button', { name: 'Riassegna' }).click();
    await lateList.getByText(/Richiamata offerta a .*: la accetta dalla sua console\./).waitFor(LIVE);
    await screenshot(tutor(), 'supervisor-03-reassigned');

    // it rings on operatore1's console; one key takes it and the contact opens with the coaching message
    const ringing = operator().getByRole('alertdialog', { name: `Nuovo contatto per te: ${late.customer.name}` });
    await ringing.waitFor(LIVE);
    const traffic = await recordTraffic(operator(), /myMessages|setStatus|streams\/coaching|acceptOffer|work\./);
    await operator().keyboard.press('a');
    const banner = operator().getByTestId('coaching-banner');
    await explainOnFailure(
      () => banner.getByText(coaching).waitFor(LIVE),
      operator(),
      () => ({
        offers: rows('SELECT operator_id, status, offered_at, expires_at, decided_at FROM work_offers'),
        status: rows('SELECT user_id, state, reason, interaction_client_id FROM operator_status'),
        messages: rows(
          'SELECT id, to_user_id, interaction_client_id, delivered_at, acknowledged_at FROM tutor_messages',
        ),
        late: rows('SELECT status, lease_owner, owner_id FROM callback_requests WHERE id = ?', late.id),
        traffic: traffic.log,
      }),
    );
    await screenshot(operator(), 'supervisor-04-operator-coaching-delivered');

    // the tutor sees it delivered, and the callback being handled by operatore1
    await drawer.getByText(/consegnato alle \d\d:\d\d/).waitFor(LIVE);
    await item.getByText(/In lavorazione da /).waitFor(LIVE);
    await expect.poll(() => callbacks.getByTestId('queue-waiting').textContent(), LIVE).toBe('0');
    const owner = server.database.sqlite
      .prepare('SELECT lease_owner, owner_id FROM callback_requests WHERE id = ?')
      .get(late.id) as { lease_owner: number; owner_id: number };
    expect(owner).toEqual({ lease_owner: userId('operatore1'), owner_id: userId('operatore1') });
    await screenshot(tutor(), 'supervisor-05-tutor-after');

    // the same desk in English
    await tutor().getByLabel('Lingua').selectOption('en');
    await tutor().waitForFunction(() => document.documentElement.lang === 'en');
    await tiles.getByRole('figure', { name: /^Callbacks/ }).waitFor();
    await tutor().getByRole('heading', { name: 'Queues and service level' }).waitFor();
    await tutor().getByRole('heading', { name: 'Late callbacks' }).waitFor();
    await screenshot(tutor(), 'supervisor-06-tiles-en');
  });
});

async function operatorName(username: string): Promise<string> {
  return (
    server.database.sqlite.prepare('SELECT display_name FROM users WHERE username = ?').get(username) as {
      display_name: string;
    }
  ).display_name;
}
