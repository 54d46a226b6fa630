import { closeState, consentState, flowOutput, flowSetup, identifyState, initialContext, needsState, onTheLine, outcomeStates, proposalStates, PROMPTS, stepMeta, type FlowRules } from '../steps';
import type { StepId } from '../types';

export const OCS_CROSS_SELL_VERSION = '1.0.0';
export const OCS_CROSS_SELL_STEPS: readonly StepId[] = ['identify', 'problem', 'propensity', 'consent', 'needs', 'proposal', 'close'];

// The customer called with a problem, not to buy: a proposal needs the problem solved in this contact,
// a customer willing to listen, and marketing consent. The structure already orders these steps; the gate
// re-checks them on the way into the proposal. No callback: the cross-sell opportunity is this call.
const rules: FlowRules = { proposalGate: ['ocsSolved', 'propensityAccepted', 'hasMarketingConsent'], offersCallback: false };

/** Cross-sell after a one-contact solution (OCS) on an assistance call. */
export const ocsCrossSellMachine = flowSetup.createMachine({
  id: 'ocs_cross_sell',
  version: OCS_CROSS_SELL_VERSION,
  context: ({ input }) => initialContext(input),
  output: flowOutput,
  initial: 'identify',
  states: {
    identify: identifyState(rules, PROMPTS.identifyAssistance, 'problem'),
    problem: {
      meta: stepMeta('problem', PROMPTS.problem),
      on: {
        ...onTheLine(rules),
        'ocs.solved': { target: 'propensity', actions: 'markOcsSolved' },
        'ocs.unsolved': { target: 'no_proposal', actions: { type: 'recordDetails', params: { reason: 'ocs_unsolved' } } },
      },
    },
    propensity: {
      meta: stepMeta('propensity', PROMPTS.propensity),
      on: {
        ...onTheLine(rules),
        'propensity.accepted': { guard: 'ocsSolved', target: 'consent', actions: 'markPropensity' },
        'propensity.declined': { target: 'no_proposal', actions: { type: 'recordDetails', params: { reason: 'propensity_declined' } } },
      },
    },
    consent: consentState(rules),
    needs: needsState(rules, PROMPTS.needsOpen),
    ...proposalStates(rules),
    close: closeState(rules),
    ...outcomeStates(['up_appointment', 'digital_funnel', 'lead', 'not_interested', 'no_proposal', 'opt_out', 'not_eligible']),
  },
});
