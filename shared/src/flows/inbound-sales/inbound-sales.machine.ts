import { INBOUND_SALES_1_0_0 } from '../builtin-scripts';
import { compileScript } from '../compile';
import type { StepId } from '../types';

export const INBOUND_SALES_VERSION = '1.0.0';
export const INBOUND_SALES_STEPS: readonly StepId[] = ['identify', 'needs', 'proposal', 'close'];

/** Inbound pre-sale call: qualify the need and guide to a value outcome (no consent step: the customer called to buy). */
export const inboundSalesMachine = compileScript(INBOUND_SALES_1_0_0);
