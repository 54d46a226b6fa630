import fs from 'node:fs';
import path from 'node:path';
import type { CDPSession, Page, Request } from 'playwright-core';
import { words } from './a11y-controls';
import { SCREENSHOT_DIR } from './browser';
import type { Keys } from './console';

/**
 * What a screen reader would say as a keyboard user moves through the app, read from Chromium's own accessibility tree
 * (the tree a screen reader gets, over the DevTools protocol): the focused element's role, name, description and
 * states, and the text of the live regions (role status/alert/log, aria-live) that changed since the last move.
 */

/** The focused element as the accessibility tree exposes it, with what the page shows of it. */
export interface Focused {
  /** nothing focused but the document (focus lost to <body>) */
  body: boolean;
  tag: string;
  role: string;
  name: string;
  description: string;
  /** the value read with it (a text field's text, a select's option) */
  value: string;
  /** checked, expanded, level=3, disabled, required, invalid, busy, keys=… */
  states: string[];
  /** the element is left out of the accessibility tree (aria-hidden, inert, display none…) */
  ignored: boolean;
  /** the words shown on the control (or its <label>), leaving out what is aria-hidden or visually hidden */
  visibleLabel: string;
}

export interface LiveChange {
  /** polite or assertive */
  politeness: string;
  role: string;
  text: string;
}

export interface WalkEntry {
  n: number;
  move: string;
  focus: Focused;
  live: LiveChange[];
}

/** Roles a user operates (as opposed to headings and regions, which focus only lands on to be read). */
export const CONTROL_ROLES = new Set([
  'button',
  'link',
  'textbox',
  'searchbox',
  'combobox',
  'listbox',
  'option',
  'radio',
  'checkbox',
  'switch',
  'tab',
  'menuitem',
  'spinbutton',
  'slider',
]);

// ---------- In the page ----------

/** Keeps, in the page, which live regions changed (a MutationObserver) and when the DOM last moved. */
function liveRegionLog() {
  type Log = { lastMutation: number; dirty: Set<Element>; said: WeakMap<Element, string> };
  const w = window as unknown as { __srWalk?: Log };
  if (w.__srWalk) return;
  const SELECTOR = '[role=status], [role=alert], [role=log], [aria-live]:not([aria-live=off])';
  const log: Log = { lastMutation: performance.now(), dirty: new Set(), said: new WeakMap() };
  w.__srWalk = log;
  const start = () =>
    new MutationObserver((records) => {
      log.lastMutation = performance.now();
      for (const record of records) {
        if (record.type === 'attributes') continue;
        const target = record.target instanceof Element ? record.target : record.target.parentElement;
        const region = target?.closest(SELECTOR);
        if (region) log.dirty.add(region);
        for (const node of Array.from(record.addedNodes)) {
          if (!(node instanceof Element)) continue;
          if (node.matches(SELECTOR)) log.dirty.add(node);
          node.querySelectorAll(SELECTOR).forEach((el) => log.dirty.add(el));
        }
      }
    }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  if (document.documentElement) start();
  else document.addEventListener('DOMContentLoaded', start, { once: true });
}

/**
 * The live regions whose text changed since the last call, with the text a screen reader reads (aria-hidden parts
 * left out, visually hidden parts kept).
 */
function takeLiveChanges(): LiveChange[] {
  type Log = { dirty: Set<Element>; said: WeakMap<Element, string> };
  const log = (window as unknown as { __srWalk?: Log }).__srWalk;
  if (!log) return [];
  const spoken = (node: Node): string => {
    if (node.nodeType === Node.TEXT_NODE) return node.textContent ?? '';
    if (!(node instanceof Element) || node.getAttribute('aria-hidden') === 'true') return '';
    const style = getComputedStyle(node);
    if (style.display === 'none' || style.visibility === 'hidden') return '';
    const inner = Array.from(node.childNodes).map(spoken).join('');
    return style.display === 'inline' ? inner : ` ${inner} `;
  };
  const changes: LiveChange[] = [];
  for (const region of log.dirty) {
    if (!region.isConnected || region.closest('[aria-hidden=true], [inert]')) continue;
    const text = spoken(region).replace(/\s+/g, ' ').trim();
    const role = region.getAttribute('role') ?? 'live region';
    const politeness = region.getAttribute('aria-live') ?? (role === 'alert' ? 'assertive' : 'polite');
    if (text && text !== log.said.get(region)) changes.push({ politeness, role, text });
    log.said.set(region, text);
  }
  log.dirty.clear();
  return changes;
}

/** What the page shows of the focused element: its tag, and the words on it or on its label. */
function describeActiveElement(): { body: boolean; tag: string; visibleLabel: string; stamp: string } {
  const shown = (node: Node): string => {
    if (node.nodeType === Node.TEXT_NODE) return node.textContent ?? '';
    if (!(node instanceof Element) || node.getAttribute('aria-hidden') === 'true') return '';
    if (node instanceof HTMLInputElement || node instanceof HTMLSelectElement || node instanceof HTMLTextAreaElement)
      return '';
    const style = getComputedStyle(node);
    const box = node.getBoundingClientRect();
    const visuallyHidden = style.position === 'absolute' && box.width <= 1 && box.height <= 1;
    if (style.display === 'none' || style.visibility === 'hidden' || visuallyHidden) return '';
    const inner = Array.from(node.childNodes).map(shown).join('');
    return style.display === 'inline' ? inner : ` ${inner} `;
  };
  const el = document.activeElement;
  if (!el || el === document.body) return { body: true, tag: 'body', visibleLabel: '', stamp: 'body' };
  const labelled =
    el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement
      ? Array.from(el.labels ?? [])
      : [el];
  const visibleLabel = labelled.map(shown).join(' ').replace(/\s+/g, ' ').trim();
  const stamp = `${el.tagName}#${el.id}|${el.outerHTML.length}|${(el as HTMLElement).innerText?.slice(0, 80)}`;
  return { body: false, tag: el.tagName.toLowerCase(), visibleLabel, stamp };
}

// ---------- The accessibility tree (DevTools protocol) ----------

type AXValue = { value?: unknown } | undefined;
const text = (v: AXValue) =>
  typeof v?.value === 'string' ? v.value : v?.value === undefined || v.value === null ? '' : JSON.stringify(v.value);

const STATES: Record<string, (value: string) => string | null> = {
  level: (v) => `level=${v}`,
  checked: (v) => (v === 'true' ? 'checked' : v === 'mixed' ? 'mixed' : null),
  pressed: (v) => (v === 'true' ? 'pressed' : null),
  expanded: (v) => (v === 'true' ? 'expanded' : 'collapsed'),
  selected: (v) => (v === 'true' ? 'selected' : null),
  disabled: (v) => (v === 'true' ? 'disabled' : null),
  required: (v) => (v === 'true' ? 'required' : null),
  invalid: (v) => (v && v !== 'false' ? 'invalid' : null),
  busy: (v) => (v === 'true' ? 'busy' : null),
  keyshortcuts: (v) => `keys=${v}`,
};

async function focusedAX(
  cdp: CDPSession,
): Promise<Pick<Focused, 'role' | 'name' | 'description' | 'value' | 'states' | 'ignored'>> {
  const none = { role: '', name: '', description: '', value: '', states: [], ignored: true };
  const { result } = await cdp.send('Runtime.evaluate', { expression: 'document.activeElement', objectGroup: 'sr' });
  try {
    if (!result.objectId) return none;
    const { nodes } = await cdp.send('Accessibility.getPartialAXTree', {
      objectId: result.objectId,
      fetchRelatives: false,
    });
    const node = nodes[0];
    if (!node) return none;
    const states = (node.properties ?? [])
      .map((p) => STATES[p.name]?.(text(p.value)) ?? null)
      .filter((s): s is string => s !== null);
    return {
      role: text(node.role),
      name: text(node.name).trim(),
      description: text(node.description).trim(),
      value: text(node.value).trim(),
      states,
      ignored: node.ignored,
    };
  } finally {
    await cdp.send('Runtime.releaseObjectGroup', { objectGroup: 'sr' });
  }
}

// ---------- The walk ----------

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One line of the transcript for the focus: `heading "Bisogno" [level=3] — "the line to say"`, like aria snapshots. */
export function spokenFocus(focus: Focused): string {
  if (focus.body) return '(nothing focused: the focus is on the page itself)';
  const states = focus.states.map((s) => ` [${s}]`).join('');
  const value = focus.value && focus.value !== focus.name ? `: "${focus.value}"` : '';
  const description = focus.description ? ` — "${focus.description}"` : '';
  const hidden = focus.ignored ? ' (HIDDEN from the accessibility tree)' : '';
  return `${focus.role || focus.tag} "${focus.name}"${states}${value}${description}${hidden}`;
}

/**
 * A keyboard that notes, after each key, what a screen reader would say: pass it to the helpers that take `Keys`
 * (signInByKeyboard, findAndStart) or press keys on it directly. After each move it waits for the page to settle (no
 * request in flight but event streams, the DOM still for 300 ms, the focus where it was) before reading the focus.
 */
export class ScreenReaderWalk implements Keys {
  readonly entries: WalkEntry[] = [];
  /** lines of the transcript that are no move: what was checked, after entry `after` */
  private readonly notes: { after: number; text: string }[] = [];
  private readonly inflight = new Set<Request>();
  private readonly track = (request: Request) => {
    if (request.resourceType() !== 'eventsource') this.inflight.add(request);
  };
  private readonly done = (request: Request) => this.inflight.delete(request);

  private constructor(
    readonly page: Page,
    private readonly cdp: CDPSession,
  ) {
    page.on('request', this.track);
    page.on('requestfinished', this.done);
    page.on('requestfailed', this.done);
  }

  /** Stops following the page (its requests, the DevTools session); the entries stay. */
  async stop(): Promise<void> {
    this.page.off('request', this.track);
    this.page.off('requestfinished', this.done);
    this.page.off('requestfailed', this.done);
    await this.cdp.detach().catch(() => undefined);
  }

  /** A line in the transcript that is not a move (what was checked on the page as it stands). */
  note(text: string): void {
    this.notes.push({ after: this.entries.length, text });
  }

  static async start(page: Page): Promise<ScreenReaderWalk> {
    await page.addInitScript(liveRegionLog);
    await page.evaluate(liveRegionLog);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Accessibility.enable');
    return new ScreenReaderWalk(page, cdp);
  }

  async press(key: string): Promise<void> {
    await this.page.keyboard.press(key);
    await this.look(key);
  }

  async type(typed: string): Promise<void> {
    const secret = await this.page.evaluate(
      () => (document.activeElement as HTMLInputElement | null)?.type === 'password',
    );
    await this.page.keyboard.type(typed);
    await this.look(`type "${secret ? '•'.repeat(typed.length) : typed}"`);
  }

  /** Notes what is said now, after `move` (a key, or something the page did on its own, e.g. a page that loaded). */
  async look(move: string): Promise<WalkEntry> {
    await this.settle();
    const shown = await this.page.evaluate(describeActiveElement);
    const focus: Focused = { ...shown, ...(await focusedAX(this.cdp)) };
    const entry: WalkEntry = {
      n: this.entries.length + 1,
      move,
      focus,
      live: await this.page.evaluate(takeLiveChanges),
    };
    this.entries.push(entry);
    return entry;
  }

  /** The last entry: what was said after the last move. */
  get last(): WalkEntry {
    const entry = this.entries.at(-1);
    if (!entry) throw new Error('nothing noted yet');
    return entry;
  }

  private async settle(timeoutMs = 8_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let previous = '';
    for (;;) {
      await sleep(100);
      const now = await this.page.evaluate(() => {
        const log = (window as unknown as { __srWalk?: { lastMutation: number } }).__srWalk;
        const el = document.activeElement;
        return {
          still: performance.now() - (log?.lastMutation ?? 0),
          focus: el ? `${el.tagName}#${el.id}.${el.className}|${el.textContent?.slice(0, 60)}` : '',
        };
      });
      const quiet = this.inflight.size === 0 && now.still >= 300 && now.focus === previous;
      if (quiet || Date.now() > deadline) return;
      previous = now.focus;
    }
  }

  /** The transcript: each move, what the focus says, then what the live regions said. */
  transcript(): string[] {
    const lines: string[] = [];
    const notesAfter = (n: number) =>
      this.notes.filter((note) => note.after === n).forEach((note) => lines.push(`    ·  ${note.text}`));
    notesAfter(0);
    for (const entry of this.entries) {
      lines.push(`${String(entry.n).padStart(2, '0')}  ${entry.move}`);
      lines.push(`    focus  ${spokenFocus(entry.focus)}`);
      for (const live of entry.live) lines.push(`    ${live.role} (${live.politeness})  "${live.text}"`);
      notesAfter(entry.n);
    }
    return lines;
  }

  /** Writes the transcript next to the screenshots: screenshots/<name>.txt. */
  write(name: string, heading: string): string {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const file = path.join(SCREENSHOT_DIR, `${name}.txt`);
    fs.writeFileSync(file, [heading, '', ...this.transcript(), ''].join('\n'));
    return file;
  }

  /**
   * What a screen-reader user would stumble on in the moves so far: focus lost to the page, focus on something the
   * accessibility tree leaves out, a control without a name, or one whose name does not start with the words on it
   * (label in name: speech users say what they see).
   */
  problems(): string[] {
    const out: string[] = [];
    for (const { n, move, focus } of this.entries) {
      const at = `#${n} (${move}): ${spokenFocus(focus)}`;
      if (focus.body) out.push(`${at}: the focus is lost`);
      else if (focus.ignored) out.push(`${at}: focus on an element hidden from the accessibility tree`);
      else if (CONTROL_ROLES.has(focus.role)) {
        if (!focus.name) out.push(`${at}: a control without a name`);
        else if (!words(focus.name).startsWith(words(focus.visibleLabel)))
          out.push(`${at}: the name does not start with the words shown, "${focus.visibleLabel}"`);
      }
    }
    return out;
  }
}
