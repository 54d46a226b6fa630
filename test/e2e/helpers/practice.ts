import type { Page } from 'playwright-core';
import { expect } from 'vitest';

export interface PracticeAssignment {
  /** the set's name, typed into "Nome dell'esercitazione" */
  name: string;
  /** the operators' names as listed, or 'all' ("Seleziona tutti gli operatori") */
  operators: 'all' | string[];
  /** the scripts' and the simulated customers' names as the form shows them, in the page's language */
  scripts: string[];
  personas: string[];
  /** contacts each operator is to complete */
  count: number;
  /** YYYY-MM-DD, typed day, month, year (the Italian order, and the English one: en-GB) */
  dueDate?: string;
}

/** What the focused element is, as a keyboard user meets it in the assign form. */
type Focused =
  | { kind: 'checkbox'; label: string; all: boolean; checked: boolean }
  | { kind: 'count' | 'date' | 'submit' | 'other'; label: string };

const focused = (page: Page): Promise<Focused> =>
  page.evaluate((): Focused => {
    const el = document.activeElement;
    if (el instanceof HTMLInputElement && el.type === 'checkbox') {
      const label = el.labels?.[0]?.textContent ?? '';
      return { kind: 'checkbox', label, all: !!el.closest('.practice-checks__all'), checked: el.checked };
    }
    if (el instanceof HTMLInputElement && el.type === 'number') return { kind: 'count', label: '' };
    if (el?.getAttribute('role') === 'spinbutton') return { kind: 'date', label: '' };
    if (el instanceof HTMLButtonElement && el.type === 'submit') return { kind: 'submit', label: el.textContent ?? '' };
    return { kind: 'other', label: el?.tagName ?? '' };
  });

/**
 * Fills the tutor's "Assegna esercitazioni" form (features/practice/assign-set.tsx) with the keyboard only and sends
 * it: from its first field (the name) Tab walks every box — Space ticks the wanted ones, "select all" for 'all' — then
 * the count (its text selected and typed over), the due date and the button, pressed with Enter. The form must be on
 * the page; the caller waits for what follows (the success message, a field's refusal).
 */
export async function assignPracticeByKeyboard(page: Page, set: PracticeAssignment): Promise<void> {
  const form = page.locator('form.practice-assign__form');
  await form.waitFor();
  // the starting point: the form's first field, as a user tabbing down the page arrives at it
  await form.locator('input').first().focus();
  await page.keyboard.type(set.name);
  const wanted = new Set([...(set.operators === 'all' ? [] : set.operators), ...set.scripts, ...set.personas]);
  const ticked: string[] = [];
  for (let steps = 0; steps < 200; steps++) {
    await page.keyboard.press('Tab');
    const at = await focused(page);
    if (at.kind === 'checkbox') {
      const tick = at.all ? set.operators === 'all' : wanted.has(at.label);
      if (tick && !at.checked) await page.keyboard.press('Space');
      if (tick) ticked.push(at.label);
    } else if (at.kind === 'count') {
      await page.keyboard.press('ControlOrMeta+a');
      await page.keyboard.type(String(set.count));
    } else if (at.kind === 'date') {
      if (set.dueDate) {
        const [y, m, d] = set.dueDate.split('-');
        await page.keyboard.type(`${d}${m}${y}`);
      }
    } else if (at.kind === 'submit') {
      expect(ticked.filter((l) => wanted.has(l)).sort()).toEqual([...wanted].sort());
      await page.keyboard.press('Enter');
      return;
    }
  }
  throw new Error('Tab never reached the button of the assign form');
}
