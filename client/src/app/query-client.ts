import { MutationCache, QueryCache, QueryClient, matchQuery } from '@tanstack/react-query';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { isClientError, isSessionExpired } from '../lib/errors';
import type { AppRouter } from '../lib/trpc';
import type { createAppTRPCClient } from '../lib/trpc';

export function createAppQueryClient(trpcClient: ReturnType<typeof createAppTRPCClient>): QueryClient {
  // When any call finds the session gone, re-ask auth.me: its failure sends the user to the login page.
  const onError = (error: unknown) => {
    if (isSessionExpired(error)) void queryClient.invalidateQueries(trpc.auth.me.pathFilter());
  };
  const queryClient: QueryClient = new QueryClient({
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
