import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { QUEUE_KINDS, type QueueKind } from '@valore/shared/reference/enums';
import type { WorkItem } from '@valore/shared/schemas/work';
import { useCallback, useEffect, useEffectEvent, useRef, useState } from 'react';
import { errorMessageKey, type ErrorMessageKey } from '../../../lib/errors';
import { useTRPC } from '../../../lib/trpc';
import { useConsole, type ContactDraft, type StartContactArgs } from './console-store';
import { usePendingInteractions } from './pending-queue';

const QUEUE_SIZE_POLL_MS = 10_000;
/** The server's lease is longer than this; one missed beat does not lose the item. */
const HEARTBEAT_MS = 60_000;

export function isQueueKind(kind: string | undefined): kind is QueueKind {
  return kind !== undefined && (QUEUE_KINDS as readonly string[]).includes(kind);
}

/** The draft came from a queue item (campaign contact, callback request, lead follow-up) held under a lease. */
export function queuedWork(draft: ContactDraft | null): { kind: QueueKind; sourceId: string } | null {
  const work = draft?.work;
  if (!work || !isQueueKind(work.kind) || work.sourceId === null) return null;
  return { kind: work.kind, sourceId: work.sourceId };
}

/** The contact a work item opens (from work.next, a promise taken, an accepted offer). */
export function contactOf(item: WorkItem): StartContactArgs {
  return {
    flow: item.flow,
    customerId: item.customerId,
    customerName: item.customerName,
    work: { kind: item.kind, sourceId: item.sourceId, presetProductCode: item.presetProductCode },
    scriptVersion: item.scriptVersion,
  };
}

/**
 * The operator's queue: how many items wait, "next" (claims the most urgent under a lease and opens it in the
 * console with its script and product), the heartbeat that keeps the lease while the contact is open, the release,
 * and — after a reload — resuming the item the server says this operator still holds.
 */
export function useWorkQueue() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { draft, startContact, cancelContact } = useConsole();
  const pending = usePendingInteractions();
  const [empty, setEmpty] = useState(false);
  const [error, setError] = useState<ErrorMessageKey | null>(null);

  const size = useQuery(trpc.work.queueSize.queryOptions(undefined, { refetchInterval: QUEUE_SIZE_POLL_MS }));
  const current = useQuery(trpc.work.current.queryOptions(undefined, { staleTime: 30_000 }));

  const refresh = useCallback(() => void queryClient.invalidateQueries(trpc.work.pathFilter()), [queryClient, trpc]);

  const open = useCallback((item: WorkItem) => startContact(contactOf(item)), [startContact]);

  const next = useMutation(
    trpc.work.next.mutationOptions({
      onMutate: () => {
        setEmpty(false);
        setError(null);
      },
      onSuccess: (item) => {
        queryClient.setQueryData(trpc.work.current.queryKey(), item);
        void queryClient.invalidateQueries(trpc.work.queueSize.pathFilter());
        if (item) open(item);
        else setEmpty(true);
      },
      onError: (failure) => setError(errorMessageKey(failure)),
    }),
  );

  // one of the operator's own due promises, from "I miei impegni"
  const take = useMutation(
    trpc.work.take.mutationOptions({
      onMutate: () => setError(null),
      onSuccess: (item) => {
        queryClient.setQueryData(trpc.work.current.queryKey(), item);
        void queryClient.invalidateQueries(trpc.work.mine.pathFilter());
        open(item);
      },
      onError: (failure) => {
        setError(errorMessageKey(failure));
        void queryClient.invalidateQueries(trpc.work.mine.pathFilter());
      },
    }),
  );

  const release = useMutation(
    trpc.work.release.mutationOptions({
      onSuccess: () => {
        cancelContact();
        refresh();
      },
      onError: (failure) => setError(errorMessageKey(failure)),
    }),
  );

  // After a reload the server still holds the item for this operator: open it again (once, on first load), unless
  // this browser already has the contact, or has completed it and is waiting to deliver it.
  const resumeChecked = useRef(false);
  const onCurrentLoaded = useEffectEvent((item: WorkItem | null) => {
    if (!item || draft) return;
    if (pending.some((p) => p.input.work?.kind === item.kind && p.input.work.sourceId === item.sourceId)) return;
    open(item);
  });
  useEffect(() => {
    if (resumeChecked.current || !current.isSuccess) return;
    resumeChecked.current = true;
    onCurrentLoaded(current.data);
  }, [current.isSuccess, current.data]);

  // Keep the lease while the queued contact is open (after-call work included: completing needs the lease).
  const held = queuedWork(draft);
  const heldKey = held ? `${held.kind}:${held.sourceId}` : null;
  const heartbeat = useMutation(trpc.work.heartbeat.mutationOptions());
  const beat = useEffectEvent(() => heartbeat.mutate({}));
  useEffect(() => {
    if (!heldKey) return;
    const timer = window.setInterval(beat, HEARTBEAT_MS);
    return () => window.clearInterval(timer);
  }, [heldKey]);

  // A queued contact ended (logged, or queued locally): the queue changed.
  const previousKey = useRef(heldKey);
  useEffect(() => {
    if (previousKey.current && previousKey.current !== heldKey) refresh();
    previousKey.current = heldKey;
  }, [heldKey, refresh]);

  const item = heldKey && current.data?.id === heldKey ? current.data : null;

  return {
    size: size.data ?? null,
    /** The held item's details (campaign, due-by, attempts) when the open contact came from the queue. */
    item,
    heldKey,
    empty,
    error,
    next: () => {
      if (draft || next.isPending) return;
      next.mutate({});
    },
    nextPending: next.isPending,
    release: (reason: string) => {
      if (!heldKey) return;
      release.mutate({ id: heldKey, reason });
    },
    releasePending: release.isPending,
    take: (id: string) => {
      if (draft || take.isPending) return;
      take.mutate({ id });
    },
    takePending: take.isPending,
  };
}
