import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../helpers/api-client';
import { startTestServer, type TestServer } from '../helpers/server';
import { openBrowser, screenshot, type BrowserSession } from './helpers/browser';
import { signInByKeyboard } from './helpers/console';
import { dateField, typeDate } from './helpers/date-field';

/**
 * The Saturday rota in Chromium (issue 19): teamlead1 gives site 1 its as-is hours and the to-be hours from a date, by
 * keyboard; generates four weeks of Saturdays, one person per team; removes one person (a conflict: a Saturday short
 * of people, publishing blocked), adds another of the team (resolved) and publishes. An operator rostered on a
 * Saturday then finds it, with its rest day, under "I miei turni".
 */
let server: TestServer;
let leadBrowser: BrowserSession;
let operatorBrowser: BrowserSession;

beforeAll(async () => {
  server = await startTestServer();
  [leadBrowser, operatorBrowser] = await Promise.all([openBrowser(), openBrowser()]);
});
afterAll(async () => {
  await leadBrowser?.close();
  await operatorBrowser?.close();
  await server?.close();
});

/** The Monday `weeks` weeks after this week's, YYYY-MM-DD. */
function mondayIn(weeks: number): string {
  const d = new Date();
  d.setUTCHours(12, 0, 0, 0);
  d.setUTCDate(d.getUTCDate() + ((8 - d.getUTCDay()) % 7 || 7) + 7 * (weeks - 1));
  return d.toISOString().slice(0, 10);
}

/** Signs in by keyboard (the shared helper) and waits for the role's home. */
const signIn = (session: BrowserSession, username: string, home: 'home-operator' | 'home-team_lead') =>
  signInByKeyboard(session.page, server.url, username, home);

describe('the Saturday rota', { timeout: 120_000 }, () => {
  it('a team lead sets the to-be hours, generates the Saturdays, fixes a conflict and publishes; an operator sees theirs', async () => {
    const { page } = leadBrowser;
    await signIn(leadBrowser, 'teamlead1', 'home-team_lead');
    await page.getByRole('link', { name: 'Turni' }).click();
    await page.getByTestId('home-rota').waitFor();

    // the site's hours: as-is until the to-be hours start, two weeks on
    const toBeFrom = mondayIn(3);
    await page.getByRole('button', { name: 'Modifica gli orari' }).focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Space'); // the site's own hours
    await page.keyboard.press('Tab');
    await page.keyboard.type('As-is');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('08:00');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('19:30');
    await page.keyboard.press('Tab'); // open on Saturday: stays on
    await page.keyboard.press('Tab');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('08:00');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('15:42');
    await page.getByRole('button', { name: 'Aggiungi una versione' }).focus();
    await page.keyboard.press('Enter');
    await page.keyboard.type('To-be');
    await typeDate(page, dateField(page.getByRole('group', { name: 'Versione 1' }), 'In vigore dal'), toBeFrom);
    await screenshot(page, 'rota-01-hours');
    await page.getByRole('group', { name: 'Versione 1' }).getByLabel('Nome della versione').focus();
    await page.keyboard.press('Enter');
    await page.getByText(/Orari di .* salvati\./).waitFor();
    await page.getByText(/As-is: Lun–Ven 08:00–19:30 · Sab 08:00–15:42 · To-be dal/).waitFor();

    // four weeks of Saturdays from next Monday, one person per team (the demo teams have two operators each)
    const plan = page.getByRole('form', { name: 'Sabati a rotazione' });
    // the Saturday panel (the week's shifts above list their own conflicts)
    const saturdays = page.getByRole('region', { name: 'Sabati a rotazione' });
    await typeDate(page, dateField(plan, 'Dal'), mondayIn(1));
    await plan.getByLabel('Settimane').selectOption('4');
    await plan.getByLabel('Copertura per team').selectOption({ label: '1 persona' });
    await plan.getByRole('button', { name: 'Genera i sabati' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('Sabati generati: controlla i conflitti, poi pubblica.').waitFor();
    await saturdays.getByText('Nessun conflitto.').waitFor();
    const table = page.getByRole('table', { name: /Sabati dal/ });
    // the Saturdays before the to-be date keep 08:00–15:42, the later ones 07:30–15:12 (a Saturday that is a
    // holiday, such as Santo Stefano, is not listed)
    const rows = table.getByRole('row');
    expect(await rows.nth(1).getByRole('rowheader').textContent()).toContain('08:00–15:42');
    expect(await rows.last().getByRole('rowheader').textContent()).toContain('07:30–15:12');
    await screenshot(page, 'rota-02-generated');

    // a person removed from the first Saturday: that team is short, publishing is blocked until it is fixed
    const firstRow = table.getByRole('row').nth(1);
    const remove = firstRow.getByRole('button', { name: /^Togli / }).first();
    const removedName = ((await remove.getAttribute('aria-label')) ?? '').replace(/^Togli (.*) da sabato.*$/, '$1');
    await remove.focus();
    await page.keyboard.press('Enter');
    await saturdays.getByText('1 conflitto da risolvere').waitFor();
    await firstRow.getByText('manca 1 persona').waitFor();
    expect(await page.getByRole('button', { name: 'Pubblica i turni' }).isDisabled()).toBe(true);
    await screenshot(page, 'rota-03-conflict');
    const add = firstRow.getByRole('combobox', { name: /^Aggiungi a sabato/ }).first();
    const options = await add.locator('option').allTextContents();
    const someoneElse = options.find((o) => o !== 'Scegli…' && o !== removedName);
    if (!someoneElse) throw new Error('nobody else in the team to add');
    await add.selectOption({ label: someoneElse });
    await firstRow.getByRole('button', { name: 'Aggiungi' }).first().focus();
    await page.keyboard.press('Enter');
    await saturdays.getByText('Nessun conflitto.').waitFor();
    await page.getByRole('button', { name: 'Pubblica i turni' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText(/^Pubblicati: \d+ turni\./).waitFor();
    await page.getByText('Pubblicato', { exact: true }).waitFor();
    // today's adherence: each operator's expected window and how it was spent (a closed day says so instead)
    await page
      .getByRole('table', { name: /^Aderenza di / })
      .or(page.getByText(/sede chiusa, nessun turno previsto/))
      .waitFor();
    await page.getByRole('heading', { name: 'Aderenza ai turni' }).scrollIntoViewIfNeeded();
    await screenshot(page, 'rota-05-adherence');

    // someone rostered on a Saturday finds it under "I miei turni", with the day of rest that recovers it
    const lead = createApiClient(server.url);
    await lead.login('teamlead1');
    const view = await lead.trpc.rota.view.query({ from: mondayIn(1), weeks: 4 });
    const shift = view.shifts.find((s) => s.kind === 'saturday');
    if (!shift) throw new Error('no Saturday rostered');
    const { username } = server.database.sqlite
      .prepare('SELECT username FROM users WHERE id = ?')
      .get(shift.userId) as {
      username: string;
    };
    const op = operatorBrowser.page;
    await signIn(operatorBrowser, username, 'home-operator');
    await op.getByRole('link', { name: 'I miei turni' }).click();
    const mine = op.getByRole('table', { name: 'I miei turni pubblicati' });
    await mine.waitFor();
    expect(await mine.getByText(/^Sabato \d\d:\d\d–\d\d:\d\d$/).count()).toBeGreaterThan(0);
    expect(await mine.getByText('Riposo compensativo').count()).toBeGreaterThan(0);
    await op.getByRole('link', { name: 'Scarica il calendario (.ics)' }).waitFor();
    await screenshot(op, 'rota-04-my-shifts');
  });
});
