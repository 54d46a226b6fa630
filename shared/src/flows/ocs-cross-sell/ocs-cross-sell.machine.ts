import {
  closeState,
  consentState,
  flowOutput,
  flowSetup,
  identifyState,
  initialContext,
  needsState,
  onTheLine,
  outcomeStates,
  proposalStates,
  PROMPTS,
  stepMeta,
  type FlowRules,
} from '../steps';
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

// The customer called with a problem, not to buy: a proposal needs the problem solved in this contact,
// a customer willing to listen, and marketing consent. The structure already orders these steps; the gate
// re-checks them on the way into the proposal. Before the proposal there is no callback: the assistance call is
// about the problem; once the customer listens to a proposal they may ask to hear the rest later.
const rules: FlowRules = {
  proposalGate: ['ocsSolved', 'propensityAccepted', 'hasMarketingConsent'],
  offersCallback: false,
};
const proposing: FlowRules = { ...rules, offersCallback: true };

const OUTCOMES_1_0 = [
  'up_appointment',
  'digital_funnel',
  'lead',
  'not_interested',
  'no_proposal',
  'opt_out',
  'not_eligible',
] as const;

function problemStates() {
  return {
    identify: identifyState(rules, PROMPTS.identifyAssistance, 'problem'),
    problem: flowSetup.createStateConfig({
      meta: stepMeta('problem', PROMPTS.problem),
      on: {
        ...onTheLine(rules),
        'ocs.solved': { target: 'propensity', actions: 'markOcsSolved' },
        'ocs.unsolved': {
          target: 'no_proposal',
          actions: { type: 'recordDetails', params: { reason: 'ocs_unsolved' } },
        },
      },
    }),
    propensity: flowSetup.createStateConfig({
      meta: stepMeta('propensity', PROMPTS.propensity),
      on: {
        ...onTheLine(rules),
        'propensity.accepted': { guard: 'ocsSolved', target: 'consent', actions: 'markPropensity' },
        'propensity.declined': {
          target: 'no_proposal',
          actions: { type: 'recordDetails', params: { reason: 'propensity_declined' } },
        },
      },
    }),
    consent: consentState(rules),
    needs: needsState(rules, PROMPTS.needsOpen),
  };
}

/** Cross-sell after a one-contact solution (OCS) on an assistance call. */
export const ocsCrossSellMachine = flowSetup.createMachine({
  id: 'ocs_cross_sell',
  version: OCS_CROSS_SELL_VERSION,
  context: ({ input }) => initialContext(input),
  output: flowOutput,
  initial: 'identify',
  states: {
    ...problemStates(),
    ...proposalStates(proposing),
    close: closeState(proposing),
    ...outcomeStates([...OUTCOMES_1_0, 'callback_scheduled']),
  },
});

/** Released 2026-11-26 (no callback); kept so the contacts recorded under it still replay. */
export const ocsCrossSellMachineV1_0 = flowSetup.createMachine({
  id: 'ocs_cross_sell',
  version: '1.0.0',
  context: ({ input }) => initialContext(input),
  output: flowOutput,
  initial: 'identify',
  states: {
    ...problemStates(),
    ...proposalStates(rules),
    close: closeState(rules),
    ...outcomeStates(OUTCOMES_1_0),
  },
});
