import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyCtiSignature } from '@valore/server/domains/cti/cti-commands';
import { postCallMeNow } from '../helpers/intake';
import { startTestServer, TEST_INTAKE_KEY, type TestServer } from '../helpers/server';
import { openBrowser, screenshot, type BrowserSession } from './helpers/browser';
import { signInByKeyboard } from './helpers/console';

/**
 * The call strip in Chromium (issue 18): it follows the telephony platform's CTI events with its timers, and its
 * buttons send signed commands — here to a local receiver that plays the platform: it checks each signature, then
 * reports what a real switch would (answered, held, resumed, ended; a dial rings, then the customer answers).
 */
const SECRET = 'e2e-shared-secret-for-the-call-commands-0123';

interface Command {
  action: string;
  operator: string;
  callId: string | null;
  number: string | null;
  customerId: number | null;
  target: string | null;
  signed: boolean;
}
const commands: Command[] = [];
/** The caller's number per call, as the platform would know it. */
const numbers = new Map<string, string>();

let receiver: Server;
let server: TestServer;
let first: BrowserSession;
let second: BrowserSession;

async function ctiEvent(type: string, callId: string, operator: string, direction?: 'outbound') {
  const response = await fetch(`${server.url}/api/v1/cti/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_INTAKE_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      type,
      callId,
      ani: numbers.get(callId) ?? 'anonymous',
      dnis: '800100100',
      operator,
      direction,
    }),
  });
  expect(response.status).toBeLessThan(300);
}

/** What the platform does with a command: it reports the change as a CTI event, a moment later. */
function play(command: Command & { id: number }) {
  const after = (ms: number, f: () => Promise<void>) => setTimeout(() => void f(), ms);
  const call = command.callId ?? `out-${command.id}`;
  const { operator } = command;
  if (command.action === 'dial' && command.number) {
    numbers.set(call, command.number);
    after(100, () => ctiEvent('offered', call, operator, 'outbound'));
    after(1_200, () => ctiEvent('answered', call, operator, 'outbound'));
  }
  const reported: Record<string, string> = { answer: 'answered', hold: 'held', resume: 'resumed', hangup: 'ended' };
  const type = reported[command.action];
  if (type) after(100, () => ctiEvent(type, call, operator));
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      const body = JSON.parse(raw) as Command & { id: number };
      const signed = verifyCtiSignature(
        SECRET,
        {
          signature: req.headers['x-valore-signature'] as string | undefined,
          timestamp: req.headers['x-valore-timestamp'] as string | undefined,
        },
        raw,
        Date.now(),
      );
      commands.push({ ...body, signed });
      res.writeHead(signed ? 202 : 401).end();
      if (signed) play(body);
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/pbx`;
  server = await startTestServer({ env: { VALORE_CTI_COMMAND_URL: url, VALORE_CTI_COMMAND_SECRET: SECRET } });
  first = await openBrowser();
  second = await openBrowser();
}, 60_000);
afterAll(async () => {
  await first?.close();
  await second?.close();
  await server?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

const strip = (page: Page, name = 'Telefono') => page.getByRole('region', { name });

/** Presses a strip button from the keyboard: focus, Enter. */
async function press(page: Page, name: string, region?: string) {
  const button = strip(page, region).getByRole('button', { name, exact: true });
  await button.focus();
  await page.keyboard.press('Enter');
}

/** The seconds a strip timer shows, e.g. "conversazione 00:03" → 3. */
async function seconds(page: Page, testId: string): Promise<number> {
  const text = (await strip(page).getByTestId(testId).textContent()) ?? '';
  const match = /(\d+):(\d{2})$/.exec(text.trim());
  return match ? Number(match[1]) * 60 + Number(match[2]) : -1;
}

describe('the call strip', () => {
  it('follows an inbound call with timers; answer, hold, resume and hang up go to the platform signed', async () => {
    const customer = await server.database.db
      .selectFrom('customers')
      .select(['id', 'phone', 'first_name', 'last_name'])
      .orderBy('id')
      .offset(31)
      .limit(1)
      .executeTakeFirstOrThrow();
    const page = first.page;
    await signInByKeyboard(page, server.url, 'operatore1');
    await strip(page).getByText('Nessuna chiamata in corso').waitFor();
    await new Promise((r) => setTimeout(r, 500)); // the live stream is open

    numbers.set('strip-in-1', customer.phone);
    await ctiEvent('offered', 'strip-in-1', 'operatore1');
    const name = `${customer.first_name} ${customer.last_name}`;
    await strip(page).getByText('Chiamata in arrivo').waitFor({ timeout: 2_000 });
    await strip(page).getByText(name).waitFor();
    await screenshot(page, 'call-strip-01-ringing');

    await press(page, 'Rispondi');
    await strip(page).getByText('In conversazione').waitFor({ timeout: 5_000 });
    // the answer popped the card and opened the contact, as a call answered on the phone does
    await page.getByTestId('screen-pop').waitFor();
    await expect.poll(() => seconds(page, 'call-talk'), { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
    await screenshot(page, 'call-strip-02-talking');

    await press(page, 'Metti in attesa');
    await strip(page).getByText('Cliente in attesa').waitFor({ timeout: 5_000 });
    const talkAtHold = await seconds(page, 'call-talk');
    await expect.poll(() => seconds(page, 'call-hold'), { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
    // on hold the talk time stands still
    expect(await seconds(page, 'call-talk')).toBe(talkAtHold);
    await screenshot(page, 'call-strip-03-held');

    await press(page, 'Riprendi');
    await strip(page).getByText('In conversazione').waitFor({ timeout: 5_000 });
    await press(page, 'Riaggancia');
    await strip(page).getByText('Chiamata terminata').waitFor({ timeout: 5_000 });
    await strip(page)
      .getByText(/in attesa in tutto 00:0[2-9]/)
      .waitFor();
    await screenshot(page, 'call-strip-04-ended');

    expect(commands.map((c) => [c.action, c.callId, c.operator, c.signed])).toEqual(
      ['answer', 'hold', 'resume', 'hangup'].map((action) => [action, 'strip-in-1', 'operatore1', true]),
    );
  });

  it('calls the customer of a callback with one key press: the platform gets the number, the page never does', async () => {
    await server.database.db
      .updateTable('callback_requests')
      .set({ status: 'cancelled' })
      .where('status', 'in', ['pending', 'claimed'])
      .execute();
    const customer = await server.database.db
      .selectFrom('customers')
      .select(['id', 'phone', 'first_name', 'last_name'])
      .orderBy('id')
      .offset(32)
      .limit(1)
      .executeTakeFirstOrThrow();
    const posted = await postCallMeNow(server, customer, { channel: 'app' });
    expect(posted.status).toBe(201);

    const page = second.page;
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await signInByKeyboard(page, server.url, 'operatore2');
    await page.getByRole('button', { name: /Prossimo contatto \(1\)/ }).waitFor();
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('n');
    const name = `${customer.first_name} ${customer.last_name}`;
    const before = commands.length;
    await press(page, `Chiama ${name}`);

    await strip(page).getByText('Chiamata in uscita, squilla').waitFor({ timeout: 5_000 });
    await strip(page).getByText('In conversazione').waitFor({ timeout: 5_000 });
    await screenshot(page, 'call-strip-05-dialled');
    const dial = commands.slice(before);
    expect(dial).toEqual([
      expect.objectContaining({
        action: 'dial',
        operator: 'operatore2',
        customerId: customer.id,
        number: customer.phone,
        signed: true,
      }) as unknown,
    ]);
    // a call the operator placed pops no card over the contact in progress
    expect(await page.getByTestId('screen-pop').count()).toBe(0);
    const html = await page.content();
    expect(html).not.toContain(customer.phone);
    expect(html).not.toContain(customer.phone.replace(/\D/g, '').slice(-7));

    // the same strip in English
    await page.getByLabel('Lingua').selectOption('en');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await strip(page, 'Telephone').getByText('Talking').waitFor();
    await screenshot(page, 'call-strip-06-talking-en');
    await press(page, 'Hang up', 'Telephone');
    await strip(page, 'Telephone').getByText('Call ended').waitFor({ timeout: 5_000 });
  });
});
