import {
  MutationCache,
  QueryCache,
  QueryClient,
  matchQuery,
  type InvalidateOptions,
  type InvalidateQueryFilters,
  type QueryKey,
} from '@tanstack/react-query';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { isClientError, isSessionExpired } from '../lib/errors';
import type { AppRouter } from '../lib/trpc';
import type { createAppTRPCClient } from '../lib/trpc';

/**
 * A QueryClient whose invalidation always ends in a read that began after it. TanStack Query joins a refetch to a
 * fetch already in flight when the query has no data yet (its first load), so an invalidation arriving then — a live
 * event, a mutation's success — was lost, and the first load's answer, read before the change, stayed on screen (the
 * coaching banner missed a message delivered while its first read was in flight: issue 15's review). Here such first
 * loads are cancelled before invalidating, and the refetch that follows reads the changed state. One owner for every
 * invalidation of the app (mutations' successes, live streams, session expiry).
 */
export class AppQueryClient extends QueryClient {
  override async invalidateQueries<TTaggedQueryKey extends QueryKey = QueryKey>(
    filters?: InvalidateQueryFilters<TTaggedQueryKey>,
    options?: InvalidateOptions,
  ): Promise<void> {
    const chosen = filters?.predicate;
    await this.cancelQueries({
      ...filters,
      predicate: (query) =>
        query.state.data === undefined && query.state.fetchStatus === 'fetching' && (chosen ? chosen(query) : true),
    });
    return super.invalidateQueries(filters, options);
  }
}

export function createAppQueryClient(trpcClient: ReturnType<typeof createAppTRPCClient>): QueryClient {
  // When any call finds the session gone, re-ask auth.me: its failure sends the user to the login page.
  const onError = (error: unknown) => {
    if (isSessionExpired(error)) void queryClient.invalidateQueries(trpc.auth.me.pathFilter());
  };
  const queryClient: QueryClient = new AppQueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => {
        if (!matchQuery(trpc.auth.me.pathFilter(), query)) onError(error);
      },
    }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        // A 4xx will fail the same way again; network blips and 5xx get two more tries.
        retry: (failureCount, error) => !isClientError(error) && failureCount < 2,
      },
      mutations: { retry: false },
    },
  });
  const trpc = createTRPCOptionsProxy<AppRouter>({ client: trpcClient, queryClient });
  return queryClient;
}
