import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../lib/trpc';

/** The signed-in user, from the server's session cookie. An error means nobody is signed in (or the server is down). */
export function useSession() {
  const trpc = useTRPC();
  return useQuery(trpc.auth.me.queryOptions(undefined, { retry: false, staleTime: 5 * 60_000 }));
}

/** Signs out, then forgets every cached answer so the next user starts clean. */
export function useSignOut(onSignedOut: () => void) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.auth.logout.mutationOptions({
      // Even when the server says the session was already gone, the user wants out.
      onSettled: async () => {
        onSignedOut();
        await queryClient.resetQueries();
      },
    }),
  );
}
