import { useCallback, useRef, type RefObject } from 'react';
import { useFocusAfterRender } from './focus';
import { isAppClientError } from './trpc';

/** Field errors the server sent back (flattened zod), by top-level field. */
export function serverFieldErrors(error: unknown): Record<string, string[]> {
  if (!isAppClientError(error)) return {};
  const zod: unknown = error.data?.zodError;
  if (typeof zod !== 'object' || zod === null || !('fieldErrors' in zod)) return {};
  const fields: unknown = zod.fieldErrors;
  if (typeof fields !== 'object' || fields === null) return {};
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(fields)) if (Array.isArray(v)) out[k] = v.filter((m) => typeof m === 'string');
  return out;
}

/**
 * The idempotency key of a mutation: the same payload sent again after a failure (a retry after a lost answer)
 * reuses its key; a changed payload, or any payload after a success (`done()`), gets a new one.
 */
export function useRequestId(): { idFor: (payload: unknown) => string; done: () => void } {
  const last = useRef<{ json: string; id: string } | null>(null);
  return {
    idFor: (payload) => {
      const json = JSON.stringify(payload);
      if (last.current?.json !== json) last.current = { json, id: crypto.randomUUID() };
      return last.current.id;
    },
    done: () => {
      last.current = null;
    },
  };
}

/** What a form marks invalid (each field with an error says so with aria-invalid). */
export const FIRST_INVALID = '[aria-invalid="true"]';

/**
 * The first field marked invalid takes the focus once the form shows its errors, whether the form's own check found
 * them (shown in the render that follows the submit) or the server refused the request (shown in a later render,
 * once the mutation's error reaches the component): `focusInvalid()` asks, `useFocusAfterRender` moves it.
 * `inner` names what takes the focus inside the invalid element (a date field's first segment), when there is one.
 */
export function useFocusFirstInvalid(
  formRef: RefObject<HTMLElement | null>,
  { selector = FIRST_INVALID, inner }: { selector?: string; inner?: string } = {},
): () => void {
  const focusAfterRender = useFocusAfterRender();
  return useCallback(
    () =>
      focusAfterRender(() => {
        const invalid = formRef.current?.querySelector<HTMLElement>(selector);
        return (inner ? invalid?.querySelector<HTMLElement>(inner) : null) ?? invalid;
      }),
    [focusAfterRender, formRef, selector, inner],
  );
}
