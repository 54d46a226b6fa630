import { OCS_CROSS_SELL_1_0_0, OCS_CROSS_SELL_1_1_0 } from '../builtin-scripts';
import { compileScript } from '../compile';
import type { StepId } from '../types';

/** 1.1.0: the customer can ask to be called back at the proposal and close steps, as in the other flows. */
export const OCS_CROSS_SELL_VERSION = '1.1.0';
export const OCS_CROSS_SELL_STEPS: readonly StepId[] = [
  'identify',
  'problem',
  'propensity',
  'consent',
  'needs',
  'proposal',
  'close',
];

// The customer called with a problem, not to buy: a proposal needs the problem solved in this contact, a customer
// willing to listen, and marketing consent (FLOW_RULES); before the proposal there is no callback.
/** Cross-sell after a one-contact solution (OCS) on an assistance call. */
export const ocsCrossSellMachine = compileScript(OCS_CROSS_SELL_1_1_0);

/** Released 2026-11-26 (no callback); kept so the contacts recorded under it still replay. */
export const ocsCrossSellMachineV1_0 = compileScript(OCS_CROSS_SELL_1_0_0);
