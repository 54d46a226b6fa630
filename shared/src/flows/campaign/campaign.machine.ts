import {
  closeState,
  consentState,
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

export const CAMPAIGN_VERSION = '1.0.0';
export const CAMPAIGN_STEPS: readonly StepId[] = ['dialling', 'identify', 'consent', 'needs', 'proposal', 'close'];

const rules: FlowRules = { proposalGate: ['hasMarketingConsent'], offersCallback: true };

/** Outbound campaign call: the BU picked the product, the customer did not ask, so consent comes first. */
export const campaignMachine = flowSetup.createMachine({
  id: 'campaign',
  version: CAMPAIGN_VERSION,
  context: ({ input }) => initialContext(input),
  output: flowOutput,
  initial: 'dialling',
  states: {
    dialling: diallingState(),
    identify: identifyState(rules, PROMPTS.identifyOutbound, 'consent'),
    consent: consentState(rules),
    needs: needsState(rules, PROMPTS.needsCampaign),
    ...proposalStates(rules),
    close: closeState(rules),
    ...outcomeStates([
      'up_appointment',
      'digital_funnel',
      'lead',
      'not_interested',
      'callback_scheduled',
      'not_reached',
      'opt_out',
      'not_eligible',
    ]),
  },
});
