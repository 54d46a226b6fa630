import type { CompleteInteractionInput } from '@valore/shared/schemas/interactions';
import { useCallback, useEffect } from 'react';
import { errorHttpStatus, errorMessageKey } from '../../../lib/errors';
import { useTRPCClient } from '../../../lib/trpc';
import { pendingInteractions, removePending, updatePending, usePendingInteractions } from './pending-queue';

export const PENDING_RETRY_MS = 5_000;

/**
 * Whether a failed delivery is worth retrying: no answer at all (server down, network gone), a 5xx,
 * a rate limit, or a session that ran out (the operator signs in again and it goes through).
 * Any other 4xx would fail the same way again.
 */
export function isRetryable(error: unknown): boolean {
  const status = errorHttpStatus(error);
  return status === null || status >= 500 || status === 401 || status === 408 || status === 429;
}

let delivering: Promise<number> | null = null;

/** Sends the queued interactions in order, each with its own clientId, so a repeat is harmless. */
export function deliverPending(send: (input: CompleteInteractionInput) => Promise<unknown>): Promise<number> {
  delivering ??= (async () => {
    let delivered = 0;
    try {
      for (const item of pendingInteractions().filter((p) => !p.failed)) {
        try {
          await send(item.input);
          removePending(item.input.clientId);
          delivered++;
        } catch (error) {
          const errorKey = errorMessageKey(error);
          if (isRetryable(error)) {
            updatePending(item.input.clientId, { attempts: item.attempts + 1, errorKey });
            break; // still unreachable: the rest would fail too
          }
          updatePending(item.input.clientId, { attempts: item.attempts + 1, errorKey, failed: true });
        }
      }
    } finally {
      delivering = null;
    }
    return delivered;
  })();
  return delivering;
}

/** Delivers the local queue at page load, every few seconds while something waits, and when the browser is back online. */
export function usePendingDelivery(onDelivered: () => void) {
  const client = useTRPCClient();
  const waiting = usePendingInteractions().some((p) => !p.failed);
  const run = useCallback(async () => {
    const delivered = await deliverPending((input) => client.interactions.complete.mutate(input));
    if (delivered > 0) onDelivered();
  }, [client, onDelivered]);

  useEffect(() => {
    if (!waiting) return;
    void run();
    const timer = window.setInterval(() => void run(), PENDING_RETRY_MS);
    const online = () => void run();
    window.addEventListener('online', online);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener('online', online);
    };
  }, [waiting, run]);

  return run;
}
