/**
 * Focus that follows the work without taking the keyboard from someone typing.
 *
 * Screens move focus to what comes next (the script's prompt on a new step, a form's first field); when that happens
 * while the user is typing in a text field elsewhere (the customer history search, a note), the rest of what they type
 * would land on the new target, or on nothing. The rule, in one place: focus moves unless an editable field outside
 * `within` (the area the move belongs to) has it.
 */
export function isTyping(element: Element | null): boolean {
  if (!element) return false;
  if (element instanceof HTMLTextAreaElement) return !element.readOnly && !element.disabled;
  if (element instanceof HTMLInputElement) {
    const textual = ['text', 'search', 'email', 'tel', 'url', 'password', 'number', ''].includes(element.type);
    return textual && !element.readOnly && !element.disabled;
  }
  return element instanceof HTMLElement && element.isContentEditable === true;
}

/** Focuses `target` unless the user is typing in a field outside `within` (default: the target itself). */
export function focusUnlessTyping(target: HTMLElement | null, within: Element | null = target): boolean {
  if (!target) return false;
  const active = document.activeElement;
  if (isTyping(active) && !(within && active && within.contains(active))) return false;
  target.focus();
  return true;
}

let pageFocusRequested = false;

/**
 * The next page shown takes the focus (its main region, named after the page): the control that had it is gone with
 * the screen that is leaving (after signing in, the login form), and focus left on <body> gives a screen reader
 * nothing to say and Tab nowhere to start from.
 */
export function focusNextPage(): void {
  pageFocusRequested = true;
}

/** Whether a page should take the focus as it appears (asked by focusNextPage); asks only once. */
export function takePageFocusRequest(): boolean {
  const requested = pageFocusRequested;
  pageFocusRequested = false;
  return requested;
}
