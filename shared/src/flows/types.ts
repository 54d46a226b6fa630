import type { Outcome, ValueOutcome } from '../reference/outcomes';
import type { FlowEventType } from '../schemas/flow-events';

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

// The events are one zod definition (schemas/flow-events.ts); their types are derived from it. The choice lists come
// from the zod-free flows/event-names.ts, so the console's bundle does not carry zod.
export type { FlowEvent, FlowEventType } from '../schemas/flow-events';
export {
  CONSENT_CHANNELS,
  FUNNEL_CHANNELS,
  NOT_REACHED_REASONS,
  type ConsentChannel,
  type FunnelChannel,
  type NotReachedReason,
} from './event-names';

export const STEP_IDS = [
  'dialling',
  'identify',
  'problem',
  'propensity',
  'consent',
  'needs',
  'proposal',
  'objection',
  'close',
] as const;
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
  /** at the objection step: the script version's prepared objections with their suggested rebuttals */
  objections?: readonly { code: string; label: Prompt; rebuttal: Prompt }[];
}
