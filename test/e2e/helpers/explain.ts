import type { Page } from 'playwright-core';

/**
 * Runs a browser step; when it fails, the error also carries what the page and the server held at that moment (the
 * focused element, the page's alerts and the rows the caller names), so a failure seen once in CI can be read from
 * its log instead of guessed at. Test-only: the step and its assertions are unchanged.
 */
export async function explainOnFailure<T>(
  step: () => Promise<T>,
  page: Page,
  rows: () => Record<string, unknown>,
): Promise<T> {
  try {
    return await step();
  } catch (error) {
    const seen = await page
      .evaluate(() => ({
        url: location.href,
        focused: document.activeElement?.outerHTML.slice(0, 300) ?? null,
        alerts: Array.from(document.querySelectorAll('[role="alert"], [role="status"], [role="alertdialog"]'))
          .map((e) => e.textContent?.trim().slice(0, 200))
          .filter(Boolean),
        main: document.querySelector('main')?.textContent?.trim().slice(0, 600) ?? null,
        // the console's own saved state (the contact in progress, its client id and revision)
        storage: Object.fromEntries(
          Object.keys(localStorage)
            .filter((k) => k.startsWith('valore.'))
            .map((k) => [k, (localStorage.getItem(k) ?? '').slice(0, 400)]),
        ),
      }))
      .catch((reason: unknown) => ({ unreadable: String(reason) }));
    let held: unknown;
    try {
      held = rows();
    } catch (reason) {
      held = { unreadable: String(reason) };
    }
    const detail = JSON.stringify({ page: seen, server: held }, null, 1);
    if (error instanceof Error) {
      error.message = `${error.message}\n--- at the time of the failure ---\n${detail}`;
      throw error;
    }
    throw new Error(`${String(error)}\n${detail}`);
  }
}

/**
 * Records, from now on, the page's requests whose URL matches `pattern` (with their answers' first bytes) and the
 * events of its server-sent streams that match it, each with the time: pass `log` into explainOnFailure's rows to see
 * the order in which the page asked and was told things.
 */
export async function recordTraffic(page: Page, pattern: RegExp): Promise<{ log: string[] }> {
  const log: string[] = [];
  const at = () => new Date().toISOString().slice(11, 23);
  // a stream's events are not responses: Chromium's DevTools protocol reports each one
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  cdp.on('Network.eventSourceMessageReceived', (e) => log.push(`${at()} ⇐ event ${e.eventId} ${e.data.slice(0, 300)}`));
  page.on('request', (r) => {
    if (pattern.test(r.url())) log.push(`${at()} → ${r.method()} ${r.url().replace(/^https?:\/\/[^/]+/, '')}`);
  });
  page.on('response', (r) => {
    if (!pattern.test(r.url()) || r.headers()['content-type']?.includes('text/event-stream')) return;
    const path = r.url().replace(/^https?:\/\/[^/]+/, '');
    void r
      .text()
      .then((body) => log.push(`${at()} ← ${r.status()} ${path} ${body.slice(0, 300)}`))
      .catch(() => log.push(`${at()} ← ${r.status()} ${path} (body unreadable)`));
  });
  page.on('requestfailed', (r) => {
    if (pattern.test(r.url())) log.push(`${at()} ✗ ${r.url()} ${r.failure()?.errorText ?? ''}`);
  });
  return { log };
}
