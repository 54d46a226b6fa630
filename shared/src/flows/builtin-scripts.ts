import type { ScriptDefinition } from './definition';
import { PROMPTS } from './steps';

/**
 * The scripts released before the studio, as definitions: each compiles to exactly the machine it was written as in
 * code (the machine tests run on the compiled machines), and every contact recorded under them still replays.
 */

const common = {
  proposal: PROMPTS.proposal,
  objection: PROMPTS.objection,
  close: PROMPTS.close,
};
const ALL_VALUE_OUTCOMES = ['up_appointment', 'digital_funnel', 'lead'] as const;

/** Outbound campaign call: the business unit picked the product, so consent comes first. */
export const CAMPAIGN_1_0_0: ScriptDefinition = {
  flow: 'campaign',
  version: '1.0.0',
  steps: ['dialling', 'identify', 'consent', 'needs', 'proposal', 'close'],
  lines: {
    dialling: PROMPTS.dialling,
    identify: PROMPTS.identifyOutbound,
    consent: PROMPTS.consent,
    needs: PROMPTS.needsCampaign,
    ...common,
  },
  callbackFrom: 'identify',
  valueOutcomes: ALL_VALUE_OUTCOMES,
  assistedSale: false,
  products: null,
  objections: [],
};

/** Inbound pre-sale call to the toll-free number: the customer called to buy, no consent step. */
export const INBOUND_SALES_1_0_0: ScriptDefinition = {
  flow: 'inbound_sales',
  version: '1.0.0',
  steps: ['identify', 'needs', 'proposal', 'close'],
  lines: { identify: PROMPTS.identifyInbound, needs: PROMPTS.needsOpen, ...common },
  callbackFrom: 'identify',
  valueOutcomes: ALL_VALUE_OUTCOMES,
  assistedSale: false,
  products: null,
  objections: [],
};

/** Cross-sell after a one-contact solution, released 2026-11-26: no callback. */
export const OCS_CROSS_SELL_1_0_0: ScriptDefinition = {
  flow: 'ocs_cross_sell',
  version: '1.0.0',
  steps: ['identify', 'problem', 'propensity', 'consent', 'needs', 'proposal', 'close'],
  lines: {
    identify: PROMPTS.identifyAssistance,
    problem: PROMPTS.problem,
    propensity: PROMPTS.propensity,
    consent: PROMPTS.consent,
    needs: PROMPTS.needsOpen,
    ...common,
  },
  callbackFrom: null,
  valueOutcomes: ALL_VALUE_OUTCOMES,
  assistedSale: false,
  products: null,
  objections: [],
};

/** 1.1.0: the customer can ask to be called back at the proposal and close steps (not before: the call is about the problem). */
export const OCS_CROSS_SELL_1_1_0: ScriptDefinition = {
  ...OCS_CROSS_SELL_1_0_0,
  version: '1.1.0',
  callbackFrom: 'proposal',
};

/** Call Me Back / Call Me Now (and agreed callbacks, lead follow-ups), released 2026-11-26. */
export const CALLBACK_1_0_0: ScriptDefinition = {
  flow: 'callback',
  version: '1.0.0',
  steps: ['dialling', 'identify', 'needs', 'proposal', 'close'],
  lines: { dialling: PROMPTS.dialling, identify: PROMPTS.identifyCallback, needs: PROMPTS.needsCallback, ...common },
  callbackFrom: 'identify',
  valueOutcomes: ALL_VALUE_OUTCOMES,
  assistedSale: false,
  products: null,
  objections: [],
};

/** 1.1.0: a lead's follow-up can close on a sale made on the phone (outcome assisted_sale). */
export const CALLBACK_1_1_0: ScriptDefinition = { ...CALLBACK_1_0_0, version: '1.1.0', assistedSale: true };

/** Every built-in release, newest of each flow first. */
export const BUILTIN_SCRIPTS: readonly ScriptDefinition[] = [
  CAMPAIGN_1_0_0,
  INBOUND_SALES_1_0_0,
  OCS_CROSS_SELL_1_1_0,
  OCS_CROSS_SELL_1_0_0,
  CALLBACK_1_1_0,
  CALLBACK_1_0_0,
];
