import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoAxeViolations } from './helpers/a11y';
import { openBrowser, type BrowserSession } from './helpers/browser';

let browser: BrowserSession;

beforeAll(async () => {
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const page = (body: string) =>
  `<!doctype html><html lang="it"><head><title>Prova</title></head><body><main><h1>Prova</h1>${body}</main></body></html>`;

// The check every screenshot runs (helpers/browser.ts) must be able to fail, and say why.
describe('the axe check of the browser tests', () => {
  it('passes a clean page', async () => {
    await browser.page.setContent(page('<p>Testo leggibile.</p><button type="button">Salva</button>'));
    await expect(expectNoAxeViolations(browser.page, 'clean')).resolves.toBeUndefined();
  });

  it('fails on WCAG A/AA and best-practice violations, listing rule, impact, selector and HTML', async () => {
    await browser.page.setContent(
      page(
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">' +
          '<p style="color:#999;background:#fff">Grigio chiaro</p>' +
          '<input id="nome"><h3>Salta un livello</h3>',
      ),
    );
    const error = await expectNoAxeViolations(browser.page, 'broken').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain('at "broken"');
    // wcag2a, wcag2aa and best-practice rules are all on
    expect(message).toMatch(/● image-alt \[critical\]/);
    expect(message).toMatch(/● color-contrast \[serious\]/);
    expect(message).toMatch(/● label \[critical\]/);
    expect(message).toMatch(/● heading-order \[moderate\]/);
    expect(message).toContain('- target: "#nome"');
    expect(message).toContain('html:   <input id="nome">');
  });
});
