import type { FlowId, ValueOutcome } from '../reference/outcomes';
import { PRODUCT_CATALOGUE } from '../reference/products';
import {
  FLOW_MACHINES,
  FLOW_VERSIONS,
  playEvents,
  replayFlow,
  type FlowSnapshot,
  type RecordedEvent,
  type ReplayResult,
} from './index';
import type { FlowEvent, FlowInput } from './types';

/** Shared by the flow tests; not used by the app. */
export const CATALOGUE: Record<string, readonly ValueOutcome[]> = Object.fromEntries(
  PRODUCT_CATALOGUE.map((product) => [product.code, product.outcomes]),
);

export function customerWith({
  consent = true,
  preset = null,
}: { consent?: boolean; preset?: string | null } = {}): FlowInput {
  return { customer: { id: 42, hasMarketingConsent: consent }, products: CATALOGUE, presetProductCode: preset };
}

/** Stamps events as the host would log them, one second apart. */
export function recorded(events: readonly FlowEvent[]): RecordedEvent[] {
  return events.map((event, i) => ({ ...event, at: new Date(Date.UTC(2025, 2, 3, 9, 0, i)).toISOString() }));
}

export function replay(flow: FlowId, input: FlowInput, events: readonly FlowEvent[]): ReplayResult {
  return replayFlow(flow, FLOW_VERSIONS[flow], input, recorded(events));
}

/** Plays events that must all be accepted and returns where the call stands. */
export function playTo(flow: FlowId, input: FlowInput, events: readonly FlowEvent[]): FlowSnapshot {
  const { snapshot, refused } = playEvents(FLOW_MACHINES[flow], input, events);
  if (refused) throw new Error(refused.reason);
  return snapshot;
}

/** What happens on the call, in the words of the script. */
export const on = {
  answer: { type: 'contact.reached' },
  noAnswer: { type: 'contact.not_reached', reason: 'no_answer' },
  identify: { type: 'customer.identified', customerId: 42 },
  notHolder: { type: 'customer.not_eligible' },
  solved: { type: 'ocs.solved' },
  unsolved: { type: 'ocs.unsolved' },
  willingToListen: { type: 'propensity.accepted' },
  notWillingToListen: { type: 'propensity.declined' },
  consentByPhone: { type: 'consent.granted', channel: 'phone' },
  consentRefused: { type: 'consent.refused' },
  need: (productCode: string) => ({ type: 'needs.identified', productCode }),
  accept: { type: 'proposal.accepted' },
  objection: { type: 'proposal.objection', objection: 'Costa troppo' },
  objectionResolved: { type: 'objection.resolved' },
  decline: { type: 'proposal.declined' },
  appointment: { type: 'outcome.appointment', postOfficeId: 7, slotId: 301 },
  funnelBySms: { type: 'outcome.funnel', channel: 'sms' },
  lead: { type: 'outcome.lead', followUpAt: '2025-03-10T16:00:00.000Z', notes: 'Preferisce il pomeriggio' },
  callMeBack: { type: 'callback.requested', callbackAt: '2025-03-04T17:30:00.000Z' },
  optOut: { type: 'customer.opted_out' },
} as const satisfies Record<string, FlowEvent | ((productCode: string) => FlowEvent)>;
