import { CAMPAIGN_1_0_0 } from '../builtin-scripts';
import { compileScript } from '../compile';
import type { StepId } from '../types';

export const CAMPAIGN_VERSION = '1.0.0';
export const CAMPAIGN_STEPS: readonly StepId[] = ['dialling', 'identify', 'consent', 'needs', 'proposal', 'close'];

/** Outbound campaign call: the BU picked the product, the customer did not ask, so consent comes first. */
export const campaignMachine = compileScript(CAMPAIGN_1_0_0);
