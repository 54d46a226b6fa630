import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** Signs in with the keyboard only (focus the username, type, Tab, type, Enter) and waits for the role's home. */
export async function signInByKeyboard(
  page: Page,
  baseUrl: string,
  username: string,
  home: 'home-operator' | 'home-tutor' | 'home-admin' | 'home-team_lead' = 'home-operator',
): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Nome utente').focus();
  await page.keyboard.type(username);
  await page.keyboard.press('Tab');
  await page.keyboard.type('demo');
  await page.keyboard.press('Enter');
  await page.getByTestId(home).waitFor();
}

/** The console shows the step and has moved the focus to its prompt, so number keys pick the choices at once. */
export async function atStep(page: Page, step: string, opts: { timeout?: number } = {}): Promise<void> {
  const heading = page.getByRole('heading', { level: 3, name: step });
  await heading.waitFor(opts.timeout ? { timeout: opts.timeout } : undefined);
  await expect.poll(() => heading.evaluate((el) => el === document.activeElement), opts).toBe(true);
}
