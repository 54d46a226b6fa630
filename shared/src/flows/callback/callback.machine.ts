import { CALLBACK_1_0_0, CALLBACK_1_1_0 } from '../builtin-scripts';
import { compileScript } from '../compile';
import type { StepId } from '../types';

/** 1.1.0: a lead's follow-up can close on a sale made on the phone (outcome assisted_sale). */
export const CALLBACK_VERSION = '1.1.0';
export const CALLBACK_STEPS: readonly StepId[] = ['dialling', 'identify', 'needs', 'proposal', 'close'];

/** Call-me-back / call-me-now (and agreed callbacks, lead follow-ups): the operator calls a customer who asked for it. */
export const callbackMachine = compileScript(CALLBACK_1_1_0);

/** Released 2026-11-26; kept so the contacts recorded under it still replay. */
export const callbackMachineV1_0 = compileScript(CALLBACK_1_0_0);
