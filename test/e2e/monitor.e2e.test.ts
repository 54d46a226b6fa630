import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLOW_VERSIONS } from '@valore/shared/flows/index';
import type { CompleteInteractionInput } from '@valore/shared/schemas/interactions';
import { createApiClient, type ApiClient } from '../helpers/api-client';
import { startTestServer, type TestServer } from '../helpers/server';
import { openBrowser, screenshot, type BrowserSession } from './helpers/browser';

// The operator side is driven through the API (as the console does) while the tutor watches in a real browser.
let server: TestServer;
let tutorBrowser: BrowserSession;
let operatorBrowser: BrowserSession;
let operator: ApiClient;
let operatorId: number;

beforeAll(async () => {
  server = await startTestServer();
  [tutorBrowser, operatorBrowser] = await Promise.all([openBrowser(), openBrowser()]);
  operator = createApiClient(server.url);
  operatorId = (await operator.login('operatore1')).user.id;
});
afterAll(async () => {
  await tutorBrowser?.close();
  await operatorBrowser?.close();
  await server?.close();
});

async function signIn(session: BrowserSession, username: string) {
  const { page } = session;
  await page.goto(`${server.url}/login`);
  await page.getByLabel(/Nome utente|Username/).fill(username);
  await page.getByLabel('Password').fill('demo');
  await page.keyboard.press('Enter');
}

describe('a tutor follows an operator live, coaches and scores the call', () => {
  const clientId = randomUUID();
  let customerId: number;
  const started = Date.now();

  it('the board follows the operator step by step', async () => {
    const { page } = tutorBrowser;
    await signIn(tutorBrowser, 'tutor1');
    await page.getByTestId('home-tutor').waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('Monitoraggio sede');
    const row = page.getByTestId('board-row-operatore1');
    await row.waitFor();
    await expect.poll(() => row.getAttribute('data-state')).toBe('ready');

    // a second browser context: the operator is signed in too (their own console session)
    await signIn(operatorBrowser, 'operatore2');
    await operatorBrowser.page.getByTestId('home-operator').waitFor();
    await expect.poll(() => page.getByTestId('board-row-operatore2').getAttribute('data-state')).toBe('ready');

    customerId = (await server.database.db.selectFrom('customers').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow()).id;
    for (const step of ['identify', 'needs', 'proposal'] as const) {
      await operator.trpc.monitor.setStatus.mutate({ state: 'on_contact', flow: 'inbound_sales', step, interactionClientId: clientId, customerId });
      await expect.poll(() => row.getByTestId('board-step').textContent(), { timeout: 3_000 }).toContain(
        { identify: 'Identificazione', needs: 'Bisogno', proposal: 'Proposta' }[step],
      );
      expect(await row.getAttribute('data-state')).toBe('on_contact');
    }
    expect(await row.getByTestId('board-step').textContent()).toContain('Numero verde');
    await screenshot(page, 'monitor-board');
  });

  it('the tutor sends a coaching message that reaches the operator at the current step', async () => {
    const { page } = tutorBrowser;
    await page.getByRole('button', { name: /Dettagli di .*/ }).first().waitFor();
    const row = page.getByTestId('board-row-operatore1');
    await row.getByRole('button', { name: /Dettagli di/ }).click();
    const drawer = page.getByTestId('operator-drawer');
    await drawer.getByLabel('Messaggio di coaching').fill('Ricorda il vantaggio del canone zero.');
    await drawer.getByRole('button', { name: 'Invia messaggio' }).click();
    await drawer.getByText('Messaggio inviato.').waitFor();

    const mine = await operator.trpc.monitor.myMessages.query({ interactionClientId: clientId });
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ body: 'Ricorda il vantaggio del canone zero.', step: 'proposal', acknowledgedAt: null });
    await operator.trpc.monitor.ackMessage.mutate({ requestId: randomUUID(), messageId: mine[0]?.id ?? 0 });
    await expect.poll(() => drawer.getByText(/Letto alle/).count(), { timeout: 10_000 }).toBe(1);
    await screenshot(page, 'monitor-coaching');
  });

  it('the tutor scores the finished call and releases it; the operator sees and acknowledges it', async () => {
    const at = (s: number) => new Date(started + s * 1000).toISOString();
    const input = {
      clientId,
      flow: 'inbound_sales',
      scriptId: 'inbound_sales',
      scriptVersion: FLOW_VERSIONS.inbound_sales,
      customerId,
      work: null,
      startedAt: at(0),
      endedAt: at(95),
      acwMs: 4_000,
      events: [
        { type: 'customer.identified', customerId, at: at(5) },
        { type: 'needs.identified', productCode: 'CONTO', at: at(30) },
        { type: 'proposal.declined', at: at(90) },
      ],
      outcome: 'not_interested',
      notes: 'Cliente già servito da altra banca.',
    } as CompleteInteractionInput;
    const done = await operator.trpc.interactions.complete.mutate(input);
    await operator.trpc.monitor.setStatus.mutate({ state: 'after_call_work', interactionClientId: clientId });
    const { page } = tutorBrowser;
    await expect.poll(() => page.getByTestId('board-row-operatore1').getAttribute('data-state')).toBe('after_call_work');
    await operator.trpc.monitor.setStatus.mutate({ state: 'ready' });

    // the list refreshes on its own; a reload shows it at once
    await page.reload();
    const review = page.getByTestId(`review-${done.interactionId}`);
    await review.waitFor();
    await review.getByRole('button', { name: /Valuta la chiamata/ }).click();
    const card = page.getByTestId('scorecard');
    await card.getByText('Ricorda il vantaggio del canone zero.', { exact: false }).waitFor();
    expect(await card.getByText('Cliente già servito da altra banca.').count()).toBe(1);

    // keyboard: focus the first radio of each group and move with the arrow keys
    const groups = card.getByRole('group');
    const count = await groups.count();
    expect(count).toBeGreaterThanOrEqual(5);
    for (let i = 0; i < count; i++) {
      const group = groups.nth(i);
      await group.getByRole('radio', { name: '3' }).check();
      await group.getByRole('radio', { name: '3' }).focus();
      await page.keyboard.press('ArrowRight');
    }
    expect(await card.getByRole('radio', { name: '4', checked: true }).count()).toBe(count);
    await card.getByLabel('Commenti per l\'operatore').fill('Buona esplorazione del bisogno; prova a riformulare l\'obiezione.');
    await screenshot(page, 'monitor-scorecard-form');
    await card.getByRole('button', { name: 'Salva bozza' }).click();
    await card.getByText('Bozza salvata.').waitFor();
    expect(await operator.trpc.quality.myScorecards.query()).toEqual([]);

    await card.getByRole('button', { name: "Rilascia all'operatore" }).click();
    await card.getByText(/Valutazione rilasciata il/).waitFor();
    await screenshot(page, 'monitor-scorecard-released');

    const mine = await operator.trpc.quality.myScorecards.query();
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ interactionId: done.interactionId, status: 'released', operatorId });
    expect(Object.values(mine[0]?.scores ?? {}).every((v) => v === 4)).toBe(true);
    const ack = await operator.trpc.quality.acknowledge.mutate({ requestId: randomUUID(), scorecardId: mine[0]?.id ?? 0 });
    expect(ack.status).toBe('acknowledged');

    await card.getByRole('button', { name: /Torna all'elenco/ }).click();
    await expect.poll(() => page.getByTestId(`review-${done.interactionId}`).textContent()).toContain('Presa visione');
  });
});
