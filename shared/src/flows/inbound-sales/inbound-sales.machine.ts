import {
  closeState,
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

export const INBOUND_SALES_VERSION = '1.0.0';
export const INBOUND_SALES_STEPS: readonly StepId[] = ['identify', 'needs', 'proposal', 'close'];

// The customer called the toll-free number to buy: no consent step.
const rules: FlowRules = { proposalGate: [], offersCallback: true };

/** Inbound pre-sale call: qualify the need and guide to a value outcome. */
export const inboundSalesMachine = flowSetup.createMachine({
  id: 'inbound_sales',
  version: INBOUND_SALES_VERSION,
  context: ({ input }) => initialContext(input),
  output: flowOutput,
  initial: 'identify',
  states: {
    identify: identifyState(rules, PROMPTS.identifyInbound, 'needs'),
    needs: needsState(rules, PROMPTS.needsOpen),
    ...proposalStates(rules),
    close: closeState(rules),
    ...outcomeStates([
      'up_appointment',
      'digital_funnel',
      'lead',
      'not_interested',
      'callback_scheduled',
      'opt_out',
      'not_eligible',
    ]),
  },
});
