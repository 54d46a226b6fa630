import type { Locator, Page } from 'playwright-core';

/**
 * The app's date and time fields (components/ui/date-field: react-aria segments, not inputs): a group named by the
 * field's label holding one spinbutton per part. These read and type them as a user does.
 */
export function dateField(scope: Page | Locator, label: string): Locator {
  return scope.getByRole('group', { name: label, exact: true });
}

/** What the field shows, its segments joined by `sep` ('05/12/2026', '09:00'). */
export async function fieldText(field: Locator, sep = '/'): Promise<string> {
  return (await field.getByRole('spinbutton').allTextContents()).join(sep);
}

/** Focuses the field's first segment and types a `YYYY-MM-DD` date as an Italian user would: day, month, year. */
export async function typeDate(page: Page, field: Locator, iso: string): Promise<void> {
  const [y, m, d] = iso.split('-');
  await field.getByRole('spinbutton').first().focus();
  await page.keyboard.type(`${d}${m}${y}`);
}
