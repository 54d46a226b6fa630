import { useQuery } from '@tanstack/react-query';
import type { RecordedEvent } from '@valore/shared/flows/index';
import type { FlowEvent, StepId } from '@valore/shared/flows/types';
import type { FlowId, Outcome } from '@valore/shared/reference/outcomes';
import type { CompleteInteractionOutput, WORK_KINDS } from '@valore/shared/schemas/interactions';
import type { CatalogueProduct } from '@valore/shared/schemas/catalogue';
import type { OperatorStatus, SetStatusInput } from '@valore/shared/schemas/monitor';
import { createContext, use, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { ErrorMessageKey } from '../../../lib/errors';
import { useTRPC } from '../../../lib/trpc';
import { useOperatorStatus } from './use-operator-status';

export type WorkKind = (typeof WORK_KINDS)[number];

/** Where a contact came from: a queue item (campaign, callback, lead follow-up) or a pop from the switch. */
export interface ContactWork {
  kind: WorkKind;
  sourceId: string | null;
  presetProductCode: string | null;
}

export interface StartContactArgs {
  flow: FlowId;
  customerId: number | null;
  work: ContactWork | null;
  /** For display until the card loads (the queue item carries it). */
  customerName?: string | null;
  /** The script version the work item assigns; none: the console asks (scripts.assigned) */
  scriptVersion?: string | null;
}

/** The contact in progress. Persisted, so a reload resumes it by replaying its events. */
export interface ContactDraft {
  clientId: string;
  flow: FlowId;
  customerId: number | null;
  customerName: string | null;
  work: ContactWork | null;
  startedAt: string;
  events: RecordedEvent[];
  /** Bumped when events are taken back (a full slot): the script restarts from the remaining events. */
  revision: number;
  notes: string;
  endedAt: string | null;
  outcome: Outcome | null;
  /** Translation key (default namespace) of why the operator is back at a step, e.g. the slot filled up. */
  notice?: ErrorMessageKey | null;
  /**
   * With a callback time refused as full (`SLOT_FULL`): the next free half-hours the server offered instead (ISO),
   * shown with the notice and the first one proposed in the time picker; null otherwise.
   */
  freeTimes?: string[] | null;
  /** The script version played (and sent with the completion); absent until it is known */
  scriptVersion?: string | null;
}

export interface ContactResult {
  clientId: string;
  flow: FlowId;
  customerId: number | null;
  customerName: string | null;
  outcome: Outcome;
  /** Null when the interaction waits in the local queue. */
  effects: CompleteInteractionOutput['effects'] | null;
}

export const DRAFT_STORAGE_KEY = 'valore.currentContact';

function isDraft(value: unknown): value is ContactDraft {
  return (
    typeof value === 'object' &&
    value !== null &&
    'clientId' in value &&
    'flow' in value &&
    'events' in value &&
    Array.isArray(value.events)
  );
}

function loadDraft(): ContactDraft | null {
  try {
    const raw = window.localStorage.getItem(DRAFT_STORAGE_KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : null;
    return isDraft(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

function saveDraft(draft: ContactDraft | null) {
  try {
    if (draft) window.localStorage.setItem(DRAFT_STORAGE_KEY, JSON.stringify(draft));
    else window.localStorage.removeItem(DRAFT_STORAGE_KEY);
  } catch {
    // Without storage the contact still works; it just does not survive a reload.
  }
}

/** A contact just started: no event yet, a fresh client id (the completion's idempotency key). */
function newDraft(args: StartContactArgs): ContactDraft {
  return {
    clientId: crypto.randomUUID(),
    flow: args.flow,
    customerId: args.customerId,
    customerName: args.customerName ?? null,
    work: args.work,
    scriptVersion: args.scriptVersion ?? null,
    startedAt: new Date().toISOString(),
    events: [],
    revision: 0,
    notes: '',
    endedAt: null,
    outcome: null,
  };
}

export interface ConsoleStore {
  draft: ContactDraft | null;
  lastResult: ContactResult | null;
  status: OperatorStatus | null;
  products: readonly CatalogueProduct[];
  /** The one way a contact starts: manual search, a queue item, or a screen pop. False when one is already open. */
  startContact: (args: StartContactArgs) => boolean;
  setCustomer: (customerId: number, customerName: string) => void;
  record: (
    event: FlowEvent,
    change: { step: StepId | null; previousStep: StepId | null; outcome: Outcome | null },
  ) => void;
  setNotes: (notes: string) => void;
  /** Records the version the contact plays, once known (a contact without a work item asks the server). */
  setScriptVersion: (version: string) => void;
  /** Takes the last event back, with why (`notice`) and, for a full callback time, the free ones offered instead. */
  takeBackLastEvent: (notice?: ErrorMessageKey, freeTimes?: string[] | null) => void;
  cancelContact: () => void;
  finishContact: (result: ContactResult) => void;
  setStatus: (input: SetStatusInput) => void;
  resyncStatus: () => void;
  /** The step the script is on, reported by the script panel (for the status sent to the server). */
  reportStep: (step: StepId) => void;
}

const ConsoleContext = createContext<ConsoleStore | null>(null);

export function useConsole(): ConsoleStore {
  const store = use(ConsoleContext);
  if (!store) throw new Error('useConsole outside ConsoleProvider');
  return store;
}

export function ConsoleProvider({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const catalogue = useQuery(trpc.scripts.catalogue.queryOptions(undefined, { staleTime: 10 * 60_000 }));
  const { status, setStatus, resync } = useOperatorStatus();
  const [draft, setDraft] = useState<ContactDraft | null>(loadDraft);
  const [lastResult, setLastResult] = useState<ContactResult | null>(null);

  useEffect(() => saveDraft(draft), [draft]);

  // The server still thinks a contact is open that this browser no longer has (it was closed while the server
  // was unreachable, or in another session): the operator is free, so say so.
  const stale = !draft && (status?.state === 'on_contact' || status?.state === 'after_call_work');
  useEffect(() => {
    if (stale) setStatus({ state: 'ready' });
  }, [stale, setStatus]);

  const startContact = useCallback(
    (args: StartContactArgs) => {
      if (draft) return false;
      setLastResult(null);
      setDraft(newDraft(args));
      return true;
    },
    [draft],
  );

  const reportStep = useCallback(
    (step: StepId) => {
      if (!draft) return;
      setStatus({
        state: 'on_contact',
        flow: draft.flow,
        step,
        interactionClientId: draft.clientId,
        customerId: draft.customerId,
      });
    },
    [draft, setStatus],
  );

  const record = useCallback<ConsoleStore['record']>(
    (event, change) => {
      if (!draft) return;
      const at = new Date().toISOString();
      const recorded: RecordedEvent = { ...event, at };
      setDraft({
        ...draft,
        events: [...draft.events, recorded],
        endedAt: change.outcome ? at : null,
        outcome: change.outcome,
        notice: null,
        freeTimes: null,
      });
      // Step changes are reported by the script panel as it shows them (reportStep).
      if (change.outcome) setStatus({ state: 'after_call_work', interactionClientId: draft.clientId });
    },
    [draft, setStatus],
  );

  const value = useMemo<ConsoleStore>(
    () => ({
      draft,
      lastResult,
      status,
      products: catalogue.data ?? [],
      startContact,
      setCustomer: (customerId, customerName) =>
        setDraft((d) => (d && d.events.length === 0 ? { ...d, customerId, customerName } : d)),
      record,
      setNotes: (notes) => setDraft((d) => (d ? { ...d, notes } : d)),
      setScriptVersion: (scriptVersion) => setDraft((d) => (d && !d.scriptVersion ? { ...d, scriptVersion } : d)),
      takeBackLastEvent: (notice, freeTimes) =>
        setDraft((d) =>
          d
            ? {
                ...d,
                events: d.events.slice(0, -1),
                endedAt: null,
                outcome: null,
                revision: d.revision + 1,
                notice: notice ?? null,
                freeTimes: freeTimes ?? null,
              }
            : d,
        ),
      cancelContact: () => {
        if (!draft) return;
        setStatus({ state: 'after_call_work', interactionClientId: draft.clientId });
        setStatus({ state: 'ready' });
        setDraft(null);
      },
      finishContact: (result) => {
        setLastResult(result);
        setDraft(null);
        setStatus({ state: 'ready' });
      },
      setStatus,
      resyncStatus: resync,
      reportStep,
    }),
    [draft, lastResult, status, catalogue.data, startContact, record, setStatus, resync, reportStep],
  );

  return <ConsoleContext value={value}>{children}</ConsoleContext>;
}

/**
 * A contact played in a studio preview: the console's store kept in memory only. The choices move the script as on a
 * real contact, but nothing is sent (no status, no completion, no draft in storage), so a team lead can walk a draft
 * as an operator would without touching the centre's numbers.
 */
export function PreviewConsoleProvider({
  contact,
  children,
}: {
  contact: Pick<ContactDraft, 'flow' | 'customerId' | 'customerName' | 'scriptVersion'>;
  children: ReactNode;
}) {
  const trpc = useTRPC();
  const catalogue = useQuery(trpc.scripts.catalogue.queryOptions(undefined, { staleTime: 10 * 60_000 }));
  const [draft, setDraft] = useState<ContactDraft>(() => newDraft({ ...contact, work: null }));
  const value = useMemo<ConsoleStore>(() => {
    const nothing = () => undefined;
    return {
      draft,
      lastResult: null,
      status: null,
      products: catalogue.data ?? [],
      startContact: () => false,
      setCustomer: nothing,
      record: (event, change) => {
        const at = new Date().toISOString();
        setDraft((d) => ({
          ...d,
          events: [...d.events, { ...event, at }],
          endedAt: change.outcome ? at : null,
          outcome: change.outcome,
        }));
      },
      setNotes: (notes) => setDraft((d) => ({ ...d, notes })),
      setScriptVersion: nothing,
      takeBackLastEvent: nothing,
      cancelContact: nothing,
      finishContact: nothing,
      setStatus: nothing,
      resyncStatus: nothing,
      reportStep: nothing,
    };
  }, [draft, catalogue.data]);
  return <ConsoleContext value={value}>{children}</ConsoleContext>;
}
