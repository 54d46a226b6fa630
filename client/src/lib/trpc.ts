import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import type { AppRouter } from '@valore/server/trpc/root';

export type { AppRouter };

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/** The tRPC errors this client can receive, with the server's formatted `data` (domainCode, zodError). */
export type AppClientError = TRPCClientError<AppRouter>;

export function isAppClientError(error: unknown): error is AppClientError {
  return error instanceof TRPCClientError;
}

export function createAppTRPCClient(baseUrl: string = window.location.origin) {
  const url = new URL('/trpc', baseUrl).toString();
  return createTRPCClient<AppRouter>({
    // Mutations go out as application/json POSTs, which the server's CSRF guard requires; the session rides in its
    // httpOnly cookie on same-origin requests. Live updates are not tRPC: plain SSE streams (lib/use-live-stream.ts).
    links: [httpBatchLink({ url, maxURLLength: 2000 })],
  });
}
