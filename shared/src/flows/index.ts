import type { FlowId, Outcome } from '../reference/outcomes';
import { CHOICE_KEYS, FLOW_EVENT_TYPES } from './event-names';
import { CALLBACK_STEPS, CALLBACK_VERSION, callbackMachine, callbackMachineV1_0 } from './callback/callback.machine';
import { CAMPAIGN_STEPS, CAMPAIGN_VERSION, campaignMachine } from './campaign/campaign.machine';
import { INBOUND_SALES_STEPS, INBOUND_SALES_VERSION, inboundSalesMachine } from './inbound-sales/inbound-sales.machine';
import {
  OCS_CROSS_SELL_STEPS,
  OCS_CROSS_SELL_VERSION,
  ocsCrossSellMachine,
  ocsCrossSellMachineV1_0,
} from './ocs-cross-sell/ocs-cross-sell.machine';
import { playEvents, stepOf } from './play';
import type { FlowEvent, FlowEventType, FlowInput, StepId } from './types';
import { accepts, belongsTo, type AnyFlowMachine, type FlowSnapshot } from './xstate-adapter';

export { FLOW_EVENT_TYPES } from './event-names';
export { playEvent, playEvents, stepOf, type PlayableEvent, type Played, type PlayedEvent, type Visit } from './play';
export {
  accepts,
  flowPlayer,
  metaOf,
  objectionsOf,
  type AnyFlowMachine,
  type FlowPlayer,
  type FlowSnapshot,
} from './xstate-adapter';

export const FLOW_MACHINES: Record<FlowId, AnyFlowMachine> = {
  campaign: campaignMachine,
  inbound_sales: inboundSalesMachine,
  ocs_cross_sell: ocsCrossSellMachine,
  callback: callbackMachine,
};

export const FLOW_VERSIONS: Record<FlowId, string> = {
  campaign: CAMPAIGN_VERSION,
  inbound_sales: INBOUND_SALES_VERSION,
  ocs_cross_sell: OCS_CROSS_SELL_VERSION,
  callback: CALLBACK_VERSION,
};

/** Steps in script order, for a progress bar. `objection` is a detour from `proposal`, so it is not listed. */
export const FLOW_STEPS: Record<FlowId, readonly StepId[]> = {
  campaign: CAMPAIGN_STEPS,
  inbound_sales: INBOUND_SALES_STEPS,
  ocs_cross_sell: OCS_CROSS_SELL_STEPS,
  callback: CALLBACK_STEPS,
};

/**
 * Every released version of each script: interactions recorded under an older version must still replay.
 * When a script changes, bump its version and keep the previous machine here.
 */
const RELEASES: Record<FlowId, readonly AnyFlowMachine[]> = {
  campaign: [campaignMachine],
  inbound_sales: [inboundSalesMachine],
  ocs_cross_sell: [ocsCrossSellMachine, ocsCrossSellMachineV1_0],
  callback: [callbackMachine, callbackMachineV1_0],
};

export function flowMachine(flow: FlowId, version: string): AnyFlowMachine | undefined {
  return RELEASES[flow].find((machine) => machine.version === version);
}

/** One representative payload per event type, to ask `accepts()` whether a button applies. */
export const SAMPLE_EVENTS: { [K in FlowEventType]: Extract<FlowEvent, { type: K }> } = {
  'contact.reached': { type: 'contact.reached' },
  'contact.not_reached': { type: 'contact.not_reached', reason: 'no_answer' },
  'customer.identified': { type: 'customer.identified', customerId: 1 },
  'customer.not_eligible': { type: 'customer.not_eligible' },
  'ocs.solved': { type: 'ocs.solved' },
  'ocs.unsolved': { type: 'ocs.unsolved' },
  'propensity.accepted': { type: 'propensity.accepted' },
  'propensity.declined': { type: 'propensity.declined' },
  'consent.granted': { type: 'consent.granted', channel: 'phone' },
  'consent.refused': { type: 'consent.refused' },
  'needs.identified': { type: 'needs.identified', productCode: '' },
  'proposal.accepted': { type: 'proposal.accepted' },
  'proposal.objection': { type: 'proposal.objection' },
  'objection.resolved': { type: 'objection.resolved' },
  'proposal.declined': { type: 'proposal.declined' },
  'outcome.appointment': { type: 'outcome.appointment', postOfficeId: 1, slotId: 1 },
  'outcome.funnel': { type: 'outcome.funnel', channel: 'sms' },
  'outcome.lead': { type: 'outcome.lead', followUpAt: '2030-01-01T09:00:00.000Z' },
  'callback.requested': { type: 'callback.requested', callbackAt: '2030-01-01T09:00:00.000Z' },
  'customer.opted_out': { type: 'customer.opted_out' },
  'outcome.assisted_sale': { type: 'outcome.assisted_sale', reference: 'X' },
};

/** Product codes the needs step would accept now (the only guard that depends on the payload). */
export function acceptedProducts(snapshot: FlowSnapshot): string[] {
  return Object.keys(snapshot.context.products).filter((productCode) =>
    accepts(snapshot, { type: 'needs.identified', productCode }),
  );
}

/**
 * Event types the current step accepts, for enabling buttons. Guards read the context, not the payload,
 * except `needs.identified`, which is available when at least one product is accepted (see acceptedProducts).
 */
export function availableEvents(machine: AnyFlowMachine, snapshot: FlowSnapshot): FlowEventType[] {
  if (!belongsTo(snapshot, machine)) throw new Error(`snapshot does not belong to machine ${machine.id}`);
  return FLOW_EVENT_TYPES.filter((type) =>
    type === 'needs.identified' ? acceptedProducts(snapshot).length > 0 : accepts(snapshot, SAMPLE_EVENTS[type]),
  );
}

/**
 * Every choice the step the script stands at knows — available now or not (a value outcome the product does not
 * allow, a need with no product to propose) — in the order of their fixed keys (CHOICE_KEYS): the console shows the
 * unavailable ones disabled, with why.
 */
export function stepChoices(machine: AnyFlowMachine, snapshot: FlowSnapshot): FlowEventType[] {
  const step = stepOf(snapshot);
  const node = step ? machine.root.states[step] : undefined;
  const known = new Set(node ? Object.keys(node.on) : []);
  return FLOW_EVENT_TYPES.filter((type) => known.has(type)).sort((a, b) =>
    CHOICE_KEYS[a].localeCompare(CHOICE_KEYS[b]),
  );
}

/** As logged by the host: the event's payload plus the time it happened (`at`, ISO). */
export interface RecordedEvent {
  type: string;
  at: string;
  [k: string]: unknown;
}

export type ReplayResult =
  | { ok: true; outcome: Outcome; productCode: string | null; details: Record<string, unknown>; path: StepId[] }
  | { ok: false; reason: string; atIndex?: number };

/**
 * Runs recorded events through the script version they were recorded under, with XState's pure transitions.
 * The server accepts an outcome only when this reaches it. Payload shapes are validated before recording,
 * not here; here every event must be one the machine accepts at that point.
 */
export function replayFlow(
  flow: FlowId,
  version: string,
  input: FlowInput,
  events: readonly RecordedEvent[],
): ReplayResult {
  const machine = flowMachine(flow, version);
  if (!machine) return { ok: false, reason: `unknown version ${version} of flow ${flow}` };
  return replayMachine(machine, input, events);
}

/** Replays a contact with the machine of the version it names (the server finds it: built in or from the studio). */
export function replayMachine(
  machine: AnyFlowMachine,
  input: FlowInput,
  events: readonly RecordedEvent[],
): ReplayResult {
  const path: StepId[] = [];
  const { snapshot, refused } = playEvents(machine, input, events, (visit) => {
    const step = stepOf(visit.snapshot);
    if (step !== null && path.at(-1) !== step) path.push(step);
  });
  if (refused) return { ok: false, ...refused };

  if (snapshot.status !== 'done' || !snapshot.output) {
    return { ok: false, reason: `flow not finished: stopped at step ${stepOf(snapshot)}` };
  }
  return { ok: true, ...snapshot.output, path };
}
