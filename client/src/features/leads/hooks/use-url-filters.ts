import { useSearchState } from '../../../lib/url-state';
import { filtersToParams, parseFilters, type PipelineFilterState } from '../pipeline-filters';

/**
 * The pipeline filters, read from and written to the address bar. A filter change replaces the history entry;
 * paging pushes one, so Back returns to the page before. Back and Forward bring the filters of that entry back.
 */
export function useUrlFilters(): [PipelineFilterState, (next: PipelineFilterState, opts?: { push?: boolean }) => void] {
  return useSearchState(parseFilters, filtersToParams);
}
