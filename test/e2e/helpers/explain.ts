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
