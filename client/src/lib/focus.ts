import { useCallback, useEffect, useRef, useState } from 'react';

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

type FocusRequest = { find: () => HTMLElement | null | undefined; then?: (target: HTMLElement) => void };

/**
 * Focus that moves once what should take it is on screen: `focusAfterRender(find)` asks, and after each render of the
 * component that follows, `find()` is tried until it returns an element, which takes the focus (then `then(target)`
 * runs: a caret put back in place). What takes the focus often appears only in a later render — a form's fields marked
 * invalid when the server's refusal reaches the component, the "New" button when a form closes after its mutation
 * succeeded. Asking for it in a frame (`requestAnimationFrame`) raced that render: when the frame came first there was
 * nothing to focus, and the focus stayed on the submit button or fell to <body>.
 */
export function useFocusAfterRender(): (find: FocusRequest['find'], then?: FocusRequest['then']) => void {
  const pending = useRef<FocusRequest | null>(null);
  // a change of state, so that at least one render follows the request (the target may be on screen already)
  const [, setAsked] = useState(0);
  useEffect(() => {
    const request = pending.current;
    if (!request) return;
    const target = request.find();
    if (!target) return;
    pending.current = null;
    target.focus();
    request.then?.(target);
  });
  return useCallback((find, then) => {
    pending.current = { find, then };
    setAsked((n) => n + 1);
  }, []);
}
