import {
  closeState,
  diallingState,
  flowOutput,
  flowSetup,
  identifyState,
  initialContext,
  needsState,
  outcomeStates,
  proposalStates,
  PROMPTS,
  type FlowRules,
} from '../steps';
import type { StepId } from '../types';

/** 1.1.0: a lead's follow-up can close on a sale made on the phone (outcome assisted_sale). */
export const CALLBACK_VERSION = '1.1.0';
export const CALLBACK_STEPS: readonly StepId[] = ['dialling', 'identify', 'needs', 'proposal', 'close'];

// The customer asked to be called about the product: no consent step.
const rules: FlowRules = { proposalGate: [], offersCallback: true };

const OUTCOMES_1_0 = [
  'up_appointment',
  'digital_funnel',
  'lead',
  'not_interested',
  'callback_scheduled',
  'not_reached',
  'opt_out',
  'not_eligible',
] as const;

/** Call-me-back / call-me-now (and agreed callbacks, lead follow-ups): the operator calls a customer who asked for it. */
export const callbackMachine = flowSetup.createMachine({
  id: 'callback',
  version: CALLBACK_VERSION,
  context: ({ input }) => initialContext(input),
  output: flowOutput,
  initial: 'dialling',
  states: {
    dialling: diallingState(),
    identify: identifyState(rules, PROMPTS.identifyCallback, 'needs'),
    needs: needsState(rules, PROMPTS.needsCallback),
    ...proposalStates(rules),
    close: closeState(rules, { assistedSale: true }),
    ...outcomeStates([...OUTCOMES_1_0, 'assisted_sale']),
  },
});

/** Released 2026-11-26; kept so the contacts recorded under it still replay. */
export const callbackMachineV1_0 = flowSetup.createMachine({
  id: 'callback',
  version: '1.0.0',
  context: ({ input }) => initialContext(input),
  output: flowOutput,
  initial: 'dialling',
  states: {
    dialling: diallingState(),
    identify: identifyState(rules, PROMPTS.identifyCallback, 'needs'),
    needs: needsState(rules, PROMPTS.needsCallback),
    ...proposalStates(rules),
    close: closeState(rules),
    ...outcomeStates(OUTCOMES_1_0),
  },
});
