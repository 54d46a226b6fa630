import { createActor, type AnyActorScope, type SnapshotFrom } from 'xstate';
import type { FlowId, Outcome } from '../reference/outcomes';
import { CALLBACK_STEPS, CALLBACK_VERSION, callbackMachine, callbackMachineV1_0 } from './callback/callback.machine';
import { CAMPAIGN_STEPS, CAMPAIGN_VERSION, campaignMachine } from './campaign/campaign.machine';
import { INBOUND_SALES_STEPS, INBOUND_SALES_VERSION, inboundSalesMachine } from './inbound-sales/inbound-sales.machine';
import { OCS_CROSS_SELL_STEPS, OCS_CROSS_SELL_VERSION, ocsCrossSellMachine, ocsCrossSellMachineV1_0 } from './ocs-cross-sell/ocs-cross-sell.machine';
import type { FlowEvent, FlowEventType, FlowInput, StepId } from './types';

export type AnyFlowMachine =
  | typeof campaignMachine
  | typeof inboundSalesMachine
  | typeof ocsCrossSellMachine
  | typeof ocsCrossSellMachineV1_0
  | typeof callbackMachine
  | typeof callbackMachineV1_0;
export type FlowSnapshot = SnapshotFrom<AnyFlowMachine>;

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

/** The current step, or null once the flow has reached an outcome. */
export function stepOf(snapshot: FlowSnapshot): StepId | null {
  if (snapshot.status !== 'active') return null;
  return Object.values(snapshot.getMeta()).find((meta) => meta !== undefined)?.step ?? null;
}

/** One representative payload per event type, to ask `snapshot.can()` whether a button applies. */
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

export const FLOW_EVENT_TYPES = Object.keys(SAMPLE_EVENTS) as FlowEventType[];

function isFlowEventType(type: string): type is FlowEventType {
  return (FLOW_EVENT_TYPES as readonly string[]).includes(type);
}

/** Product codes the needs step would accept now (the only guard that depends on the payload). */
export function acceptedProducts(snapshot: FlowSnapshot): string[] {
  return Object.keys(snapshot.context.products).filter((productCode) =>
    snapshot.can({ type: 'needs.identified', productCode }),
  );
}

/**
 * Event types the current step accepts, for enabling buttons. Guards read the context, not the payload,
 * except `needs.identified`, which is available when at least one product is accepted (see acceptedProducts).
 */
export function availableEvents(machine: AnyFlowMachine, snapshot: FlowSnapshot): FlowEventType[] {
  if (snapshot.machine !== machine) throw new Error(`snapshot does not belong to machine ${machine.id}`);
  return FLOW_EVENT_TYPES.filter((type) =>
    type === 'needs.identified' ? acceptedProducts(snapshot).length > 0 : snapshot.can(SAMPLE_EVENTS[type]),
  );
}

/**
 * Plays events through a script with XState's pure transitions (no actions run, nothing is started), every step in
 * one actor scope. XState's own `initialTransition()`/`transition()` build a throwaway actor and system on every
 * call, and that actor first computes an initial snapshot without input, which our scripts' context cannot build,
 * so every step also threw and caught an error: about 25 µs a step, most of a completion's replay on the server.
 */
export interface FlowPlayer {
  /** The snapshot the script starts from. */
  readonly initial: FlowSnapshot;
  /** The snapshot after `event` (the caller checks `snapshot.can(event)` first, as the machine ignores the rest). */
  next(snapshot: FlowSnapshot, event: FlowEvent): FlowSnapshot;
}

/**
 * One scope per machine, made on first use and kept: the scope's actor is never started, only lends its identity
 * and system, and the scripts' actions are all pure assignments (nothing is spawned, sent or deferred).
 */
const scopes = new WeakMap<AnyFlowMachine, AnyActorScope>();

function scopeOf(machine: AnyFlowMachine, input: FlowInput): AnyActorScope {
  let scope = scopes.get(machine);
  if (!scope) {
    const self = createActor(machine as typeof campaignMachine, { input });
    scope = {
      self,
      id: '',
      sessionId: '',
      system: self.system,
      logger: () => {},
      defer: () => {},
      emit: () => {},
      stopChild: () => {},
      actionExecutor: () => {},
    };
    scopes.set(machine, scope);
  }
  return scope;
}

export function flowPlayer(machine: AnyFlowMachine, input: FlowInput): FlowPlayer {
  const scope = scopeOf(machine, input);
  const logic = machine as typeof campaignMachine;
  return {
    initial: logic.getInitialSnapshot(scope, input) as FlowSnapshot,
    next: (snapshot, event) =>
      logic.transition(snapshot as SnapshotFrom<typeof campaignMachine>, event, scope) as FlowSnapshot,
  };
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
export function replayFlow(flow: FlowId, version: string, input: FlowInput, events: RecordedEvent[]): ReplayResult {
  const machine = flowMachine(flow, version);
  if (!machine) return { ok: false, reason: `unknown version ${version} of flow ${flow}` };

  const player = flowPlayer(machine, input);
  let snapshot = player.initial;
  const path: StepId[] = [];
  const visit = (step: StepId | null) => {
    if (step !== null && path.at(-1) !== step) path.push(step);
  };
  visit(stepOf(snapshot));

  for (const [atIndex, recorded] of events.entries()) {
    const { at: _at, ...event } = recorded;
    if (!isFlowEventType(event.type)) return { ok: false, reason: `unknown event ${event.type}`, atIndex };
    if (snapshot.status !== 'active') {
      return { ok: false, reason: `event ${event.type} not allowed after outcome ${snapshot.context.outcome}`, atIndex };
    }
    const flowEvent = event as FlowEvent;
    if (!snapshot.can(flowEvent)) {
      return { ok: false, reason: `event ${event.type} not allowed at step ${stepOf(snapshot)}`, atIndex };
    }
    snapshot = player.next(snapshot, flowEvent);
    visit(stepOf(snapshot));
  }

  if (snapshot.status !== 'done' || !snapshot.output) {
    return { ok: false, reason: `flow not finished: stopped at step ${stepOf(snapshot)}` };
  }
  return { ok: true, ...snapshot.output, path };
}
