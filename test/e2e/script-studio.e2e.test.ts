import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../helpers/api-client';
import { startTestServer, type TestServer } from '../helpers/server';
import { openBrowser, screenshot, type BrowserSession } from './helpers/browser';

/**
 * The script studio in Chromium: a team lead makes a draft of the callback script from 1.1.0, changes the needs line
 * in both languages (the editor marks it changed), saves, publishes 1.2.0 with a note and assigns it 50/50 with 1.1.0.
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

describe('script studio', () => {
  it('a team lead edits a line, publishes 1.2.0 and splits new contacts 50/50', async () => {
    const lead = createApiClient(server.url);
    await lead.login('teamlead1');
    const campaign = await lead.trpc.campaigns.create.mutate({
      requestId: randomUUID(),
      name: 'Conto giovani dicembre',
      businessUnit: 'Banking',
      productCode: 'CONTO',
      startsOn: '2026-01-01',
      endsOn: '2027-12-31',
      maxAttempts: 3,
      retryDelayMinutes: 240,
      scriptVersion: '1.0.0',
      siteIds: [1],
    });
    const { page } = browser;
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Nome utente').fill('teamlead1');
    await page.getByLabel('Password').fill('demo');
    await page.keyboard.press('Enter');
    await page.getByTestId('home-team_lead').waitFor();
    await page.goto(`${server.url}/scripts`);
    await page.getByTestId('home-scripts').waitFor();
    await screenshot(page, 'scripts-versions');

    await page.getByRole('button', { name: 'Nuova bozza da Call Me Back / Now 1.1.0' }).focus();
    await page.keyboard.press('Enter');
    const version = page.getByLabel('Numero di versione');
    await expect.poll(() => version.inputValue()).toBe('1.2.0');
    const it = page.getByLabel('Bisogno — italiano');
    // a placeholder in one language only is refused before saving
    await it.fill('Ci ha scritto: mi racconta per cosa le servirebbe?');
    await page.getByText('lines.needs: The Italian and English lines must use the same placeholders').waitFor();
    await it.fill('Ci ha scritto per {product}: mi racconta per cosa le servirebbe?');
    await page.getByLabel('Bisogno — inglese').fill('You wrote to us about {product}: what would you use it for?');
    await page.getByText('2 modifiche rispetto alla 1.1.0').waitFor();
    await screenshot(page, 'scripts-editor');

    // an objection with its rebuttal (keyboard: the tabs move with the arrows)
    await page.getByRole('tab', { name: 'Battute' }).focus();
    await page.keyboard.press('ArrowRight');
    await page.getByRole('button', { name: "Aggiungi un'obiezione" }).click();
    await page.getByLabel('Codice').fill('tempo');
    await page.getByLabel('Obiezione del cliente — italiano').fill('Non ho tempo adesso');
    await page.getByLabel('Obiezione del cliente — inglese').fill('I have no time now');
    await page.getByLabel('Risposta suggerita — italiano').fill('Bastano due minuti: le lascio il link e decide lei.');
    await page.getByLabel('Risposta suggerita — inglese').fill('Two minutes will do: I will leave you the link.');
    // the flow's rules stay: the callback flow may add the consent step, not remove the needs step
    await page.getByRole('tab', { name: 'Passi, esiti e prodotti' }).click();
    await expect.poll(() => page.getByLabel('Bisogno (obbligatorio)').isDisabled()).toBe(true);
    await screenshot(page, 'scripts-structure');
    // the diff: the needs line word by word, and the objection added
    await page.getByRole('tab', { name: /^Differenze/ }).click();
    const diff = page.getByRole('list', { name: 'Differenze rispetto alla 1.1.0' });
    await diff.getByRole('heading', { name: 'Bisogno — italiano' }).waitFor();
    await diff.getByRole('heading', { name: 'Obiezione tempo aggiunta' }).waitFor();
    await screenshot(page, 'scripts-diff');
    expect(await diff.locator('ins').allTextContents()).toContain('scritto per');

    // the preview: the draft walked in the console's script panel, with the new line and the rebuttal
    await page.getByRole('button', { name: 'Anteprima' }).click();
    const preview = page.getByRole('group', { name: 'Anteprima: Call Me Back / Now 1.2.0' });
    await preview.waitFor();
    await page.keyboard.press('1'); // Risponde
    await page.getByRole('button', { name: /Cliente identificato/ }).click();
    await page.getByRole('button', { name: /Bisogno individuato/ }).click();
    await page.getByLabel('Prodotto').selectOption({ label: 'Conto corrente' });
    await page.getByRole('button', { name: 'Conferma' }).click();
    await page.getByRole('button', { name: /^\d?\s*Obiezione$/ }).click();
    await page.getByRole('radio', { name: 'Non ho tempo adesso' }).check();
    await page.getByRole('button', { name: 'Conferma' }).click();
    await preview.getByText('sollevata dal cliente').waitFor();
    await preview.getByText('Bastano due minuti: le lascio il link e decide lei.').waitFor();
    await screenshot(page, 'scripts-preview');
    await page.getByRole('button', { name: "Torna all'editor" }).click();
    // the edits are still there
    await page.getByRole('tab', { name: 'Battute' }).click();
    await expect.poll(() => page.getByLabel('Bisogno — italiano').inputValue()).toContain('per {product}');
    await page.getByRole('button', { name: 'Salva la bozza' }).click();
    await page.getByText('Bozza 1.2.0 salvata.').waitFor();
    await page.getByLabel('Nota di pubblicazione (cosa cambia)').fill('Domanda sul bisogno più aperta');
    await page.getByRole('button', { name: 'Pubblica' }).click();
    await page.getByText('Call Me Back / Now 1.2.0 pubblicata').waitFor();

    const weights = page.getByRole('form', { name: /Quale versione giocano i nuovi contatti — Call Me Back/ });
    await weights.getByLabel('Peso di 1.2.0 (%)').fill('50');
    await weights.getByLabel('Peso di 1.1.0 (%)').fill('50');
    await weights.getByRole('button', { name: 'Assegna' }).click();
    await page.getByText('Assegnazione di Call Me Back / Now salvata.').waitFor();
    await page.getByRole('row', { name: /1\.2\.0.*Pubblicata.*Domanda sul bisogno più aperta.*50%/ }).waitFor();
    await screenshot(page, 'scripts-assigned');

    // 1.0.0 retired: asked twice, then marked; its recorded contacts stay (API tests)
    await page.getByRole('button', { name: 'Ritira Call Me Back / Now 1.0.0' }).click();
    await page.getByRole('button', { name: 'Sì, ritira la 1.0.0' }).click();
    await page.getByText('Call Me Back / Now 1.0.0 ritirata').waitFor();
    await page
      .getByRole('row', { name: /1\.0\.0.*Ritirata/ })
      .last()
      .waitFor();

    // one campaign plays its own assignment
    await page.getByLabel('Campagna', { exact: true }).selectOption({ value: String(campaign.id) });
    const forCampaign = page.getByRole('form', { name: `Quale versione giocano i nuovi contatti — ${campaign.name}` });
    await forCampaign.getByLabel('Peso di 1.0.0 (%)').fill('100');
    await forCampaign.getByRole('button', { name: 'Assegna' }).click();
    await page.getByText(`Assegnazione della campagna ${campaign.name} salvata.`).waitFor();
    await screenshot(page, 'scripts-campaign-assignment');

    expect(await lead.trpc.scripts.assignments.list.query()).toEqual([
      { flow: 'campaign', campaignId: campaign.id, splits: [{ version: '1.0.0', weight: 100 }], custom: true },
      {
        flow: 'callback',
        campaignId: null,
        splits: [
          { version: '1.1.0', weight: 50 },
          { version: '1.2.0', weight: 50 },
        ],
        custom: true,
      },
    ]);
  });
});
