import { useCallback, useEffect, useMemo, useState } from 'react';
import { navigate, usePath } from '../../../lib/router';
import { filtersToSearch, parseFilters, type PipelineFilterState } from '../pipeline-filters';

/**
 * The pipeline filters, read from and written to the address bar. A filter change replaces the history entry (a
 * row of Back presses through every select would be a nuisance); paging pushes one, so Back returns to the page
 * before. Back and Forward (popstate) bring the filters of that entry back.
 */
export function useUrlFilters(): [PipelineFilterState, (next: PipelineFilterState, opts?: { push?: boolean }) => void] {
  const path = usePath();
  const [search, setSearch] = useState(() => window.location.search);
  useEffect(() => {
    const onPop = () => setSearch(window.location.search);
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const filters = useMemo(() => parseFilters(search), [search]);
  const setFilters = useCallback(
    (next: PipelineFilterState, opts: { push?: boolean } = {}) => {
      const nextSearch = filtersToSearch(next);
      setSearch(nextSearch);
      navigate(`${path}${nextSearch}`, { replace: !opts.push });
    },
    [path],
  );
  return [filters, setFilters];
}
