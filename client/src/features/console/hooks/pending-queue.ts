import type { CompleteInteractionInput } from '@valore/shared/schemas/interactions';
import { useSyncExternalStore } from 'react';
import type { ErrorMessageKey } from '../../../lib/errors';

/** Completed interactions the server has not confirmed yet. Kept in localStorage so a reload loses nothing. */
export const PENDING_STORAGE_KEY = 'valore.pendingInteractions';

export interface PendingInteraction {
  input: CompleteInteractionInput;
  /** Shown in the pending list; the input itself carries only ids. */
  customerName: string | null;
  queuedAt: string;
  attempts: number;
  /** A 4xx answer: retrying would fail the same way. The operator reads why and discards it. */
  failed: boolean;
  /** Translation key (default namespace) of the last error. */
  errorKey: ErrorMessageKey | null;
}

const listeners = new Set<() => void>();
let cachedRaw: string | null = null;
let cached: PendingInteraction[] = [];

function isPending(value: unknown): value is PendingInteraction {
  return (
    typeof value === 'object' &&
    value !== null &&
    'input' in value &&
    typeof value.input === 'object' &&
    value.input !== null &&
    'clientId' in value.input &&
    typeof value.input.clientId === 'string'
  );
}

function readRaw(): string | null {
  try {
    return window.localStorage.getItem(PENDING_STORAGE_KEY);
  } catch {
    return null;
  }
}

export function pendingInteractions(): PendingInteraction[] {
  const raw = readRaw();
  if (raw === cachedRaw) return cached;
  cachedRaw = raw;
  try {
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    cached = Array.isArray(parsed) ? parsed.filter(isPending) : [];
  } catch {
    cached = [];
  }
  return cached;
}

function write(items: PendingInteraction[]): void {
  try {
    if (items.length === 0) window.localStorage.removeItem(PENDING_STORAGE_KEY);
    else window.localStorage.setItem(PENDING_STORAGE_KEY, JSON.stringify(items));
  } catch {
    // Storage full or disabled: keep the copy in memory so at least this page can still deliver it.
    cached = items;
    cachedRaw = JSON.stringify(items);
  }
  for (const listener of listeners) listener();
}

/** Adds (or replaces, by clientId) an interaction to deliver later. */
export function enqueuePending(
  input: CompleteInteractionInput,
  customerName: string | null,
  errorKey: ErrorMessageKey | null,
): void {
  const others = pendingInteractions().filter((p) => p.input.clientId !== input.clientId);
  write([...others, { input, customerName, queuedAt: new Date().toISOString(), attempts: 1, failed: false, errorKey }]);
}

export function updatePending(clientId: string, change: Partial<Omit<PendingInteraction, 'input'>>): void {
  write(pendingInteractions().map((p) => (p.input.clientId === clientId ? { ...p, ...change } : p)));
}

export function removePending(clientId: string): void {
  write(pendingInteractions().filter((p) => p.input.clientId !== clientId));
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // Another tab of the same operator may deliver or add items.
  const onStorage = (event: StorageEvent) => {
    if (event.key === PENDING_STORAGE_KEY) listener();
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

export function usePendingInteractions(): PendingInteraction[] {
  return useSyncExternalStore(subscribe, pendingInteractions, pendingInteractions);
}
