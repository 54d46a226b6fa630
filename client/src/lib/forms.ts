import { useRef } from 'react';
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
