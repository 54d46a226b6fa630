import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VALUE_OUTCOMES } from '../reference/outcomes';
import { BUILTIN_SCRIPTS } from './builtin-scripts';
import { compileScript } from './compile';
import { definitionProblems, FLOW_RULES, STEP_ORDER, type ScriptDefinition } from './definition';
import { CHOICE_KEYS, FLOW_EVENT_TYPES } from './event-names';
import type { FlowEventType } from './types';

/** The choices each step of a machine takes, by state. */
function choicesByStep(def: ScriptDefinition): Map<string, FlowEventType[]> {
  const machine = compileScript(def);
  const out = new Map<string, FlowEventType[]>();
  for (const [name, state] of Object.entries(machine.root.states)) {
    const types = Object.keys(state.on).filter((t): t is FlowEventType =>
      (FLOW_EVENT_TYPES as readonly string[]).includes(t),
    );
    if (types.length) out.set(name, types);
  }
  return out;
}

function expectOneKeyPerChoice(def: ScriptDefinition) {
  for (const [step, types] of choicesByStep(def)) {
    const keys = types.map((t) => CHOICE_KEYS[t]);
    expect(new Set(keys).size, `${def.flow} ${def.version} at ${step}: ${types.join(', ')}`).toBe(keys.length);
  }
}

describe('choice keys', () => {
  it('give every choice a digit, each meaning one thing in every flow', () => {
    for (const type of FLOW_EVENT_TYPES) expect(CHOICE_KEYS[type]).toMatch(/^[1-9]$/);
    expect(CHOICE_KEYS['outcome.funnel']).toBe('5');
    expect(CHOICE_KEYS['outcome.lead']).toBe('6');
  });

  it.each(BUILTIN_SCRIPTS.map((d) => [`${d.flow} ${d.version}`, d] as const))(
    '%s never offers two choices with one key at a step',
    (_, def) => expectOneKeyPerChoice(def),
  );

  it('holds for any script a studio can make (random steps, outcomes, callbacks, sales)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...BUILTIN_SCRIPTS),
        fc.subarray([...VALUE_OUTCOMES], { minLength: 1 }),
        fc.boolean(),
        fc.boolean(),
        fc.nat(7),
        (base, valueOutcomes, withOptional, sale, callbackAt) => {
          const rule = FLOW_RULES[base.flow];
          const steps = STEP_ORDER.filter(
            (s) => rule.required.includes(s) || (withOptional && rule.optional.includes(s)),
          );
          const lines = { ...base.lines };
          for (const s of steps) lines[s] ??= { it: 'Riga', en: 'Line' };
          const callbackFrom = steps.filter((s) => s !== 'dialling')[callbackAt % steps.length] ?? null;
          const def: ScriptDefinition = {
            ...base,
            version: '9.0.0',
            steps,
            lines,
            valueOutcomes,
            callbackFrom,
            assistedSale: sale && rule.assistedSale,
          };
          expect(definitionProblems(def)).toEqual([]);
          expectOneKeyPerChoice(def);
        },
      ),
      { numRuns: 200 },
    );
  });
});
