import { randomUUID } from 'node:crypto';
import { FLOW_VERSIONS } from '@valore/shared/flows/index';
import type { RecordedFlowEvent } from '@valore/shared/schemas/flow-events';
import type { CompleteInteractionInput } from '@valore/shared/schemas/interactions';
import { agreedTime } from './agreed-time';

/** A script event as a test writes it: its time is filled in by `completion`. */
export type EventWithoutTime = RecordedFlowEvent extends infer E
  ? E extends RecordedFlowEvent
    ? Omit<E, 'at'>
    : never
  : never;

export interface CompletionTiming {
  /** When the contact started (ms since the epoch); default five minutes before now. */
  startMs?: number;
  /** Between two recorded events; default 10 s. */
  stepMs?: number;
  /** From start to end; default four minutes. */
  handleMs?: number;
  acwMs?: number;
  notes?: string;
}

/**
 * The input of interactions.complete for a contact of `flow` through `events` (in order, `stepMs` apart), with a
 * fresh client id: for tests and benchmarks (the same shape the console sends).
 */
export function completion(
  flow: CompleteInteractionInput['flow'],
  customerId: number | null,
  outcome: CompleteInteractionInput['outcome'],
  events: readonly EventWithoutTime[],
  timing: CompletionTiming = {},
): CompleteInteractionInput {
  const start = timing.startMs ?? Date.now() - 300_000;
  const step = timing.stepMs ?? 10_000;
  return {
    clientId: randomUUID(),
    flow,
    scriptId: flow,
    scriptVersion: FLOW_VERSIONS[flow],
    customerId,
    work: null,
    startedAt: new Date(start).toISOString(),
    endedAt: new Date(start + (timing.handleMs ?? 240_000)).toISOString(),
    acwMs: timing.acwMs ?? 15_000,
    events: events.map((e, i) => ({ ...e, at: new Date(start + i * step).toISOString() })),
    outcome,
    ...(timing.notes === undefined ? {} : { notes: timing.notes }),
  };
}

/**
 * An inbound sales call that ends without value: the customer is identified, wants a SIM and declines the proposal
 * (`not_interested`).
 */
export function declinedSale(customerId: number, timing: CompletionTiming = {}): CompleteInteractionInput {
  return completion(
    'inbound_sales',
    customerId,
    'not_interested',
    [
      { type: 'customer.identified', customerId },
      { type: 'needs.identified', productCode: 'SIM' },
      { type: 'proposal.declined' },
    ],
    timing,
  );
}

export interface Slot {
  slotId: number;
  postOfficeId: number;
}

/**
 * An inbound sales call that closes: the customer is identified, wants a product and accepts; it ends in a lead
 * (FIBRA, follow-up tomorrow) or, given a slot, in a post-office appointment (CONTO).
 */
export function inboundSale(
  customerId: number,
  close: 'lead' | Slot = 'lead',
  timing: CompletionTiming = {},
): CompleteInteractionInput {
  const appointment = close !== 'lead';
  return completion(
    'inbound_sales',
    customerId,
    appointment ? 'up_appointment' : 'lead',
    [
      { type: 'customer.identified', customerId },
      { type: 'needs.identified', productCode: appointment ? 'CONTO' : 'FIBRA' },
      { type: 'proposal.accepted' },
      appointment
        ? { type: 'outcome.appointment', postOfficeId: close.postOfficeId, slotId: close.slotId }
        : { type: 'outcome.lead', followUpAt: agreedTime(1) },
    ],
    timing,
  );
}
