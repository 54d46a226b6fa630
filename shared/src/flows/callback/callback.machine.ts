import { closeState, diallingState, flowOutput, flowSetup, identifyState, initialContext, needsState, outcomeStates, proposalStates, PROMPTS, type FlowRules } from '../steps';
import type { StepId } from '../types';

export const CALLBACK_VERSION = '1.0.0';
export const CALLBACK_STEPS: readonly StepId[] = ['dialling', 'identify', 'needs', 'proposal', 'close'];

// The customer asked to be called about the product: no consent step.
const rules: FlowRules = { proposalGate: [], offersCallback: true };

/** Call-me-back / call-me-now: the operator calls a customer who asked for it from the web site or app. */
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
    close: closeState(rules),
    ...outcomeStates(['up_appointment', 'digital_funnel', 'lead', 'not_interested', 'callback_scheduled', 'not_reached', 'opt_out', 'not_eligible']),
  },
});
