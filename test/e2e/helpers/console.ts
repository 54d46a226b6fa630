import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { TestServer } from '../../helpers/server';

/**
 * The keys a test presses: the page's own keyboard, or one that also notes what a screen reader says after each move
 * (helpers/screen-reader.ts).
 */
export interface Keys {
  press(key: string): Promise<void>;
  type(text: string): Promise<void>;
}

/**
 * Signs in with the keyboard only (the login page puts the cursor in the username; type, Tab, type, Enter) and waits
 * for the role's home.
 */
export async function signInByKeyboard(
  page: Page,
  baseUrl: string,
  username: string,
  home: 'home-operator' | 'home-tutor' | 'home-admin' | 'home-team_lead' = 'home-operator',
  keys: Keys = page.keyboard,
): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  const field = page.getByLabel('Nome utente');
  await expect.poll(() => field.evaluate((el) => el === document.activeElement)).toBe(true);
  await keys.type(username);
  await keys.press('Tab');
  await keys.type('demo');
  await keys.press('Enter');
  await page.getByTestId(home).waitFor();
}

/** The console shows the step and has moved the focus to its prompt, so number keys pick the choices at once. */
export async function atStep(page: Page, step: string, opts: { timeout?: number } = {}): Promise<void> {
  const heading = page.getByRole('heading', { level: 3, name: step });
  await heading.waitFor(opts.timeout ? { timeout: opts.timeout } : undefined);
  await expect.poll(() => heading.evaluate((el) => el === document.activeElement), opts).toBe(true);
}

/** `/` → type → Enter → ↓ → Enter: the contact starts on the customer found. */
export async function findAndStart(page: Page, query: string, name: string, keys: Keys = page.keyboard) {
  await keys.press('/');
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('customer-search');
  await keys.type(query);
  await keys.press('Enter');
  await page.getByRole('button', { name: new RegExp(name) }).waitFor();
  await keys.press('ArrowDown');
  await keys.press('Enter');
  await page.getByRole('heading', { level: 3, name: 'Identificazione' }).waitFor();
}

/**
 * A customer with no contact yet, holding neither CONTO nor FIBRA, in a province whose post offices have free slots
 * from tomorrow on.
 */
export async function customerNearFreeSlots(db: TestServer['database']['db'], skip: number[] = []) {
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
  return (
    db
      .selectFrom('customers')
      .innerJoin('post_offices', 'post_offices.province_code', 'customers.province_code')
      .innerJoin('appointment_slots', 'appointment_slots.post_office_id', 'post_offices.id')
      .select(['customers.id', 'customers.phone', 'customers.tax_code', 'customers.first_name', 'customers.last_name'])
      .where('appointment_slots.starts_at', '>', tomorrow)
      .whereRef('appointment_slots.booked', '<', 'appointment_slots.capacity')
      .where(
        'customers.id',
        'not in',
        db
          .selectFrom('interactions')
          .select('customer_id')
          .where('customer_id', 'is not', null)
          .$narrowType<{ customer_id: number }>(),
      )
      .where('customers.id', 'not in', skip.length ? skip : [0])
      // who holds neither product proposed here: a product a customer holds is offered disabled, never proposed
      .where(
        'customers.id',
        'not in',
        db.selectFrom('customer_products').select('customer_id').where('product_code', 'in', ['CONTO', 'FIBRA']),
      )
      .orderBy('customers.id')
      .limit(1)
      .executeTakeFirstOrThrow()
  );
}
