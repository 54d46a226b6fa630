import type { Outcome, ValueOutcome } from '../reference/outcomes';

export interface FlowInput {
  customer: { id: number | null; hasMarketingConsent: boolean };
  /** product code -> allowed value outcomes; the machine uses this, not the static catalogue, so admins can edit products */
  products: Record<string, readonly ValueOutcome[]>;
  /** product preselected by the work item (campaign product, or callback request product); null when none */
  presetProductCode: string | null;
  /** The contact follows up a lead: it may close on a sale made on the phone (outcome assisted_sale). */
  leadFollowUp?: boolean;
}

export interface FlowContext {
  customer: { id: number | null; hasMarketingConsent: boolean };
  products: Record<string, readonly ValueOutcome[]>;
  /** Starts as the preset product; the needs step confirms it or picks another. */
  productCode: string | null;
  hasMarketingConsent: boolean;
  ocsSolved: boolean;
  propensity: boolean;
  /** Following up a lead (see FlowInput.leadFollowUp). */
  leadFollowUp: boolean;
  /** Set on entering a final state; read by the machine output. */
  outcome: Outcome | null;
  /** Payload of the event that closed the flow (slot, channel, follow-up, reason, callbackAt). */
  details: Record<string, unknown>;
}

export interface FlowOutput {
  outcome: Outcome;
  productCode: string | null;
  details: Record<string, unknown>;
}

export const NOT_REACHED_REASONS = ['no_answer', 'busy', 'wrong_number'] as const;
export type NotReachedReason = (typeof NOT_REACHED_REASONS)[number];
export const CONSENT_CHANNELS = ['phone', 'sms', 'email'] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];
export const FUNNEL_CHANNELS = ['sms', 'email'] as const;
export type FunnelChannel = (typeof FUNNEL_CHANNELS)[number];

/** Plain JSON facts: the host logs them and the server replays them through the same machine. */
export type FlowEvent =
  | { type: 'contact.reached' }
  | { type: 'contact.not_reached'; reason: NotReachedReason }
  | { type: 'customer.identified'; customerId: number }
  | { type: 'customer.not_eligible' }
  | { type: 'ocs.solved' }
  | { type: 'ocs.unsolved' }
  | { type: 'propensity.accepted' }
  | { type: 'propensity.declined' }
  | { type: 'consent.granted'; channel: ConsentChannel }
  | { type: 'consent.refused' }
  | { type: 'needs.identified'; productCode: string }
  | { type: 'proposal.accepted' }
  | { type: 'proposal.objection'; objection?: string }
  | { type: 'objection.resolved' }
  | { type: 'proposal.declined' }
  | { type: 'outcome.appointment'; postOfficeId: number; slotId: number }
  | { type: 'outcome.funnel'; channel: FunnelChannel }
  | { type: 'outcome.lead'; followUpAt: string; notes?: string }
  /** `callbackAt`, not `at`: `at` is the recording timestamp of a RecordedEvent. */
  | { type: 'callback.requested'; callbackAt: string }
  | { type: 'customer.opted_out' }
  /** A lead follow-up sold on the phone; `reference` is the order or contract number. */
  | { type: 'outcome.assisted_sale'; reference: string };

export type FlowEventType = FlowEvent['type'];

export const STEP_IDS = ['dialling', 'identify', 'problem', 'propensity', 'consent', 'needs', 'proposal', 'objection', 'close'] as const;
export type StepId = (typeof STEP_IDS)[number];

export interface Prompt {
  it: string;
  en: string;
}

/** One thing the operator fills in before sending `event`; the UI renders a control per `kind`. */
export interface StepInput {
  name: string;
  kind: 'customer' | 'product' | 'slot' | 'choice' | 'datetime' | 'text';
  event: FlowEventType;
  options?: readonly string[];
  optional?: boolean;
}

export interface StepMeta {
  step: StepId;
  prompt: Prompt;
  inputs: readonly StepInput[];
}
