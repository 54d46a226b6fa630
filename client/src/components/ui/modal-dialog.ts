import { useEffect, useRef, type RefObject, type SyntheticEvent } from 'react';

/**
 * The one way the console opens a modal <dialog> (cancel an appointment, reassign a lead, break-glass): shown with
 * showModal on mount (the browser keeps focus inside and makes the page inert), the given element focused, and
 * Escape handled by React at once. Left to the browser, Escape hides the dialog first and fires its close event a task
 * later, so a key pressed in between on the restored button (Enter to open it again) was undone by that late close.
 * Spread `props` on the <dialog>; a button that closes it calls `onClose` (or `ref.current.close()`).
 */
export function useModalDialog(onClose: () => void, initialFocus?: RefObject<HTMLElement | null>) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog || dialog.open) return;
    // jsdom has no showModal; a plain open dialog keeps the component usable there
    if (typeof dialog.showModal === 'function') dialog.showModal();
    else dialog.setAttribute('open', '');
    initialFocus?.current?.focus();
    // a ref object keeps its identity: this runs once, on mount (the dialog lives exactly as long as the component)
  }, [initialFocus]);
  return {
    ref,
    props: {
      ref,
      onCancel: (event: SyntheticEvent<HTMLDialogElement>) => {
        event.preventDefault();
        onClose();
      },
      onClose,
    },
  };
}
