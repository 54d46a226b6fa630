import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../helpers/api-client';
import { startTestServer, type TestServer } from '../helpers/server';
import { openBrowser, screenshot, type BrowserSession } from './helpers/browser';
import { signInByKeyboard } from './helpers/console';
import { dateField, fieldText } from './helpers/date-field';

/**
 * The training pages in Chromium (issue 20): teamlead1 plans a session today on the page ("Nuova sessione"), enrols
 * operatore1 in it and records them present, all by keyboard; operatore1 finds it under "I miei corsi" and answers
 * the survey by keyboard (arrows choose the scores); teamlead1 then sees the new response counted in the results per
 * site.
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

/** Today's date (the session's day: attendance may be recorded from it on). */
const today = new Date().toISOString().slice(0, 10);
const dayIt = new Intl.DateTimeFormat('it-IT', {
  weekday: 'short',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  timeZone: 'UTC',
}).format(new Date(`${today}T12:00:00Z`));

const dayEn = new Intl.DateTimeFormat('en-GB', {
  weekday: 'short',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  timeZone: 'UTC',
}).format(new Date(`${today}T12:00:00Z`));

/** The responses counted in the team lead's (single) row of the results per site. */
async function responses(page: Page): Promise<number> {
  const row = page.getByTestId('training-report').locator('tbody tr').first();
  await row.waitFor();
  return Number(await row.locator('td').last().textContent());
}

/** Presses Tab until the focused element is labelled `label` (a checkbox's <label>, a field's), at most 60 times. */
async function tabTo(page: Page, label: string): Promise<void> {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    const name = await page.evaluate(() => {
      const el = document.activeElement as HTMLInputElement | null;
      return el?.labels?.[0]?.textContent ?? el?.getAttribute('aria-label') ?? el?.textContent ?? '';
    });
    if (name.trim() === label) return;
  }
  throw new Error(`Tab never reached "${label}"`);
}

const isFocused = (page: Page, name: string) =>
  page.evaluate((n) => document.activeElement?.closest('fieldset')?.querySelector('legend')?.textContent === n, name);

describe('training', { timeout: 180_000 }, () => {
  it('a team lead plans a session, enrols and records attendance, the operator answers the survey by keyboard, the results count it', async () => {
    const lead = createApiClient(server.url);
    await lead.login('teamlead1');
    const operator = createApiClient(server.url);
    await operator.login('operatore1');
    const me = await operator.trpc.auth.me.query();
    const [course] = await lead.trpc.training.courses.query();
    if (!course) throw new Error('the demo has its course');

    // the team lead: results per site before, then plans a session of today and enrols operatore1, by keyboard
    const { page } = leadBrowser;
    await signInByKeyboard(page, server.url, 'teamlead1', 'home-team_lead');
    await page.getByRole('link', { name: 'Formazione', exact: true }).click();
    await page.getByTestId('home-training').waitFor();
    await page.getByRole('table', { name: /Risultati per sede/ }).waitFor();
    const before = await responses(page);
    await page.getByRole('button', { name: 'Nuova sessione' }).focus();
    await page.keyboard.press('Enter');
    const planForm = page.getByRole('form', { name: `Nuova sessione del corso ${course.title}` });
    await planForm.waitFor();
    await dateField(planForm, 'Data').getByRole('spinbutton').first().waitFor();
    const [y, m, d] = today.split('-');
    await page.keyboard.press('Tab'); // from the form's title to the date's day
    await page.keyboard.type(`${d}${m}${y}`);
    expect(await fieldText(dateField(planForm, 'Data'))).toBe(`${d}/${m}/${y}`);
    await page.keyboard.press('Tab'); // the start (09:00 already)
    expect(await fieldText(dateField(planForm, 'Inizio'), ':')).toBe('09:00');
    await page.keyboard.press('Tab');
    await page.keyboard.type('1100');
    await page.keyboard.press('Tab'); // "In aula", already chosen
    await page.keyboard.press('Tab');
    await page.keyboard.type('Aula 2');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Anna Neri');
    await page.keyboard.press('Tab');
    await page.keyboard.type('5');
    await screenshot(page, 'training-00-plan-session');
    await page.keyboard.press('Enter');
    await page
      .getByRole('status')
      .filter({ hasText: /Sessione del .* a .* pianificata/ })
      .waitFor();
    const enrolment = page.getByTestId('training-enrolment');
    const heading = enrolment.getByRole('heading', { name: `Iscrizioni: ${dayIt}`, exact: false });
    await expect.poll(() => heading.evaluate((el) => el === document.activeElement)).toBe(true);
    const planned = (await lead.trpc.training.sessions.query({ courseId: course.id })).filter(
      (s) => s.date === today && s.trainer === 'Anna Neri',
    );
    expect(planned).toMatchObject([{ starts: '09:00', hours: 2, room: 'Aula 2', remote: false, capacity: 5 }]);
    const session = planned[0];
    if (!session) throw new Error('the session is planned');
    await enrolment.getByText('5 posti liberi su 5').waitFor();
    await tabTo(page, me.displayName);
    await page.keyboard.press('Space');
    await tabTo(page, 'Iscrivi 1 persona');
    await screenshot(page, 'training-00b-enrol');
    await page.keyboard.press('Enter');
    await enrolment.getByRole('status').filter({ hasText: '1 persona iscritta. 4 posti liberi su 5.' }).waitFor();
    await enrolment.getByRole('button', { name: `Togli ${me.displayName} dalla sessione` }).waitFor();
    await screenshot(page, 'training-00c-enrolled');

    // then the attendance of the new session, by keyboard
    await page.getByRole('button', { name: `Presenze della sessione del ${dayIt} a ${session.siteName}` }).focus();
    await page.keyboard.press('Enter');
    const attendance = page.getByLabel(`Presenza di ${me.displayName}`);
    await attendance.waitFor();
    await attendance.focus();
    await page.keyboard.press('ArrowDown'); // "Non registrata" → "Presente"
    expect(await attendance.inputValue()).toBe('present');
    await page.getByRole('button', { name: 'Salva le presenze' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Presenze salvate: 1 persona.' }).waitFor();
    await screenshot(page, 'training-01-team-lead');

    // the operator: "I miei corsi", the survey by keyboard only
    const op = operatorBrowser.page;
    await signInByKeyboard(op, server.url, 'operatore1', 'home-operator');
    await op.getByRole('link', { name: 'I miei corsi' }).click();
    await op.getByTestId('home-training').waitFor();
    const give = op.getByRole('button', { name: `Compila il questionario del corso ${course.title} del ${dayIt}` });
    await give.focus();
    await op.keyboard.press('Enter');
    const form = op.getByRole('form', { name: `Questionario di gradimento: ${course.title}` });
    await form.waitFor();
    const scores: [string, number][] = [
      ['Utilità professionale', 5],
      ['Logistica', 3],
      ['Metodologia didattica', 4],
      ['Tutoraggio', 5],
      ['Docenza', 5],
      ['Pianificazione e organizzazione', 4],
    ];
    for (const [name, score] of scores) {
      await op.keyboard.press('Tab'); // into the group, on its first score
      await expect.poll(() => isFocused(op, name)).toBe(true);
      await op.keyboard.press('Space'); // 1
      for (let i = 1; i < score; i++) await op.keyboard.press('ArrowRight');
    }
    for (const [name, score] of scores) {
      const group = form.getByRole('group', { name });
      expect(await group.getByRole('radio', { name: String(score) }).isChecked(), name).toBe(true);
    }
    await op.keyboard.press('Tab');
    await op.keyboard.type('Utile, ma aula piccola.');
    await screenshot(op, 'training-02-survey');
    await op.keyboard.press('Tab');
    await op.keyboard.press('Enter');
    await op
      .getByRole('status')
      .filter({ hasText: `Grazie! Il tuo questionario sul corso ${course.title} è stato inviato.` })
      .waitFor();
    await screenshot(op, 'training-03-thanks');

    // the team lead again: one response more for the site
    await page.reload();
    await page.getByTestId('home-training').waitFor();
    await expect.poll(() => responses(page)).toBe(before + 1);
    await screenshot(page, 'training-04-results');

    // and in English
    await page.evaluate(() => window.localStorage.setItem('valore.lang', 'en'));
    await page.reload();
    await page.getByRole('table', { name: /Results per site/ }).waitFor();
    expect(await responses(page)).toBe(before + 1);
    await screenshot(page, 'training-05-results-en');
    // the new form and the enrolment in English
    await page.getByRole('button', { name: 'New session' }).focus();
    await page.keyboard.press('Enter');
    const formEn = page.getByRole('form', { name: `New session of the course ${course.title}` });
    await dateField(formEn, 'Date').getByRole('spinbutton').first().waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.type('0800'); // before the start: said by the field
    await page.keyboard.press('Enter');
    await formEn.getByText('The end must come after the start.').waitFor();
    await screenshot(page, 'training-06-plan-session-en');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: `Enrolment in the session of ${dayEn} at ${session.siteName}` }).click();
    await page.getByTestId('training-enrolment').getByText('4 seats left of 5').waitFor();
    await screenshot(page, 'training-07-enrol-en');
  });
});
