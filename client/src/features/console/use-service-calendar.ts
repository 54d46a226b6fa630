import { useQuery } from '@tanstack/react-query';
import { DEFAULT_SERVICE_CALENDAR, calendarFromSpec, type ServiceCalendar } from '@valore/shared/time/service-calendar';
import { useMemo } from 'react';
import { useTRPC } from '../../lib/trpc';

/**
 * The service calendar of the operator's site (work.serviceCalendar): the times the console offers for an agreed
 * callback or follow-up. Until it has loaded, the centre's default; the server checks the site's calendar anyway.
 */
export function useServiceCalendar(): ServiceCalendar {
  const trpc = useTRPC();
  const query = useQuery({ ...trpc.work.serviceCalendar.queryOptions(), staleTime: 5 * 60_000 });
  return useMemo(() => (query.data ? calendarFromSpec(query.data.calendar) : DEFAULT_SERVICE_CALENDAR), [query.data]);
}
