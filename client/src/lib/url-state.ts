import { useNavigate, useSearch } from '@tanstack/react-router';
import { useCallback, useMemo } from 'react';

/** A page's search params as the address bar has them: plain strings (app/router.tsx keeps them so). */
export type SearchParams = Readonly<Record<string, string | undefined>>;

/**
 * A page's state (filters, tab, drill-down) kept in the address, so a view can be bookmarked, shared and restored
 * with Back. `parse` validates what the address says (an unknown or bad value is dropped, never thrown) and
 * `serialize` writes only what differs from the defaults. A change replaces the history entry (a row of Back presses
 * through every select would be a nuisance); `push` adds one, for steps Back should undo (paging, a drill-down).
 * Both functions must be stable (module-level).
 */
export function useSearchState<T>(
  parse: (search: SearchParams) => T,
  serialize: (value: T) => Record<string, string>,
): [T, (next: T, opts?: { push?: boolean }) => void] {
  const search: SearchParams = useSearch({ strict: false });
  const navigate = useNavigate();
  const value = useMemo(() => parse(search), [parse, search]);
  const setValue = useCallback(
    (next: T, opts: { push?: boolean } = {}) =>
      void navigate({ to: '.', search: serialize(next), replace: !opts.push, resetScroll: false }),
    [navigate, serialize],
  );
  return [value, setValue];
}
