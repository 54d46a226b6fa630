import type { Page } from 'playwright-core';

/**
 * Two checks axe leaves out, run on a page as it is now (test/e2e/screen-reader-walk.e2e.test.ts, docs/accessibility.md):
 * the names of buttons and links as the accessibility tree gives them, and the contrast of the options of every
 * <select> when its list is open (axe checks the closed control only; the open list is drawn by the browser).
 */

/** Letters and digits only, lower case: what a name and the words shown are compared on (no glyphs, no spacing). */
export const words = (text: string) => text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

/** No word of two letters and no digit: an icon, a glyph ("×", "↕") or a single letter drawn as one (the "i" of info). */
export const isIconOnly = (shown: string) => !/\p{L}{2}|\p{N}/u.test(shown);

const ROLES = ['button', 'link', 'tab', 'menuitem'] as const;

/** What the page shows on an element (`this`): its words, leaving out what is aria-hidden or visually hidden. */
function shownOn(this: Element): { shown: string; ariaLabel: boolean; what: string } {
  const shown = (node: Node): string => {
    if (node.nodeType === Node.TEXT_NODE) return node.textContent ?? '';
    if (!(node instanceof Element) || node.getAttribute('aria-hidden') === 'true') return '';
    const style = getComputedStyle(node);
    const box = node.getBoundingClientRect();
    const visuallyHidden = style.position === 'absolute' && box.width <= 1 && box.height <= 1;
    if (style.display === 'none' || style.visibility === 'hidden' || visuallyHidden) return '';
    return Array.from(node.childNodes).map(shown).join(' ');
  };
  const label = this.getAttribute('aria-label')?.trim() || this.getAttribute('aria-labelledby')?.trim();
  const html = this.outerHTML.replace(/\s+/g, ' ');
  return {
    shown: shown(this).replace(/\s+/g, ' ').trim(),
    ariaLabel: Boolean(label),
    what: html.length > 140 ? `${html.slice(0, 140)}…` : html,
  };
}

export interface ControlNames {
  /** buttons, links, tabs and menu items in the accessibility tree */
  checked: number;
  /** those showing no words (an icon or glyph), with the name they get from aria-label */
  iconOnly: string[];
  problems: string[];
}

/**
 * Every button, link, tab and menu item the accessibility tree holds has a name; one that shows no words (an icon)
 * gets it from aria-label (or aria-labelledby); one that shows words has them in its name (label in name, WCAG 2.5.3).
 */
export async function controlNames(page: Page): Promise<ControlNames> {
  const cdp = await page.context().newCDPSession(page);
  const out: ControlNames = { checked: 0, iconOnly: [], problems: [] };
  try {
    await cdp.send('DOM.enable');
    await cdp.send('Accessibility.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
    for (const role of ROLES) {
      const { nodes } = await cdp.send('Accessibility.queryAXTree', { backendNodeId: root.backendNodeId, role });
      for (const node of nodes) {
        if (node.ignored || node.backendDOMNodeId === undefined) continue;
        out.checked += 1;
        const name = String((node.name?.value as string | undefined) ?? '').trim();
        const { object } = await cdp.send('DOM.resolveNode', {
          backendNodeId: node.backendDOMNodeId,
          objectGroup: 'n',
        });
        const { result } = await cdp.send('Runtime.callFunctionOn', {
          objectId: object.objectId,
          functionDeclaration: shownOn.toString(),
          returnByValue: true,
        });
        const { shown, ariaLabel, what } = result.value as ReturnType<typeof shownOn>;
        const at = `${role} "${name}" showing "${shown}": ${what}`;
        if (!name) out.problems.push(`${at}: no accessible name`);
        else if (isIconOnly(shown)) {
          out.iconOnly.push(`${role} "${name}" (shows "${shown}")`);
          if (!ariaLabel) out.problems.push(`${at}: shows no words and has no aria-label`);
        } else if (!words(name).includes(words(shown))) out.problems.push(`${at}: the name leaves out the words shown`);
      }
      await cdp.send('Runtime.releaseObjectGroup', { objectGroup: 'n' });
    }
  } finally {
    await cdp.detach();
  }
  return out;
}

export interface OptionContrast {
  select: string;
  option: string;
  state: 'at rest' | 'highlighted';
  ratio: number;
}

/**
 * The contrast of each option of each <select> on the page (disabled options and selects aside: they do not open, and
 * WCAG 1.4.3 leaves inactive controls out) in the two ways the open list draws it on this light theme: at rest (the option's colour on the list, which
 * takes the select's background) and highlighted (the option under the arrow keys, in the browser's selection colours:
 * read from a copy of the select shown as a focused list box, which the same rules paint).
 */
export async function optionContrasts(page: Page): Promise<OptionContrast[]> {
  return page.evaluate(() => {
    const rgba = (css: string): [number, number, number, number] => {
      const m = css.match(/[\d.]+/g)?.map(Number) ?? [0, 0, 0];
      return [m[0] ?? 0, m[1] ?? 0, m[2] ?? 0, m[3] ?? 1];
    };
    /** `top` over `bottom` (an opaque colour). */
    const over = (top: string, bottom: [number, number, number]): [number, number, number] => {
      const [r, g, b, a] = rgba(top);
      return [r * a + bottom[0] * (1 - a), g * a + bottom[1] * (1 - a), b * a + bottom[2] * (1 - a)];
    };
    const luminance = ([r, g, b]: [number, number, number]) => {
      const lin = (c: number) => (c / 255 <= 0.04045 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
      return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    };
    const contrast = (fg: [number, number, number], bg: [number, number, number]) => {
      const [hi, lo] = [luminance(fg), luminance(bg)].sort((x, y) => y - x) as [number, number];
      return Math.round(((hi + 0.05) / (lo + 0.05)) * 100) / 100;
    };
    const ratio = (option: HTMLOptionElement, list: HTMLSelectElement) => {
      const listBg = over(getComputedStyle(list).backgroundColor, [255, 255, 255]);
      const bg = over(getComputedStyle(option).backgroundColor, listBg);
      return contrast(over(getComputedStyle(option).color, bg), bg);
    };
    const nameOf = (select: HTMLSelectElement) =>
      select.labels?.[0]?.textContent?.trim() || select.getAttribute('aria-label') || select.id;
    const out: { select: string; option: string; state: 'at rest' | 'highlighted'; ratio: number }[] = [];
    const had = document.activeElement as HTMLElement | null;
    // a disabled select does not open: no list to read
    for (const select of Array.from(document.querySelectorAll('select')).filter((s) => !s.disabled)) {
      const copy = select.cloneNode(true) as HTMLSelectElement;
      copy.removeAttribute('id');
      copy.size = Math.max(2, select.options.length);
      copy.setAttribute('aria-hidden', 'true');
      select.after(copy);
      copy.focus();
      Array.from(select.options).forEach((option, i) => {
        if (option.disabled) return;
        out.push({ select: nameOf(select), option: option.text, state: 'at rest', ratio: ratio(option, select) });
        const highlighted = copy.options[i];
        if (!highlighted) return;
        copy.selectedIndex = i;
        out.push({
          select: nameOf(select),
          option: option.text,
          state: 'highlighted',
          ratio: ratio(highlighted, copy),
        });
      });
      copy.remove();
    }
    had?.focus();
    return out;
  });
}
