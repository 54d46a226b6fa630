import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateHistory } from '@valore/server/db/seed/stats-history';
import { createApiClient } from '../helpers/api-client';
import { startTestServer, type TestServer } from '../helpers/server';
import { openBrowser, screenshot, type BrowserSession } from './helpers/browser';
import { signInByKeyboard } from './helpers/console';

/**
 * "La formazione rende?" on the stats page (docs/training.md, "Does training pay?"): a team lead reaches the panel by
 * keyboard from the page header, changes the window with the arrow keys and reads the figures of the demo's practice
 * set (completed 5–7 weeks ago by most operators) over 60 days of contacts, in Italian and in English.
 */

let server: TestServer;
let browser: BrowserSession;

beforeAll(async () => {
  server = await startTestServer();
  // the living demo's 60 days of contacts, ending yesterday: the set's completions fall inside them
  generateHistory(server.database.sqlite, { interactions: 8_000, days: 60, seed: 23 });
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Presses Tab until `target` has the focus, at most `max` times. */
async function tabTo(page: Page, target: Locator, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((el) => el === document.activeElement)) return;
  }
  throw new Error(`Tab never reached ${String(target)}`);
}

const focused = (target: Locator) => target.evaluate((el) => el === document.activeElement);
const it$ = (n: number) => new Intl.NumberFormat('it-IT').format(n);

describe('does training pay (the cohort panel)', { timeout: 120_000 }, () => {
  it('a team lead reaches the panel by keyboard, changes the window and reads the figures', async () => {
    const lead = createApiClient(server.url);
    await lead.login('teamlead1');
    const [subject] = await lead.trpc.training.cohortSubjects.query();
    expect(subject).toMatchObject({ kind: 'practice_set', name: 'Obiezioni sul prezzo — autunno' });
    const expected = await lead.trpc.training.cohort.query({ practiceSetId: subject?.id ?? 0, days: 30 });
    expect(expected.total.operators).toBeGreaterThan(0);

    const { page } = browser;
    await signInByKeyboard(page, server.url, 'teamlead1', 'home-team_lead');
    await page.getByTestId('tile-handled').waitFor();
    // the header's link takes the focus to the panel at the end of the page
    await tabTo(page, page.getByRole('link', { name: 'Vai a «La formazione rende?»' }));
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page.locator('#training-cohort'))).toBe(true);
    const panel = page.getByRole('region', { name: 'La formazione rende?' });
    await page.keyboard.press('Tab');
    const subjectField = panel.getByLabel('Corso o set di pratica');
    expect(await focused(subjectField)).toBe(true);
    expect(await subjectField.inputValue()).toBe(`practice_set:${subject?.id}`);
    await page.keyboard.press('Tab');
    expect(await focused(panel.getByRole('radio', { name: '30 giorni' }))).toBe(true);

    // 60 days: nobody's 60 days after have passed yet — said so, nothing counted
    await page.keyboard.press('ArrowRight');
    expect(await panel.getByRole('radio', { name: '60 giorni' }).isChecked()).toBe(true);
    await expect
      .poll(() => panel.getByTestId('cohort-pending').textContent())
      .toMatch(/hanno completato da meno di 60 giorni|ha completato da meno di 60 giorni/);
    expect(await panel.getByTestId('cohort-verdict').textContent()).toBe('Dati insufficienti');

    // back to 30 days: the figures the API gives, Italian numbers, a verdict in words
    await page.keyboard.press('ArrowLeft');
    expect(await panel.getByRole('radio', { name: '30 giorni' }).isChecked()).toBe(true);
    await expect.poll(() => panel.getByTestId('cohort-operators').textContent()).toBe(it$(expected.total.operators));
    const { before, after, difference } = expected.total;
    const text = (await panel.getByTestId('cohort-result').textContent()) ?? '';
    expect(text).toContain(`(${it$(before.value)}/${it$(before.handled)})`);
    expect(text).toContain(`(${it$(after.value)}/${it$(after.handled)})`);
    const verdict = await panel.getByTestId('cohort-verdict').textContent();
    if (difference && difference.low <= 0 && difference.high >= 0) expect(verdict).toBe('Nessuna differenza chiara');
    expect(verdict).toMatch(/^(Miglioramento significativo|Nessuna differenza chiara|Peggioramento significativo)$/);
    await panel.getByRole('table', { name: 'Per sede' }).waitFor();
    await panel
      .getByRole('table', { name: "Per autore del set (il tutor o l'amministratore che lo ha creato)" })
      .waitFor();
    await panel.scrollIntoViewIfNeeded();
    await screenshot(page, 'training-cohort-it');
  });

  it('reads in English too', async () => {
    const { page } = browser;
    await page
      .getByLabel('Lingua')
      .selectOption('en')
      .catch(() => undefined);
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await page.reload();
    await page.getByTestId('home-team_lead').waitFor();
    await page.getByRole('link', { name: 'Go to “Does training pay?”' }).click();
    const panel = page.getByRole('region', { name: 'Does training pay?' });
    await panel.getByRole('radio', { name: '30 days' }).waitFor();
    expect(await panel.getByRole('radio', { name: '30 days' }).isChecked()).toBe(true);
    await panel.getByRole('table', { name: 'By set author (the tutor or admin who created it)' }).waitFor();
    expect(await panel.getByTestId('cohort-verdict').textContent()).toMatch(
      /^(Significant improvement|No clear difference|Significantly worse)$/,
    );
    await screenshot(page, 'training-cohort-en');
  });
});
