import type { FlowId, Outcome, ValueOutcome } from '../reference/outcomes';
import type { GateGuard } from './steps';
import type { Prompt, StepId } from './types';

/**
 * A script as data (docs/scripts.md): what the operator says at each step, in Italian and English, which steps the
 * call goes through, the products it may propose, the objections it prepares for, how it may end. A definition
 * compiles to the XState machine the console plays and the server replays (compile.ts), with the same step builders
 * as the scripts written in code before; a published version never changes, so a contact recorded under it replays
 * forever.
 *
 * What a definition cannot change are the rules of its flow (FLOW_RULES): the steps the flow needs (the consent gate of
 * an outbound or cross-sell call; the problem solved and the customer willing to listen before any cross-sell
 * proposal), their order, and the proposal's gate. This module is zod-free (the console's bundle); the API's schema is
 * schemas/script-definition.ts.
 */

/** The steps a definition lists; `objection` is the proposal's detour and always comes with it. */
export type ScriptStep = Exclude<StepId, 'objection'>;
/** The call order every script keeps (a definition lists a subsequence of it). */
export const STEP_ORDER: readonly ScriptStep[] = [
  'dialling',
  'identify',
  'problem',
  'propensity',
  'consent',
  'needs',
  'proposal',
  'close',
];

export interface ScriptObjection {
  /** short code recorded with the contact, e.g. "price" */
  code: string;
  label: Prompt;
  /** the suggested answer the operator sees */
  rebuttal: Prompt;
}

export interface ScriptDefinition {
  flow: FlowId;
  /** semantic version, e.g. 1.2.0 */
  version: string;
  /** the steps in call order */
  steps: readonly ScriptStep[];
  /** the operator's line at each listed step and at `objection`; placeholders: PLACEHOLDERS below */
  lines: Partial<Record<StepId, Prompt>>;
  /** from this step on the customer may ask to be called back; null: never */
  callbackFrom: ScriptStep | null;
  /** the value outcomes the close offers (the product still has to allow them) */
  valueOutcomes: readonly ValueOutcome[];
  /** a lead's follow-up may close on a sale made on the phone (the callback flow) */
  assistedSale: boolean;
  /** the products it may propose; null: the whole active catalogue */
  products: readonly string[] | null;
  objections: readonly ScriptObjection[];
}

export interface FlowRule {
  /** steps every version of the flow has */
  required: readonly ScriptStep[];
  /** steps a version may add */
  optional: readonly ScriptStep[];
  /** what must hold before a proposal; a consent step, where present, adds the marketing consent */
  proposalGate: readonly GateGuard[];
  /** outcomes only this flow's structure reaches */
  assistedSale: boolean;
}

/** The non-negotiable part of each flow (DOMAIN: consent before outbound and cross-sell proposals; OCS solved first). */
export const FLOW_RULES: Record<FlowId, FlowRule> = {
  campaign: {
    required: ['dialling', 'identify', 'consent', 'needs', 'proposal', 'close'],
    optional: [],
    proposalGate: ['hasMarketingConsent'],
    assistedSale: false,
  },
  inbound_sales: {
    required: ['identify', 'needs', 'proposal', 'close'],
    optional: ['consent'],
    proposalGate: [],
    assistedSale: false,
  },
  ocs_cross_sell: {
    required: ['identify', 'problem', 'propensity', 'consent', 'needs', 'proposal', 'close'],
    optional: [],
    proposalGate: ['ocsSolved', 'propensityAccepted', 'hasMarketingConsent'],
    assistedSale: false,
  },
  callback: {
    required: ['dialling', 'identify', 'needs', 'proposal', 'close'],
    optional: ['consent'],
    proposalGate: [],
    assistedSale: true,
  },
};

/**
 * The guards a proposal of this script needs: its flow's gate, plus the marketing consent wherever the script asks for
 * it (a consent step). The one statement of the consent rule: the compiled machine gates the proposal with it (so every
 * completion's replay applies it) and practice scoring asks it whether a contact needed the consent.
 */
export function proposalGateOf(def: Pick<ScriptDefinition, 'flow' | 'steps'>): GateGuard[] {
  const gate: GateGuard[] = [...FLOW_RULES[def.flow].proposalGate];
  if (def.steps.includes('consent') && !gate.includes('hasMarketingConsent')) gate.push('hasMarketingConsent');
  return gate;
}

/** Whether a proposal made under this script needs the customer's marketing consent (proposalGateOf). */
export function proposalNeedsConsent(def: Pick<ScriptDefinition, 'flow' | 'steps'>): boolean {
  return proposalGateOf(def).includes('hasMarketingConsent');
}

/**
 * The placeholders a line may use; the same in both languages. {theProduct} is the product's name with its article
 * ("il Prestito personale", "the Personal loan"), {productPronoun} the pronoun that stands for it ("usar{productPronoun}"
 * → usarlo / usarla / usarli; it / them), both from the product's grammar (reference/italian.ts).
 */
export const PLACEHOLDERS = ['operator', 'customer', 'product', 'theProduct', 'productPronoun'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

export interface DefinitionProblem {
  /** where, e.g. "steps", "lines.proposal.en", "objections.2.code" */
  path: string;
  message: string;
}

const placeholdersOf = (text: string) => [...text.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1] ?? '');

/**
 * Everything that stops a definition from being a script of its flow: a required step missing or one the flow cannot
 * have, steps out of call order, a missing or empty line, placeholders unknown or different between the languages,
 * a callback offered from a step the script does not have, no value outcome, an assisted sale outside the callback
 * flow, duplicate objection codes. Empty when it compiles.
 */
export function definitionProblems(def: ScriptDefinition): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  const rule = FLOW_RULES[def.flow];
  if (!/^\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(def.version)) add('version', 'Use a version such as 1.2.0');
  for (const step of rule.required) {
    if (!def.steps.includes(step)) add('steps', `The ${def.flow} script must have the step "${step}"`);
  }
  for (const step of def.steps) {
    if (!rule.required.includes(step) && !rule.optional.includes(step)) {
      add('steps', `The ${def.flow} script cannot have the step "${step}"`);
    }
  }
  const order = def.steps.map((s) => STEP_ORDER.indexOf(s));
  if (order.some((o, i) => i > 0 && o <= (order[i - 1] ?? -1))) add('steps', 'The steps must follow the call order');
  const withLines: StepId[] = [...def.steps, 'objection'];
  for (const step of withLines) {
    const line = def.lines[step];
    if (!line || !line.it.trim() || !line.en.trim()) {
      add(`lines.${step}`, `The line of "${step}" needs both Italian and English`);
      continue;
    }
    for (const lang of ['it', 'en'] as const) {
      for (const name of placeholdersOf(line[lang])) {
        if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
          add(
            `lines.${step}.${lang}`,
            `Unknown placeholder {${name}}: use ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`,
          );
        }
      }
    }
    const it = placeholdersOf(line.it).sort().join(',');
    const en = placeholdersOf(line.en).sort().join(',');
    if (it !== en) add(`lines.${step}`, 'The Italian and English lines must use the same placeholders');
  }
  if (def.callbackFrom !== null && !def.steps.includes(def.callbackFrom)) {
    add('callbackFrom', `The callback is offered from "${def.callbackFrom}", a step the script does not have`);
  }
  if (def.callbackFrom === 'dialling') add('callbackFrom', 'A callback is agreed with a customer on the line');
  if (def.valueOutcomes.length === 0) add('valueOutcomes', 'Offer at least one value outcome');
  if (new Set(def.valueOutcomes).size !== def.valueOutcomes.length) add('valueOutcomes', 'An outcome is listed twice');
  if (def.assistedSale && !rule.assistedSale)
    add('assistedSale', 'Only a lead follow-up (callback flow) closes on a sale');
  if (def.products !== null && def.products.length === 0) add('products', 'Propose at least one product, or all');
  const codes = def.objections.map((o) => o.code);
  if (new Set(codes).size !== codes.length) add('objections', 'Two objections have the same code');
  def.objections.forEach((o, i) => {
    if (!/^[a-z0-9_]{1,32}$/.test(o.code)) add(`objections.${i}.code`, 'Lower-case letters, digits and _ only');
    for (const lang of ['it', 'en'] as const) {
      if (!o.label[lang].trim() || !o.rebuttal[lang].trim()) {
        add(`objections.${i}`, 'An objection needs its label and rebuttal in both languages');
        break;
      }
    }
  });
  return problems;
}

/** The outcomes a definition's structure can end in (its final states). */
export function outcomesOf(def: ScriptDefinition): Outcome[] {
  const out: Outcome[] = [...def.valueOutcomes, 'not_interested', 'opt_out', 'not_eligible'];
  if (def.steps.includes('dialling')) out.push('not_reached');
  if (def.steps.includes('problem')) out.push('no_proposal');
  if (def.callbackFrom !== null) out.push('callback_scheduled');
  if (def.assistedSale) out.push('assisted_sale');
  return out;
}

/** Orders versions "1.10.0" after "1.9.0" (negative: a before b), for every list of script versions. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/** One difference between two versions of a script, as the studio's diff lists it. */
export type ScriptChange =
  | { kind: 'steps'; added: ScriptStep[]; removed: ScriptStep[] }
  | { kind: 'line'; step: StepId; lang: keyof Prompt; before: string; after: string }
  | { kind: 'objection'; code: string; before: ScriptObjection | null; after: ScriptObjection | null }
  | { kind: 'products'; before: readonly string[] | null; after: readonly string[] | null }
  | { kind: 'valueOutcomes'; before: readonly ValueOutcome[]; after: readonly ValueOutcome[] }
  | { kind: 'callbackFrom'; before: ScriptStep | null; after: ScriptStep | null }
  | { kind: 'assistedSale'; before: boolean; after: boolean };

const sameList = (a: readonly string[] | null, b: readonly string[] | null) =>
  a === null || b === null ? a === b : a.length === b.length && [...a].sort().join() === [...b].sort().join();

/**
 * What `after` changes in `before` (same flow), in reading order: the steps, each line that differs (per language,
 * in call order, the objection line with the proposal), each objection added, removed or reworded (by code), then
 * the products, the value outcomes, where a callback may be agreed and the assisted sale. Empty: the same script.
 */
export function scriptChanges(before: ScriptDefinition, after: ScriptDefinition): ScriptChange[] {
  const out: ScriptChange[] = [];
  const added = after.steps.filter((s) => !before.steps.includes(s));
  const removed = before.steps.filter((s) => !after.steps.includes(s));
  if (added.length || removed.length) out.push({ kind: 'steps', added, removed });
  const lineSteps = STEP_ORDER.flatMap((s): StepId[] => (s === 'proposal' ? ['proposal', 'objection'] : [s]));
  const has = (def: ScriptDefinition, step: StepId) =>
    def.steps.some((s) => s === step || (step === 'objection' && s === 'proposal'));
  for (const step of lineSteps) {
    if (!has(before, step) && !has(after, step)) continue;
    for (const lang of ['it', 'en'] as const) {
      const was = before.lines[step]?.[lang] ?? '';
      const now = after.lines[step]?.[lang] ?? '';
      if (was !== now) out.push({ kind: 'line', step, lang, before: was, after: now });
    }
  }
  const codes = [...new Set([...before.objections.map((o) => o.code), ...after.objections.map((o) => o.code)])];
  for (const code of codes) {
    const was = before.objections.find((o) => o.code === code) ?? null;
    const now = after.objections.find((o) => o.code === code) ?? null;
    if (JSON.stringify(was) !== JSON.stringify(now)) out.push({ kind: 'objection', code, before: was, after: now });
  }
  if (!sameList(before.products, after.products))
    out.push({ kind: 'products', before: before.products, after: after.products });
  if (!sameList(before.valueOutcomes, after.valueOutcomes))
    out.push({ kind: 'valueOutcomes', before: before.valueOutcomes, after: after.valueOutcomes });
  if (before.callbackFrom !== after.callbackFrom)
    out.push({ kind: 'callbackFrom', before: before.callbackFrom, after: after.callbackFrom });
  if (before.assistedSale !== after.assistedSale)
    out.push({ kind: 'assistedSale', before: before.assistedSale, after: after.assistedSale });
  return out;
}
