import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, romeParts } from '@valore/shared/time/rome-time';
import { serviceHoursOn } from '@valore/shared/time/service-calendar';
import { createApiClient } from '../helpers/api-client';
import { startTestServer, type TestServer } from '../helpers/server';
import { openBrowser, screenshot, type BrowserSession } from './helpers/browser';
import { signInByKeyboard } from './helpers/console';
import { dateField } from './helpers/date-field';

/**
 * Weekday shifts in Chromium (issue 19): teamlead1 plans an operator's week on the Turni page with the keyboard only —
 * Monday's hours, "Applica a tutta la settimana", save — and the operator's rest day (they work the Saturday before)
 * is flagged as an overlap, publishing blocked; a day off on it fixes it, and the week is published. The operator then
 * finds the shifts under "I miei turni".
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

/** The page's default week: the Monday after today in Rome. */
function nextMonday(): string {
  const today = romeParts(new Date()).date;
  const weekday = new Date(`${today}T12:00:00Z`).getUTCDay();
  return addDays(today, (8 - weekday) % 7 || 7);
}

/** A day as the page writes it ("lun 7 dic 2026"). */
const dayLabel = (iso: string) =>
  new Intl.DateTimeFormat('it-IT', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${iso}T12:00:00Z`));

/**
 * Gives the operator a rest day in the week: a Saturday shift the day before the week starts (its rest falls in the
 * week, on an open weekday), or, when that Saturday is a holiday, a published rest day on the week's first open day.
 */
async function restDayIn(week: string, userId: number, open: string[]): Promise<string> {
  const lead = createApiClient(server.url);
  await lead.login('teamlead1');
  const saturday = addDays(week, -2);
  if (serviceHoursOn(saturday)) {
    await lead.trpc.rota.assign.mutate({ requestId: randomUUID(), date: saturday, userId });
    const view = await lead.trpc.rota.view.query({ from: week, weeks: 1 });
    const rest = view.shifts.find((s) => s.kind === 'rest' && s.userId === userId);
    if (rest) return rest.date;
  }
  const date = open[0] ?? week;
  server.database.sqlite
    .prepare(
      `INSERT INTO rota_shifts (site_id, user_id, date, kind, status, created_at, published_at)
       VALUES (1, ?, ?, 'rest', 'published', ?, ?)`,
    )
    .run(userId, date, new Date().toISOString(), new Date().toISOString());
  return date;
}

describe('weekday shifts', { timeout: 120_000 }, () => {
  it('a team lead plans a week by keyboard, sees an overlap flagged, fixes it and publishes; the operator sees it', async () => {
    const week = nextMonday();
    const days = [0, 1, 2, 3, 4].map((n) => addDays(week, n));
    const open = days.filter((d) => serviceHoursOn(d));
    const first = open[0];
    if (!first) throw new Error('a week without an open weekday');
    const person = server.database.sqlite
      .prepare("SELECT id, username, display_name AS name FROM users WHERE username = 'operatore1'")
      .get() as { id: number; username: string; name: string };
    const rest = await restDayIn(week, person.id, open);

    const { page } = leadBrowser;
    await signInByKeyboard(page, server.url, 'teamlead1', 'home-team_lead');
    await page.getByRole('link', { name: 'Turni' }).click();
    const panel = page.getByRole('region', { name: 'Turni della settimana' });
    const table = panel.getByRole('table', { name: /^Turni da / });
    await table.waitFor();
    const row = table.locator('tr', { has: page.getByRole('rowheader', { name: new RegExp(person.name) }) });
    await row.getByText('recupero del sabato').waitFor();
    // a holiday of the week is a dash, not fields
    for (const closed of days.filter((d) => !open.includes(d))) {
      expect(await row.getByRole('group', { name: `Inizio, ${person.name}, ${dayLabel(closed)}` }).count()).toBe(0);
    }

    // the first open day 08:00–14:00, typed; then the whole week, and save
    await dateField(row, `Inizio, ${person.name}, ${dayLabel(first)}`)
      .getByRole('spinbutton')
      .first()
      .focus();
    await page.keyboard.type('0800');
    await page.keyboard.press('Tab');
    await page.keyboard.type('1400');
    await row.getByRole('button', { name: `Applica a tutta la settimana: ${person.name}` }).focus();
    await page.keyboard.press('Enter');
    await row.getByText('modifiche da salvare').waitFor();
    const last = open.at(-1) ?? first;
    expect(
      await dateField(row, `Fine, ${person.name}, ${dayLabel(last)}`)
        .getByRole('spinbutton')
        .allTextContents(),
    ).toEqual(['14', '00']);
    expect(await panel.getByRole('button', { name: 'Pubblica la settimana' }).isDisabled()).toBe(true);
    await row.getByRole('button', { name: `Salva la settimana di ${person.name}` }).focus();
    await page.keyboard.press('Enter');

    // hours on the rest day: an overlap, and publishing waits
    await panel.getByText('1 conflitto da risolvere').waitFor();
    await panel
      .getByText(`${person.name}, ${dayLabel(rest)}: turni sovrapposti (08:00–14:00 e riposo compensativo).`)
      .waitFor();
    await row.getByText('conflitto', { exact: true }).waitFor();
    expect(await panel.getByRole('button', { name: 'Pubblica la settimana' }).isDisabled()).toBe(true);
    await screenshot(page, 'rota-weekdays-01-overlap');

    // the rest day becomes a day off: saved, no conflict, published
    await row.getByRole('checkbox', { name: `riposo ${person.name}, ${dayLabel(rest)}` }).focus();
    await page.keyboard.press('Space');
    await row.getByRole('button', { name: `Salva la settimana di ${person.name}` }).focus();
    await page.keyboard.press('Enter');
    await panel.getByText('Nessun conflitto.').waitFor();
    await row.getByText('bozza', { exact: true }).waitFor();
    await panel.getByRole('button', { name: 'Pubblica la settimana' }).focus();
    await page.keyboard.press('Enter');
    await panel.getByText(`Pubblicati: ${open.length - 1} turni. Gli operatori li vedono in «I miei turni».`).waitFor();
    await panel.getByText('Settimana pubblicata').waitFor();
    await row.getByText('pubblicato', { exact: true }).waitFor();
    await screenshot(page, 'rota-weekdays-02-published');

    // the operator finds their week
    const op = operatorBrowser.page;
    await signInByKeyboard(op, server.url, person.username, 'home-operator');
    await op.getByRole('link', { name: 'I miei turni' }).click();
    const mine = op.getByRole('table', { name: 'I miei turni pubblicati' });
    await mine.waitFor();
    expect(await mine.getByText('Turno 08:00–14:00', { exact: true }).count()).toBe(open.length - 1);
    expect(await mine.getByText('Riposo', { exact: true }).count()).toBe(1);
    await screenshot(op, 'rota-weekdays-03-my-shifts');
  });
});
