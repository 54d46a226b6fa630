import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { OperatorStatus, SetStatusInput } from '@valore/shared/schemas/monitor';
import { useCallback, useMemo, useRef } from 'react';
import { errorHttpStatus } from '../../../lib/errors';
import { useTRPC, useTRPCClient } from '../../../lib/trpc';

/**
 * The operator's state, kept on the server. Changes are fire-and-forget: they are applied on screen at once,
 * sent in order, and never block the operator; when the server cannot be reached, the latest wanted state is
 * sent again by `resync` once it can.
 */
export function useOperatorStatus() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const statusKey = useMemo(() => trpc.monitor.myStatus.queryKey(), [trpc]);
  const status = useQuery(trpc.monitor.myStatus.queryOptions(undefined, { retry: false, staleTime: 60_000 }));
  const chain = useRef<Promise<void>>(Promise.resolve());
  const wanted = useRef<SetStatusInput | null>(null);
  const unsent = useRef(false);

  const apply = useCallback(
    (row: OperatorStatus) => queryClient.setQueryData(statusKey, row),
    [queryClient, statusKey],
  );

  const push = useCallback(
    async (input: SetStatusInput) => {
      try {
        apply(await client.monitor.setStatus.mutate(input));
      } catch (error) {
        if (errorHttpStatus(error) !== 409) throw error;
        // The server missed earlier changes (it was unreachable): close its open contact, then try again.
        const current = await client.monitor.myStatus.query();
        if (current.state === 'on_contact' && input.state !== 'after_call_work' && input.state !== 'on_contact') {
          await client.monitor.setStatus.mutate({
            state: 'after_call_work',
            interactionClientId: current.interactionClientId ?? crypto.randomUUID(),
          });
          apply(await client.monitor.setStatus.mutate(input));
        } else if (current.state === 'paused' && input.state === 'on_contact') {
          await client.monitor.setStatus.mutate({ state: 'ready' });
          apply(await client.monitor.setStatus.mutate(input));
        } else {
          apply(current);
        }
      }
    },
    [apply, client],
  );

  const setStatus = useCallback(
    (input: SetStatusInput) => {
      wanted.current = input;
      queryClient.setQueryData(statusKey, (old: OperatorStatus | undefined) =>
        old
          ? {
              ...old,
              state: input.state,
              reason: input.state === 'paused' ? input.reason : null,
              since: old.state === input.state ? old.since : new Date().toISOString(),
            }
          : old,
      );
      chain.current = chain.current
        .then(() => push(input))
        .then(
          () => {
            if (wanted.current === input) unsent.current = false;
          },
          () => {
            unsent.current = true;
          },
        );
    },
    [push, queryClient, statusKey],
  );

  /** Sends the latest wanted state again if the last attempt did not reach the server. */
  const resync = useCallback(() => {
    if (unsent.current && wanted.current) setStatus(wanted.current);
  }, [setStatus]);

  return { status: status.data ?? null, setStatus, resync };
}
