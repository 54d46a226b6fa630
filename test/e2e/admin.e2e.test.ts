import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completion } from '@valore/server/testing/completions';
import { createApiClient } from '../helpers/api-client';
import { startTestServer, type TestServer } from '../helpers/server';
import { openBrowser, screenshot, type BrowserSession } from './helpers/browser';
import { expectNoAxeViolations } from './helpers/a11y';
import { dateField, fieldText, typeDate } from './helpers/date-field';
import { signInByKeyboard } from './helpers/console';

/**
 * The admin area in Chromium, keyboard only: an admin creates an operator, who signs in with the temporary password
 * and must choose their own before reaching the console; an API key is created, used on the intake API and revoked.
 */
let server: TestServer;
let admin: BrowserSession;
let operator: BrowserSession;

beforeAll(async () => {
  server = await startTestServer();
  admin = await openBrowser();
  operator = await openBrowser();
});
afterAll(async () => {
  await admin?.close();
  await operator?.close();
  await server?.close();
});

/** An operator's OCS contact ending in a CARTA_IBAN funnel link by SMS: the link and the SMS as queued. */
async function sendFunnelSms(): Promise<{ url: string; sms: string }> {
  const op = createApiClient(server.url);
  await op.login('operatore3');
  const customer = server.database.sqlite
    .prepare(
      `SELECT id FROM customers c WHERE NOT EXISTS (SELECT 1 FROM consents WHERE customer_id = c.id AND purpose = 'marketing' AND granted = 1)
         AND id NOT IN (SELECT customer_id FROM interactions WHERE customer_id IS NOT NULL) ORDER BY id DESC LIMIT 1`,
    )
    .get() as { id: number };
  const result = await op.trpc.interactions.complete.mutate(
    completion('ocs_cross_sell', customer.id, 'digital_funnel', [
      { type: 'customer.identified', customerId: customer.id },
      { type: 'ocs.solved' },
      { type: 'propensity.accepted' },
      { type: 'consent.granted', channel: 'phone' },
      { type: 'needs.identified', productCode: 'CARTA_IBAN' },
      { type: 'proposal.accepted' },
      { type: 'outcome.funnel', channel: 'sms' },
    ]),
  );
  const linkId = result.effects.funnelLink?.id ?? 0;
  const sms = server.database.sqlite
    .prepare("SELECT body FROM outbox WHERE ref_type = 'funnel_link' AND ref_id = ? AND channel = 'sms'")
    .get(String(linkId)) as { body: string };
  return { url: result.effects.funnelLink?.url ?? '', sms: sms.body };
}

describe('administration from the browser', () => {
  it('an admin creates an operator; the operator signs in and must change the password first', async () => {
    const { page } = admin;
    await signInByKeyboard(page, server.url, 'admin', 'home-admin');
    await page.getByRole('table', { name: /Utenti del centro/ }).waitFor();
    await screenshot(page, 'admin-users');

    await page.getByRole('button', { name: 'Nuovo utente' }).focus();
    await page.keyboard.press('Enter');
    // the username field has the focus
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('autocomplete'))).toBe('off');
    await page.keyboard.type('sara.conti');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Sara Conti');
    await page.keyboard.press('Tab'); // role: operator already
    await page.keyboard.press('Tab'); // site
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Tab'); // team
    await page.keyboard.press('Tab'); // password: empty, the server makes one
    await page.keyboard.press('Enter');

    const secret = page.getByRole('textbox', { name: 'Password temporanea di sara.conti' });
    await secret.waitFor();
    // the one-time password has the focus, selected, ready to copy
    await expect.poll(() => secret.evaluate((el) => el === document.activeElement)).toBe(true);
    const temporary = await secret.inputValue();
    expect(temporary).toMatch(/^\w{6}-\w{6}-\w{6}$/);
    await page.getByRole('row', { name: /sara\.conti/ }).waitFor();
    await screenshot(page, 'admin-user-created');

    // the operator, in another browser
    const op = operator.page;
    await op.goto(`${server.url}/login`);
    await op.getByLabel('Nome utente').focus();
    await op.keyboard.type('sara.conti');
    await op.keyboard.press('Tab');
    await op.keyboard.type(temporary);
    await op.keyboard.press('Enter');
    await op.getByTestId('change-password').waitFor();
    // a page of the console is not reachable before the change
    await op.goto(`${server.url}/console`);
    await op.getByTestId('change-password').waitFor();
    await screenshot(op, 'change-password');

    await op.getByLabel('Password temporanea (attuale)').focus();
    await op.keyboard.type(temporary);
    await op.keyboard.press('Tab');
    await op.keyboard.type('password2026!');
    await op.keyboard.press('Tab');
    await op.keyboard.type('password2026!');
    await op.keyboard.press('Enter');
    // refused by the server: on the breached list; the field says so and takes the focus
    await op.getByText("È una password comune o già trapelata in un furto di dati: scegline un'altra.").waitFor();
    await expect.poll(() => op.evaluate(() => document.activeElement?.getAttribute('aria-invalid'))).toBe('true');
    await screenshot(op, 'change-password-refused');
    await op.keyboard.press('Control+A');
    await op.keyboard.type('girasoli nel campo di grano');
    await op.keyboard.press('Tab');
    await op.keyboard.press('Control+A');
    await op.keyboard.type('girasoli nel campo di grano');
    await op.keyboard.press('Enter');
    await op.getByTestId('home-operator').waitFor();
  });

  it('a key is created (shown once), used on the intake API (201) and revoked (401)', async () => {
    const { page } = admin;
    await page.goto(`${server.url}/admin/api-keys`);
    await page.getByRole('button', { name: 'Nuova chiave' }).focus();
    await page.keyboard.press('Enter');
    await page.keyboard.type('Sito web e app');
    await page.keyboard.press('Enter'); // intake is ticked already
    const secret = page.getByRole('textbox', { name: 'Chiave «Sito web e app»' });
    await secret.waitFor();
    await expect.poll(() => secret.evaluate((el) => el === document.activeElement)).toBe(true);
    const key = await secret.inputValue();
    expect(key).toMatch(/^vk_/);

    const intake = () =>
      fetch(`${server.url}/api/v1/callback-requests`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          'idempotency-key': randomUUID(),
        },
        body: JSON.stringify({ phone: '+39 347 000 7788', product: 'CONTO', mode: 'now', channel: 'web' }),
      });
    expect((await intake()).status).toBe(201);
    await page.reload();
    await page.getByRole('row', { name: /Sito web e app/ }).waitFor();
    await screenshot(page, 'admin-api-keys');

    await page.getByRole('button', { name: 'Revoca la chiave Sito web e app' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Revocare la chiave «Sito web e app»?' });
    await dialog.waitFor();
    await expectNoAxeViolations(page, 'admin-api-key-revoke-dialog');
    // the dialog opens on Cancel (the safe choice); Shift+Tab reaches Revoke
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await page.getByText('Chiave «Sito web e app» revocata.').waitFor();
    await page.getByRole('row', { name: /Sito web e app.*Revocata/ }).waitFor();
    expect((await intake()).status).toBe(401);
  });

  it('the audit log finds an operator’s reveal of a customer’s phone', async () => {
    const op = createApiClient(server.url);
    await op.login('operatore1');
    const [customer] = await op.trpc.customers.search.query({ query: 'Ro' });
    const customerId = customer?.id ?? 0;
    await op.trpc.customers.startContact.mutate({ customerId, reason: 'inbound_call', clientId: randomUUID() });
    await op.trpc.customers.reveal.mutate({ customerId, field: 'phone' });

    const { page } = admin;
    await page.goto(`${server.url}/admin/audit`);
    await page.getByLabel('Cliente (codice)').focus();
    await page.keyboard.type(String(customerId));
    await page.keyboard.press('Enter');
    const reveal = page.getByRole('row', { name: /customer\.reveal/ });
    await reveal.waitFor();
    expect(await reveal.textContent()).toContain('operatore1');
    expect(await reveal.textContent()).toContain('"field":"phone"');
    expect(await page.getByRole('row').count()).toBe(3); // the header, the reveal, the contact start
    await screenshot(page, 'admin-audit');
  });

  it('a product’s funnel address is changed on its screen, and the next link goes there', async () => {
    const { page } = admin;
    await page.goto(`${server.url}/admin/products`);
    await page.getByRole('button', { name: 'Modifica Carta prepagata con IBAN' }).focus();
    await page.keyboard.press('Enter');
    // the Italian name has the focus; the funnel address is four fields on
    for (let i = 0; i < 4; i++) await page.keyboard.press('Tab');
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)).toBe('url');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('https://conto.valore.example/carta-iban');
    await page
      .getByText(/Un link seguito ora porta a: https:\/\/conto\.valore\.example\/carta-iban\?utm_source=valore/)
      .waitFor();
    await screenshot(page, 'admin-product-edit');
    await page.keyboard.press('Enter');
    await page.getByText('Prodotto CARTA_IBAN salvato.').waitFor();
    await page.getByRole('row', { name: /CARTA_IBAN.*conto\.valore\.example\/carta-iban/ }).waitFor();

    // the next funnel link an operator sends for it goes to the new address
    const { url } = await sendFunnelSms();
    const followed = await fetch(url, { redirect: 'manual' });
    expect(followed.headers.get('location')).toMatch(
      /^https:\/\/conto\.valore\.example\/carta-iban\?utm_source=valore&utm_medium=sms&lid=\d+$/,
    );
  });

  it('an office closed for a day on its screen no longer offers that day’s slots', async () => {
    const slot = server.database.sqlite
      .prepare(
        `SELECT s.id, s.post_office_id AS officeId, s.starts_at AS startsAt, po.code, po.name FROM appointment_slots s
         JOIN post_offices po ON po.id = s.post_office_id
         WHERE s.starts_at > ? AND s.booked < s.capacity AND s.closed_at IS NULL ORDER BY s.starts_at LIMIT 1`,
      )
      .get(new Date(Date.now() + 2 * 86_400_000).toISOString()) as {
      id: number;
      officeId: number;
      startsAt: string;
      code: string;
      name: string;
    };
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date(slot.startsAt));
    const op = createApiClient(server.url);
    await op.login('operatore5');
    const offered = async () =>
      (await op.trpc.appointments.slots.query({ postOfficeId: slot.officeId, days: 28 })).map((s) => s.id);
    expect(await offered()).toContain(slot.id);

    const { page } = admin;
    await page.goto(`${server.url}/admin/post-offices`);
    await page.getByLabel('Cerca per codice, nome o città').focus();
    await page.keyboard.type(slot.code);
    await page.getByRole('row', { name: new RegExp(slot.code) }).waitFor();
    await page.getByRole('button', { name: `Gestisci ${slot.name}` }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `${slot.name} · ${slot.code}` }).waitFor();
    // the date fields read day/month/year in Italian: both typed from the keyboard, digits only
    for (const label of ['Dal giorno', 'Al giorno']) await typeDate(page, dateField(page, label), day);
    const [y, m, d] = day.split('-');
    expect(await fieldText(dateField(page, 'Al giorno'))).toBe(`${d}/${m}/${y}`);
    await page.getByLabel('Motivo').focus();
    await page.keyboard.type('Inventario annuale');
    await page.keyboard.press('Enter');
    await page.getByText(/Chiusura registrata: \d+ slot tolti dalle prenotazioni/).waitFor();
    await page.getByText(`${day} – ${day}: Inventario annuale`).waitFor();
    await screenshot(page, 'admin-office-closure');
    expect(await offered()).not.toContain(slot.id);
  });

  it('a scorecard template is made on its screen, from the keyboard', async () => {
    const { page } = admin;
    await page.goto(`${server.url}/admin/quality`);
    await page.getByRole('button', { name: 'Nuova scheda' }).focus();
    await page.keyboard.press('Enter');
    await page.keyboard.type('Vendita assistita');
    await page.keyboard.press('Tab');
    await page.keyboard.type('ascolto');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Ascolto attivo');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Active listening');
    await page.keyboard.press('Enter');
    await page.getByText('Scheda «Vendita assistita» salvata.').waitFor();
    await page.getByRole('row', { name: /Vendita assistita.*Ascolto attivo/ }).waitFor();
    await screenshot(page, 'admin-quality');
  });

  it('a site gets a new team from its screen', async () => {
    const { page } = admin;
    await page.goto(`${server.url}/admin/sites`);
    await page.getByRole('row', { name: /RM1/ }).waitFor();
    await screenshot(page, 'admin-sites');
    await page.getByRole('button', { name: 'Team di Roma Eur' }).focus();
    await page.keyboard.press('Enter');
    await page.getByLabel('Nome del nuovo team').focus();
    await page.keyboard.type('Roma — Team 3');
    await page.keyboard.press('Enter');
    await page.getByText('Roma — Team 3').waitFor();
    await screenshot(page, 'admin-site-teams');
  });

  it('a customer message is rewritten on its screen with a live preview and SMS count; the next SMS says it', async () => {
    const { page } = admin;
    await page.goto(`${server.url}/admin/messages`);
    await page.getByRole('table', { name: /Testi dei messaggi ai clienti/ }).waitFor();
    await screenshot(page, 'admin-messages');
    await page.getByRole('button', { name: "Modifica Link per l'attivazione online · SMS · Italiano" }).focus();
    await page.keyboard.press('Enter');
    const text = page.getByRole('textbox', { name: "Testo dell'SMS" });
    // the text has the focus
    await expect.poll(() => text.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Ciao {{nome}}, attiva {{product}}');
    await page.getByText('{{nome}} non è un valore di questo messaggio').waitFor();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Ciao {{first_name}}, attiva {{product}} qui: {{url}} entro il {{expires_on}}’');
    // one character outside the SMS alphabet makes it UCS-2, and the counter says which
    await page
      .getByTestId('sms-count')
      .getByText(/UCS-2.*«’»/)
      .waitFor();
    await page.keyboard.press('Backspace');
    await page
      .getByTestId('sms-count')
      .getByText(/^\d+ caratteri · 1 SMS \(GSM-7, 160 caratteri per SMS\)$/)
      .waitFor();
    await page
      .getByTestId('message-preview')
      .getByText(
        /^Ciao Maria, attiva Conto BancoPosta qui: https:\/\/valore\.example\.it\/f\/\w+ entro il 31 dicembre 2026$/,
      )
      .waitFor();
    await screenshot(page, 'admin-message-edit');
    await page.keyboard.press('Control+Enter');
    await page.getByText(/Testo salvato: Link per l'attivazione online · SMS · Italiano/).waitFor();
    await page
      .getByRole('row', { name: /Link per l'attivazione online SMS Italiano Ciao Maria, attiva.*Personalizzato/ })
      .waitFor();

    const { sms } = await sendFunnelSms();
    expect(sms).toMatch(/^Ciao \S+, attiva Carta .+ qui: http\S+\/f\/\S+ entro il \d{1,2} \w+ \d{4}$/);
  });

  it('a site gets its own service hours and patron saint from its screen; its operators are offered only those', async () => {
    const { page } = admin;
    await page.goto(`${server.url}/admin/sites`);
    await page.getByRole('button', { name: 'Orari di Roma Eur' }).focus();
    await page.keyboard.press('Enter');
    // "the site's own hours" has the focus; then the name of these hours, then their times
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await page.keyboard.type('As-is');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('08:00');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('19:00');
    await page.keyboard.press('Tab'); // open on Saturday: on → off
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: 'Aggiungi una festa' }).focus();
    await page.keyboard.press('Enter');
    await page.keyboard.type('29/6');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Santi Pietro e Paolo');
    // the to-be hours from the Monday they start (a new version comes with the source's to-be times filled in)
    await page.getByRole('button', { name: 'Aggiungi una versione' }).focus();
    await page.keyboard.press('Enter');
    await page.keyboard.type('To-be');
    const version = page.getByRole('group', { name: 'Versione 1' });
    await typeDate(page, dateField(version, 'In vigore dal'), '2027-03-29');
    expect(await version.getByLabel('Apertura lun–ven, versione 1 (HH:MM)').inputValue()).toBe('07:30');
    // closed two days for works
    await page.getByRole('button', { name: 'Aggiungi una chiusura' }).focus();
    await page.keyboard.press('Enter');
    await page.keyboard.type('Lavori all’impianto elettrico');
    const closure = page.getByRole('group', { name: 'Chiusura 1' });
    await typeDate(page, dateField(closure, 'Dal'), '2027-04-06');
    await typeDate(page, dateField(closure, 'Al'), '2027-04-07');
    await screenshot(page, 'admin-site-calendar');
    await closure.getByLabel('Motivo').focus();
    await page.keyboard.press('Enter');
    await page.getByText('Orari di Roma Eur salvati.').waitFor();
    await page
      .getByRole('row', {
        name: /Roma Eur.*Lun–Ven 08:00–19:00 · Sab chiuso · 1 festa locale · To-be dal 29\/03\/2027 · 1 chiusura/,
      })
      .waitFor();
    await screenshot(page, 'admin-sites-hours');

    const site = server.database.sqlite.prepare("SELECT id FROM sites WHERE name = 'Roma Eur'").get() as { id: number };
    const user = server.database.sqlite
      .prepare("SELECT username FROM users WHERE site_id = ? AND role = 'operator' AND active = 1 LIMIT 1")
      .get(site.id) as { username: string };
    const op = createApiClient(server.url);
    await op.login(user.username);
    expect(await op.trpc.work.serviceCalendar.query()).toEqual({
      siteId: site.id,
      custom: true,
      calendar: {
        name: 'As-is',
        weekdays: { opens: '08:00', closes: '19:00' },
        saturday: null,
        localHolidays: [{ date: '06-29', name: 'Santi Pietro e Paolo' }],
        versions: [
          {
            name: 'To-be',
            effectiveFrom: '2027-03-29',
            weekdays: { opens: '07:30', closes: '19:30' },
            saturday: { opens: '07:30', closes: '15:12' },
          },
        ],
        closures: [{ from: '2027-04-06', to: '2027-04-07', reason: 'Lavori all’impianto elettrico' }],
      },
    });
  });

  it('a district gets its hours, and its site without its own follows them', async () => {
    const { page } = admin;
    await page.goto(`${server.url}/admin/sites`);
    await page.getByRole('button', { name: 'Orari dei distretti' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('row', { name: /Lombardia Centro.*MI.*Milano Bicocca.*Nessun orario di distretto/ }).waitFor();
    await page.getByRole('button', { name: 'Orari di Lombardia Centro' }).focus();
    await page.keyboard.press('Enter');
    // the district's own hours: on; a name; Monday–Friday 07:45–19:45 (the second-level support's), Saturday open
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Supporto di secondo livello');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('07:45');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('19:45');
    await page.getByLabel('Apertura del sabato (HH:MM)').focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('07:45');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('15:27');
    await screenshot(page, 'admin-district-calendar');
    await page.keyboard.press('Enter');
    await page.getByText('Orari di Lombardia Centro salvati.').waitFor();
    await page.getByRole('row', { name: /Lombardia Centro.*Lun–Ven 07:45–19:45 · Sab 07:45–15:27/ }).waitFor();
    await screenshot(page, 'admin-district-hours');
    await page.getByRole('button', { name: 'Torna alle sedi' }).click();
    await page
      .getByRole('row', {
        name: /Milano Bicocca.*Lun–Ven 07:45–19:45 · Sab 07:45–15:27 \(del distretto Lombardia Centro\)/,
      })
      .waitFor();

    const user = server.database.sqlite
      .prepare(
        "SELECT username FROM users u JOIN sites s ON s.id = u.site_id WHERE s.name = 'Milano Bicocca' AND u.role = 'operator' AND u.active = 1 LIMIT 1",
      )
      .get() as { username: string };
    const op = createApiClient(server.url);
    await op.login(user.username);
    expect(await op.trpc.work.serviceCalendar.query()).toMatchObject({
      custom: true,
      calendar: { name: 'Supporto di secondo livello', weekdays: { opens: '07:45', closes: '19:45' } },
    });
  });
});
