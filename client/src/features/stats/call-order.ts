import { STEP_IDS } from '@valore/shared/flows/types';

/** Where a step comes in a call (flows/types.ts STEP_IDS is the call order); a step no longer known goes last. */
export function callOrder(step: string): number {
  const at = (STEP_IDS as readonly string[]).indexOf(step);
  return at === -1 ? STEP_IDS.length : at;
}
