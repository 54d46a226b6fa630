import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { controlNames, optionContrasts } from './helpers/a11y-controls';
import { openBrowser, screenshot, type BrowserSession } from './helpers/browser';
import { atStep, customerNearFreeSlots, findAndStart, signInByKeyboard } from './helpers/console';
import { ScreenReaderWalk, spokenFocus, type WalkEntry } from './helpers/screen-reader';

/**
 * Issue 18's accessibility pass beyond axe (docs/accessibility.md, "A screen-reader walk of one flow"):
 *
 * 1. An inbound sales call walked with the keyboard only, noting after each key what a screen reader would say (the
 *    focused element's role, name, description and states from Chromium's accessibility tree, and the live regions
 *    that changed): focus lands on the console after sign-in, on each step's prompt (its name, described by the line to
 *    say), on controls named by the words they show, never on nothing or on something hidden; the recorded outcome is
 *    announced. The transcript is written to screenshots/screen-reader-walk.txt.
 * 2. Each role's home on the living demo: focus after sign-in, a name for every button and link (icon ones by
 *    aria-label), and the open dropdowns' options at 4.5:1 at rest and highlighted.
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

const MIN_CONTRAST = 4.5;

/** The step's prompt has the focus: a level-3 heading named as shown, described by the line the operator says. */
async function expectAtPrompt(walk: ScreenReaderWalk, step: string): Promise<WalkEntry> {
  const { page } = walk;
  await atStep(page, step);
  let entry = walk.last;
  // the move's note was taken once the page was still; should the step have come later, note it as it is now
  if (entry.focus.name !== step) entry = await walk.look(`(the step "${step}" shows)`);
  const line = (await page.locator('.script__say').innerText()).replace(/\s+/g, ' ').trim();
  expect(entry.focus, spokenFocus(entry.focus)).toMatchObject({ role: 'heading', name: step, description: line });
  expect(entry.focus.states).toContain('level=3');
  expect(line.length).toBeGreaterThan(20);
  return entry;
}

describe('a screen-reader walk of one flow: an inbound sales call, keyboard only', () => {
  it('says where the operator is at every move, from signing in to the appointment recorded', async () => {
    const { page } = browser;
    const customer = await customerNearFreeSlots(server.database.db);
    const name = `${customer.first_name} ${customer.last_name}`;
    const walk = await ScreenReaderWalk.start(page);
    try {
      // signing in: the cursor starts in the username; after Enter the console's region has the focus, by its name
      await signInByKeyboard(page, server.url, 'operatore1', 'home-operator', walk);
      await page.getByRole('heading', { level: 1, name: 'Console operatore' }).waitFor();
      expect(walk.entries[0]?.focus).toMatchObject({ role: 'textbox', name: 'Nome utente' });
      expect(walk.entries[2]?.focus).toMatchObject({ role: 'textbox', name: 'Password' });
      const home = walk.last.focus.role === 'main' ? walk.last : await walk.look('(the console shows)');
      expect(home.focus, spokenFocus(home.focus)).toMatchObject({
        body: false,
        role: 'main',
        name: 'Console operatore',
      });
      await screenshot(page, 'sr-walk-01-signed-in');

      // `/` to the search, the customer's phone, ↓ to the result, Enter: the contact starts on its first step
      await findAndStart(page, customer.phone, name, walk);
      const search = walk.entries.find((e) => e.move === '/');
      expect(search?.focus).toMatchObject({ role: 'searchbox' });
      expect(search?.focus.name).toMatch(/^Cerca cliente/);
      const found = walk.entries.find((e) => e.move === 'ArrowDown');
      expect(found?.focus.role).toBe('button');
      expect(found?.focus.name).toMatch(new RegExp(`^${name}`));
      // how many were found is said as the results arrive (the search's live region)
      expect(walk.entries.flatMap((e) => e.live).map((l) => l.text)).toContainEqual(expect.stringMatching(/trovat/));
      await expectAtPrompt(walk, 'Identificazione');
      await screenshot(page, 'sr-walk-02-identify');

      await walk.press('1'); // Cliente identificato
      await expectAtPrompt(walk, 'Bisogno');
      await walk.press('1'); // Bisogno individuato: the product's form, its select focused
      await page.getByRole('combobox', { name: /Prodotto/ }).waitFor();
      expect(walk.last.focus).toMatchObject({ role: 'combobox' });
      expect(walk.last.focus.name).toMatch(/^Prodotto/);
      // the product list, open, reads at 4.5:1 at rest and highlighted (axe sees the closed select only)
      const products = await optionContrasts(page);
      expect(products.filter((o) => o.select.startsWith('Prodotto')).length).toBeGreaterThan(2);
      expect(products.filter((o) => o.ratio < MIN_CONTRAST)).toEqual([]);
      await walk.type('Conto');
      expect(walk.last.focus.value).toMatch(/^Conto/);
      await walk.press('Tab');
      expect(walk.last.focus).toMatchObject({ role: 'button', name: 'Conferma' });
      await walk.press('Enter');

      await expectAtPrompt(walk, 'Proposta');
      await walk.press('1'); // Proposta accettata
      await expectAtPrompt(walk, 'Chiusura');
      await walk.press('4'); // Fissa appuntamento in UP: the offices, the first one with free slots chosen
      await page.getByRole('group', { name: 'Fascia oraria' }).waitFor();
      if (walk.last.focus.role !== 'radio') await walk.look('(the offices show)');
      expect(walk.last.focus).toMatchObject({ role: 'radio' });
      expect(walk.last.focus.states).toContain('checked');
      await walk.press('Tab'); // into the slots
      await walk.press('Space');
      expect(walk.last.focus).toMatchObject({ role: 'radio' });
      expect(walk.last.focus.states).toContain('checked');
      await screenshot(page, 'sr-walk-03-slot');
      await walk.press('Tab');
      expect(walk.last.focus).toMatchObject({ role: 'button', name: "Prenota l'appuntamento" });
      await walk.press('Enter');

      // after-call work: its heading, then the notes, then Ctrl+Enter records the outcome
      await page.getByRole('heading', { name: 'Riepilogo del contatto' }).waitFor();
      expect(walk.last.focus).toMatchObject({ role: 'heading', name: 'Riepilogo del contatto' });
      // read with it: the outcome about to be recorded, and its details
      expect(walk.last.focus.description).toMatch(/^Esito: .+Ufficio postale.+/);
      await walk.press('Tab');
      expect(walk.last.focus).toMatchObject({ role: 'textbox', name: 'Note del contatto' });
      await walk.type('Preferisce la mattina.');
      await walk.press('Control+Enter');
      const result = page.getByTestId('contact-result');
      await result.getByRole('heading', { name: 'Esito registrato' }).waitFor();
      if (walk.last.focus.name !== 'Esito registrato') await walk.look('(the result shows)');
      expect(walk.last.focus).toMatchObject({ role: 'heading', name: 'Esito registrato' });
      // the confirmation is said by a live region, with what it brought about, without moving from the heading
      const said = walk.entries
        .slice(-2)
        .flatMap((e) => e.live)
        .find((l) => l.role === 'status' && l.text.startsWith('Esito registrato'));
      expect(said?.text).toMatch(new RegExp(`^Esito registrato\\. ${name}: .+\\. Appuntamento fissato presso .+`));
      await screenshot(page, 'sr-walk-04-result');

      // never on nothing, never on something hidden, every control named by the words it shows
      expect(walk.problems()).toEqual([]);
    } finally {
      walk.write('screen-reader-walk', 'A screen-reader walk of an inbound sales call (operatore1, keyboard only)');
      await walk.stop();
    }
  });
});

const HOMES = [
  { username: 'operatore1', home: 'home-operator', path: '/console' },
  { username: 'tutor1', home: 'home-tutor', path: '/monitor' },
  { username: 'teamlead1', home: 'home-team_lead', path: '/stats' },
  { username: 'admin', home: 'home-admin', path: '/admin' },
] as const;

describe("each role's home on the living demo: focus after sign-in, names of buttons and links, dropdowns", () => {
  let demo: TestServer;
  beforeAll(async () => {
    demo = await startTestServer({ seed: false, env: { VALORE_SEED: 'demo' } });
  }, 120_000);
  afterAll(async () => {
    await demo?.close();
  });

  it.each(HOMES)('$username at $path', async ({ username, home, path }) => {
    const { page, context } = browser;
    await context.clearCookies();
    const walk = await ScreenReaderWalk.start(page);
    try {
      await signInByKeyboard(page, demo.url, username, home, walk);
      expect(new URL(page.url()).pathname).toBe(path);
      const title = (await page.getByRole('heading', { level: 1 }).innerText()).trim();
      const arrived = walk.last.focus.role === 'main' ? walk.last : await walk.look('(the home shows)');
      expect(arrived.focus, spokenFocus(arrived.focus)).toMatchObject({ body: false, role: 'main', name: title });

      await page.waitForLoadState('networkidle');
      const names = await controlNames(page);
      expect(names.checked).toBeGreaterThan(5);
      expect(names.problems).toEqual([]);
      const options = await optionContrasts(page);
      expect(options.length).toBeGreaterThan(0);
      expect(options.filter((o) => o.ratio < MIN_CONTRAST)).toEqual([]);
      walk.note(
        `${names.checked} buttons, links and tabs, all named (${names.iconOnly.length} icons, by aria-label); ` +
          `${options.length} option states of the dropdowns, the lowest at ${Math.min(...options.map((o) => o.ratio))}:1`,
      );
      await screenshot(page, `sr-home-${username}`);
    } finally {
      walk.write(`screen-reader-home-${username}`, `Signing in as ${username} by keyboard, to ${path}`);
      await walk.stop();
    }
  });
});
