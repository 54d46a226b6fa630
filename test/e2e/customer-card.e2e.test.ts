import { randomUUID } from 'node:crypto';
import { completion } from '@valore/server/testing/completions';
import { agreedTime } from '@valore/server/testing/agreed-time';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../helpers/api-client';
import { startTestServer, type TestServer } from '../helpers/server';
import { openBrowser, screenshot, type BrowserSession } from './helpers/browser';
import { atStep, signInByKeyboard } from './helpers/console';

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

const sqlite = () => server.database.sqlite;

interface Customer {
  id: number;
  tax_code: string;
  birth_date: string;
  first_name: string;
  last_name: string;
}

/** A customer never contacted, with a tax code of their own, who holds CONTO and neither FIBRA nor LIBRETTO. */
function holderOfConto(): Customer {
  return sqlite()
    .prepare(
      `SELECT c.id, c.tax_code, c.birth_date, c.first_name, c.last_name FROM customers c
       WHERE EXISTS (SELECT 1 FROM customer_products p WHERE p.customer_id = c.id AND p.product_code = 'CONTO')
         AND NOT EXISTS (SELECT 1 FROM customer_products p WHERE p.customer_id = c.id
                         AND p.product_code IN ('FIBRA', 'LIBRETTO'))
         AND NOT EXISTS (SELECT 1 FROM interactions i WHERE i.customer_id = c.id)
         AND (SELECT count(*) FROM customers o WHERE o.tax_code = c.tax_code) = 1
       ORDER BY c.id DESC LIMIT 1`,
    )
    .get() as Customer;
}

/** Earlier contacts made through the API by operatore1: a lead for FIBRA with notes, a LIBRETTO proposal declined. */
async function history(c: Customer): Promise<void> {
  const api = createApiClient(server.url);
  await api.login('operatore1');
  await api.trpc.customers.startContact.mutate({ customerId: c.id, reason: 'inbound_call', clientId: randomUUID() });
  await api.trpc.interactions.complete.mutate(
    completion(
      'inbound_sales',
      c.id,
      'lead',
      [
        { type: 'customer.identified', customerId: c.id },
        { type: 'needs.identified', productCode: 'FIBRA' },
        { type: 'proposal.accepted' },
        { type: 'outcome.lead', followUpAt: agreedTime(2), notes: 'Vuole la fibra entro Natale' },
      ],
      { startMs: Date.now() - 50 * 60_000, notes: 'Preferisce essere richiamato dopo le 18' },
    ),
  );
  await api.trpc.interactions.complete.mutate(
    completion(
      'inbound_sales',
      c.id,
      'not_interested',
      [
        { type: 'customer.identified', customerId: c.id },
        { type: 'needs.identified', productCode: 'LIBRETTO' },
        { type: 'proposal.declined' },
      ],
      { startMs: Date.now() - 30 * 60_000 },
    ),
  );
}

describe('the customer card: date of birth revealed, history searched, a held product not offered', () => {
  it('an operator finds the customer among look-alikes, reveals the date of birth and searches the history', async () => {
    const { page } = browser;
    const customer = holderOfConto();
    await history(customer);
    const name = `${customer.first_name} ${customer.last_name}`;
    const [year, month, day] = customer.birth_date.split('-');
    await signInByKeyboard(page, server.url, 'operatore1');

    // the search: birth year with day and month masked, the tax code's first 3 and last 2 characters, the last contact
    await page.keyboard.press('/');
    await page.keyboard.type(customer.tax_code);
    await page.keyboard.press('Enter');
    const result = page.getByRole('button', { name: new RegExp(name) });
    await result.waitFor();
    const text = await result.textContent();
    expect(text).toContain(`nascita ••/••/${year}`);
    expect(text).toContain(`${customer.tax_code.slice(0, 3)}${'•'.repeat(11)}${customer.tax_code.slice(-2)}`);
    expect(text).toMatch(/ultimo contatto \d{1,2} \w{3} \d{4}/);
    await screenshot(page, 'customer-card-01-search-it');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await atStep(page, 'Identificazione');

    // the date of birth: masked, then revealed in full (dd/mm/yyyy), audited
    const card = page.getByRole('region', { name: 'Scheda cliente' });
    await card.getByText(`••/••/${year}`).waitFor();
    await card.getByRole('button', { name: /Mostra Data di nascita/ }).click();
    await card.getByText(`${day}/${month}/${year}`).waitFor();
    expect(
      sqlite()
        .prepare("SELECT details FROM audit_log WHERE action = 'customer.reveal' AND entity_id = ?")
        .all(String(customer.id)),
    ).toEqual([{ details: JSON.stringify({ field: 'birthDate' }) }]);

    // the history: the contacts, the lead and the notes (masked), newest first
    const timeline = card.getByRole('list', { name: /voci/ });
    await timeline.getByText('Non interessato · Libretto di risparmio').waitFor();
    await timeline.getByText('Lead aperto · Fibra per la casa').waitFor();
    expect(await timeline.getByText('Testo nascosto').count()).toBe(2);
    // searching it: the product's name
    const search = card.getByRole('searchbox', { name: 'Cerca nello storico' });
    await search.fill('fibra');
    await card.getByRole('list', { name: '3 voci' }).waitFor();
    expect(await timeline.getByText('Libretto di risparmio').count()).toBe(0);
    // the notes in clear on request (audited), and searched once shown
    await card.getByRole('button', { name: /Mostra note \(testo in chiaro/ }).click();
    await card.getByText('Vuole la fibra entro Natale').waitFor();
    await search.fill('richiamato dopo');
    await card.getByRole('list', { name: '1 voce' }).waitFor();
    await card.getByText('Preferisce essere richiamato dopo le 18').waitFor();
    await screenshot(page, 'customer-card-02-history-it');
    const notesRevealed = sqlite()
      .prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'customer.reveal' AND details LIKE '%notes%'")
      .get() as { n: number };
    expect(notesRevealed.n).toBeGreaterThan(0);

    // a product the customer holds is offered disabled, with why
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('1');
    await atStep(page, 'Bisogno');
    await page.keyboard.press('1');
    const product = page.getByRole('combobox', { name: /Prodotto/ });
    await product.waitFor();
    const conto = product.locator('option[value="CONTO"]');
    expect(await conto.textContent()).toBe('Conto corrente — già posseduto');
    expect(await conto.isDisabled()).toBe(true);
    expect(await product.locator('option[value="FIBRA"]').isDisabled()).toBe(false);
    await page.getByText(/Già posseduti, non proponibili: .*Conto corrente/).waitFor();
    await screenshot(page, 'customer-card-03-held-product-it');
    await page.keyboard.press('Escape');

    // in English: the same card, its words and dates in the operator's language
    await page.getByLabel('Lingua').selectOption('en');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    const cardEn = page.getByRole('region', { name: 'Customer card' });
    await cardEn.getByRole('heading', { name: 'History' }).waitFor();
    await cardEn.getByRole('button', { name: /Hide Date of birth/ }).click();
    await cardEn.getByText(`••/••/${year}`).waitFor();
    await cardEn.getByRole('button', { name: /Show Date of birth/ }).click();
    await cardEn.getByText(`${day}/${month}/${year}`).waitFor();
    const searchEn = cardEn.getByRole('searchbox', { name: 'Search the history' });
    await searchEn.fill('savings book');
    await cardEn.getByRole('list', { name: '1 entry' }).waitFor();
    await cardEn.getByText('Not interested · Savings book').waitFor();
    await searchEn.fill('');
    await cardEn.getByText('Lead opened · Home fibre broadband').waitFor();
    await screenshot(page, 'customer-card-04-history-en');
  });
});
