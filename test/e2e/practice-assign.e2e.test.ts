import { randomUUID } from 'node:crypto';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileScript } from '@valore/shared/flows/compile';
import type { ScriptDefinition } from '@valore/shared/flows/definition';
import { personaOf, type Persona } from '@valore/shared/training/personas';
import { playPractice } from '@valore/shared/training/practice-play';
import { createApiClient } from '../helpers/api-client';
import { startTestServer, type TestServer } from '../helpers/server';
import { openBrowser, screenshot, type BrowserSession } from './helpers/browser';
import { signInByKeyboard } from './helpers/console';
import { assignPracticeByKeyboard } from './helpers/practice';

/**
 * A tutor's practice set in Chromium (docs/training.md, "Practice sets for tutors"): tutor1 opens "Esercitazioni" and
 * assigns a set to every operator of the site by keyboard only; the progress shows operatore1 at 0 of 3. operatore1
 * then completes one practice contact towards it (through the API, played by the shared practice player) and the
 * tutor's progress shows 1 of 3 with its score, in Italian and in English.
 */
let server: TestServer;
let browser: BrowserSession;

beforeAll(async () => {
  server = await startTestServer();
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A due date well ahead (a month from now), so the set is not overdue while the test runs. */
const due = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);

/** The row of `name` in the set's progress table: its cells' texts after the operator's name. */
async function rowOf(table: Locator, name: string): Promise<string[]> {
  const row = table.getByRole('row').filter({ has: table.page().getByRole('rowheader', { name, exact: true }) });
  return row.getByRole('cell').allTextContents();
}

const isFocused = (page: Page, locator: Locator) =>
  locator.evaluate((el) => el === document.activeElement).catch(() => false);

describe('practice sets', { timeout: 180_000 }, () => {
  it('a tutor assigns a set by keyboard and follows an operator’s practice towards it', async () => {
    const operatorApi = createApiClient(server.url);
    await operatorApi.login('operatore1');
    const me = await operatorApi.trpc.auth.me.query();
    const personas = await operatorApi.trpc.practice.personas.query();
    const young = personas.find((p) => p.id === 'young_digital');
    if (!young) throw new Error('the demo has the young digital persona');

    // the tutor: "Esercitazioni" from the navigation, by keyboard
    const { page } = browser;
    await signInByKeyboard(page, server.url, 'tutor1', 'home-tutor');
    const link = page.getByRole('link', { name: 'Esercitazioni' });
    await link.focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('home-practice').waitFor();
    await page.getByRole('heading', { level: 2, name: 'Assegna esercitazioni' }).waitFor();

    const name = `Campagna e consenso ${randomUUID().slice(0, 4)}`;
    await assignPracticeByKeyboard(page, {
      name,
      operators: 'all',
      scripts: ['Campagna outbound'],
      personas: [young.name.it],
      count: 3,
      dueDate: due,
    });
    await page
      .getByRole('status')
      .filter({ hasText: new RegExp(`Esercitazione «${name}» assegnata a \\d+ operatori\\.`) })
      .waitFor();
    const table = page.getByRole('table', { name: `Avanzamento degli operatori: ${name}` });
    await table.waitFor();
    expect((await rowOf(table, me.displayName)).slice(0, 3)).toEqual(['0 di 3', 'Non iniziata', '—']);
    // after sending, the focus is not lost: the emptied form starts again at its name
    expect(await isFocused(page, page.getByRole('textbox', { name: "Nome dell'esercitazione" }))).toBe(true);
    await screenshot(page, 'practice-assign-01-assigned');

    // operatore1 practises once towards the set (the same way the console plays and completes it)
    const mine = await operatorApi.trpc.practice.mine.query({});
    const assignment = mine.assignments.find((a) => a.name === name);
    if (!assignment) throw new Error('the operator sees the new set');
    expect(assignment).toMatchObject({ count: 3, done: 0, dueDate: due, personaIds: ['young_digital'] });
    const started = await operatorApi.trpc.practice.start.mutate({
      requestId: randomUUID(),
      flow: 'campaign',
      personaId: 'young_digital',
      seed: 21,
      assignmentId: assignment.assignmentId,
    });
    const played = playPractice(
      compileScript(started.script.definition as ScriptDefinition),
      started.input,
      personaOf(started.persona.id) as Persona,
      started.weights,
      started.seed,
      { useRebuttal: () => true },
    );
    const done = await operatorApi.trpc.practice.complete.mutate({
      requestId: randomUUID(),
      practiceId: started.practiceId,
      path: played.path,
      outcome: played.outcome ?? 'not_interested',
      consentAsked: played.consentAsked,
      objections: played.objections,
      durationMs: played.durationMs + 5_000,
    });

    // the tutor's progress: 1 of 3, with the contact's score as the average
    await page.reload();
    await table.waitFor();
    const average = new Intl.NumberFormat('it-IT', { minimumFractionDigits: 1 }).format(done.score.total);
    await expect
      .poll(async () => (await rowOf(table, me.displayName)).slice(0, 3))
      .toEqual(['1 di 3', 'In corso (33%)', average]);
    await table.scrollIntoViewIfNeeded();
    await screenshot(page, 'practice-assign-02-progress');

    // the tutor scores that contact, by keyboard: the row's "Esercitazioni", then "Valuta", arrows in each group
    await page.getByRole('button', { name: `Esercitazioni di ${me.displayName} per «${name}»` }).focus();
    await page.keyboard.press('Enter');
    const rate = page.getByRole('button', { name: /^Valuta l'esercitazione del / });
    await rate.focus();
    await page.keyboard.press('Enter');
    const form = page.getByRole('form', { name: /^Valutazione dell'esercitazione del / });
    await form.waitFor();
    await page.keyboard.press('Tab'); // from the heading into the first group, on "Non valutato"
    for (const rating of [4, 5, 3, 0, 0]) {
      for (let i = 0; i < rating; i++) await page.keyboard.press('ArrowRight');
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Space'); // overall: 1
    for (let i = 1; i < 4; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Consenso chiesto bene; più calma sulle obiezioni.');
    await screenshot(page, 'practice-assign-03-scorecard');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Valutazione salvata.' }).waitFor();
    const scored = (await operatorApi.trpc.practice.mine.query({})).contacts.find(
      (c) => c.practiceId === started.practiceId,
    );
    expect(scored?.scorecard).toMatchObject({
      scores: { steps: 4, consent: 5, objections: 3 },
      overall: 4,
      comments: 'Consenso chiesto bene; più calma sulle obiezioni.',
    });

    // in English
    await page.getByLabel('Lingua').selectOption('en');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    const tableEn = page.getByRole('table', { name: `Operators’ progress: ${name}` });
    await tableEn.waitFor();
    const averageEn = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 1 }).format(done.score.total);
    expect((await rowOf(tableEn, me.displayName)).slice(0, 3)).toEqual(['1 of 3', 'In progress (33%)', averageEn]);
    await page.getByRole('heading', { level: 2, name: 'Assign practice' }).waitFor();
    await page.getByText('Overall 4/5').waitFor();
    await screenshot(page, 'practice-assign-04-progress-en');
  });
});
