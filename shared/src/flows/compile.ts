import {
  definitionProblems,
  outcomesOf,
  proposalGateOf,
  STEP_ORDER,
  type ScriptDefinition,
  type ScriptStep,
} from './definition';
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
  problemState,
  propensityState,
  proposalStates,
  type FlowRules,
} from './steps';
import type { Prompt, StepId } from './types';

/**
 * A script definition as the XState machine the console plays and the server replays, built with the step builders
 * of steps.ts: each listed step leads to the next one in the definition's order, the proposal's gate is the flow's
 * (plus the marketing consent where a consent step is asked), the callback is offered from `callbackFrom` on, the
 * close offers the definition's value outcomes. A definition with problems (definitionProblems) does not compile.
 */
export function compileScript(def: ScriptDefinition) {
  const problems = definitionProblems(def);
  if (problems.length > 0) {
    throw new Error(
      `script ${def.flow} ${def.version} does not compile: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
    );
  }
  const gate = proposalGateOf(def);
  const from = def.callbackFrom === null ? Infinity : STEP_ORDER.indexOf(def.callbackFrom);
  const rulesAt = (step: ScriptStep): FlowRules => ({
    proposalGate: gate,
    offersCallback: STEP_ORDER.indexOf(step) >= from,
    products: def.products,
  });
  const line = (step: StepId) => def.lines[step] as Prompt;
  const next = (step: ScriptStep): StepId => def.steps[def.steps.indexOf(step) + 1] ?? 'close';

  const states: Record<string, unknown> = {};
  for (const step of def.steps) {
    const rules = rulesAt(step);
    switch (step) {
      case 'dialling':
        states.dialling = diallingState(line('dialling'), next('dialling'));
        break;
      case 'identify':
        states.identify = identifyState(rules, line('identify'), next('identify'));
        break;
      case 'problem':
        states.problem = problemState(rules, line('problem'), next('problem'));
        break;
      case 'propensity':
        states.propensity = propensityState(rules, line('propensity'), next('propensity'));
        break;
      case 'consent':
        states.consent = consentState(rules, line('consent'), next('consent'));
        break;
      case 'needs':
        states.needs = needsState(rules, line('needs'));
        break;
      case 'proposal':
        Object.assign(
          states,
          proposalStates(rules, {
            proposal: line('proposal'),
            objection: line('objection'),
            objections: def.objections,
          }),
        );
        break;
      case 'close':
        states.close = closeState(rules, {
          assistedSale: def.assistedSale,
          valueOutcomes: def.valueOutcomes,
          prompt: line('close'),
        });
        break;
    }
  }
  Object.assign(states, outcomeStates(outcomesOf(def)));
  return flowSetup.createMachine({
    id: def.flow,
    version: def.version,
    context: ({ input }) => initialContext(input),
    output: flowOutput,
    initial: def.steps[0] ?? 'identify',
    states: states as Parameters<typeof flowSetup.createMachine>[0]['states'],
  });
}

export type CompiledScript = ReturnType<typeof compileScript>;
