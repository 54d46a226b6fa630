import { proposalNeedsConsent, STEP_ORDER, type ScriptDefinition } from '../flows/definition';
import type { StepId } from '../flows/types';
import { endsInValue, type FlowId, type Outcome } from '../reference/outcomes';
import { OTHER_OBJECTION_KIND, type PracticeObjection, type PracticePathEntry } from './practice-play';

/**
 * The automatic score of a practice contact (docs/training.md, "Practice mode"), computed by the server from the path
 * it replayed through the script: five criteria, each with its points and a reason key the console translates, 0–100
 * in all. Pure: the same path always scores the same.
 *
 * - steps (25): every step of the script on the way to the outcome was really gone through — the operator spent at
 *   least MIN_STEP_DWELL_MS there (said the line) before recording the choice; points in proportion.
 * - consent (20): where the script's proposal needs the marketing consent (proposalNeedsConsent, the rule the real
 *   machine gates the proposal with) and the customer had none on file, the consent was asked once the call reached
 *   its step — unless the customer ended the call there first.
 * - objections (20): each objection was answered; with the prepared rebuttal where the script has one (an answered
 *   objection without it counts half; a lost one with it a quarter). Full points when none was raised.
 * - value (25): a value outcome (or a sale on the phone); 10 for a callback agreed; none otherwise.
 * - time (10): within the flow's target time; half up to half as long again.
 */

export const PRACTICE_CRITERIA = ['steps', 'consent', 'objections', 'value', 'time'] as const;
export type PracticeCriterion = (typeof PRACTICE_CRITERIA)[number];

export const CRITERION_POINTS: Record<PracticeCriterion, number> = {
  steps: 25,
  consent: 20,
  objections: 20,
  value: 25,
  time: 10,
};

/** The reason keys of each criterion's points (the console translates them). */
export const PRACTICE_REASONS = [
  'all_steps_covered',
  'steps_rushed',
  'consent_not_needed',
  'consent_asked',
  'consent_customer_ended',
  'consent_not_asked',
  'no_objection',
  'objections_handled',
  'objections_partly_handled',
  'objections_not_handled',
  'value_reached',
  'callback_agreed',
  'no_value',
  'within_target',
  'over_target',
  'far_over_target',
] as const;
export type PracticeReason = (typeof PRACTICE_REASONS)[number];

/** A step counts as gone through when the operator spent at least this long there. */
export const MIN_STEP_DWELL_MS = 3_000;

/** How long a practice contact of each flow should take at most. */
export const PRACTICE_TIME_TARGET_MS: Record<FlowId, number> = {
  campaign: 6 * 60_000,
  inbound_sales: 5 * 60_000,
  ocs_cross_sell: 8 * 60_000,
  callback: 5 * 60_000,
};

export interface CriterionScore {
  criterion: PracticeCriterion;
  points: number;
  max: number;
  reason: PracticeReason;
  /** the steps rushed through (steps) */
  steps?: StepId[];
}

export interface PracticeScore {
  /** 0–100 */
  total: number;
  criteria: CriterionScore[];
}

export interface PracticeScoreInput {
  definition: Pick<ScriptDefinition, 'flow' | 'steps' | 'objections'>;
  /** the synthetic customer had a phone marketing consent on file (the script skipped its consent step) */
  customerHadConsent: boolean;
  /** the path as the server replayed it (every entry accepted by the script at its step) */
  path: readonly Pick<PracticePathEntry, 'step' | 'choice' | 'at'>[];
  outcome: Outcome;
  objections: readonly PracticeObjection[];
  durationMs: number;
}

const criterion = (
  name: PracticeCriterion,
  share: number,
  reason: PracticeReason,
  extra: Partial<CriterionScore> = {},
): CriterionScore => ({
  criterion: name,
  points: Math.round(CRITERION_POINTS[name] * Math.min(1, Math.max(0, share))),
  max: CRITERION_POINTS[name],
  reason,
  ...extra,
});

/** Time spent at each step: from the previous choice (or the start) to the choice made there, summed per step. */
function dwellByStep(path: PracticeScoreInput['path']): Map<StepId, number> {
  const dwell = new Map<StepId, number>();
  let previous = 0;
  for (const entry of path) {
    dwell.set(entry.step, (dwell.get(entry.step) ?? 0) + Math.max(0, entry.at - previous));
    previous = entry.at;
  }
  return dwell;
}

/** The script's steps on the way to where the contact ended (the consent step skipped when consent was on file). */
export function expectedSteps(input: Pick<PracticeScoreInput, 'definition' | 'customerHadConsent' | 'path'>): StepId[] {
  const order = (s: StepId) => (STEP_ORDER as readonly StepId[]).indexOf(s === 'objection' ? 'proposal' : s);
  const reached = Math.max(-1, ...input.path.map((e) => order(e.step)));
  return input.definition.steps.filter((s) => order(s) <= reached && !(s === 'consent' && input.customerHadConsent));
}

function stepsCriterion(input: PracticeScoreInput): CriterionScore {
  const expected = expectedSteps(input);
  const dwell = dwellByStep(input.path);
  const rushed = expected.filter((s) => (dwell.get(s) ?? 0) < MIN_STEP_DWELL_MS);
  if (expected.length === 0) return criterion('steps', 1, 'all_steps_covered');
  const share = (expected.length - rushed.length) / expected.length;
  return rushed.length === 0
    ? criterion('steps', share, 'all_steps_covered')
    : criterion('steps', share, 'steps_rushed', { steps: rushed });
}

function consentCriterion(input: PracticeScoreInput): CriterionScore {
  const reachedConsent = input.path.some((e) => e.step === 'consent');
  const needed = proposalNeedsConsent(input.definition) && !input.customerHadConsent && reachedConsent;
  if (!needed) return criterion('consent', 1, 'consent_not_needed');
  if (input.path.some((e) => e.choice === 'consent.granted' || e.choice === 'consent.refused')) {
    return criterion('consent', 1, 'consent_asked');
  }
  const last = input.path.at(-1);
  const customerEnded =
    last?.step === 'consent' && (last.choice === 'customer.opted_out' || last.choice === 'callback.requested');
  return customerEnded
    ? criterion('consent', 1, 'consent_customer_ended')
    : criterion('consent', 0, 'consent_not_asked');
}

/** Whether each objection of the path was answered (the customer went back to the proposal). */
export function objectionsResolved(path: PracticeScoreInput['path']): boolean[] {
  return path.flatMap((e, i) =>
    e.choice === 'proposal.objection' ? [path[i + 1]?.choice === 'objection.resolved'] : [],
  );
}

function objectionsCriterion(input: PracticeScoreInput): CriterionScore {
  if (input.objections.length === 0) return criterion('objections', 1, 'no_objection');
  const resolved = objectionsResolved(input.path);
  const codes = new Set(input.definition.objections.map((o) => o.code));
  const each = input.objections.map((o, i): number => {
    const prepared = o.kind !== OTHER_OBJECTION_KIND && codes.has(o.kind);
    if (resolved[i]) return o.rebuttalUsed || !prepared ? 1 : 0.5;
    return o.rebuttalUsed && prepared ? 0.25 : 0;
  });
  const share = each.reduce((s, x) => s + x, 0) / each.length;
  const reason =
    share >= 1 ? 'objections_handled' : share <= 0 ? 'objections_not_handled' : 'objections_partly_handled';
  return criterion('objections', share, reason);
}

function valueCriterion(outcome: Outcome): CriterionScore {
  if (endsInValue(outcome)) return criterion('value', 1, 'value_reached');
  if (outcome === 'callback_scheduled') return criterion('value', 10 / CRITERION_POINTS.value, 'callback_agreed');
  return criterion('value', 0, 'no_value');
}

function timeCriterion(flow: FlowId, durationMs: number): CriterionScore {
  const target = PRACTICE_TIME_TARGET_MS[flow];
  if (durationMs <= target) return criterion('time', 1, 'within_target');
  if (durationMs <= target * 1.5) return criterion('time', 0.5, 'over_target');
  return criterion('time', 0, 'far_over_target');
}

/** The practice contact's score: the five criteria and their total (0–100). */
export function scorePractice(input: PracticeScoreInput): PracticeScore {
  const criteria = [
    stepsCriterion(input),
    consentCriterion(input),
    objectionsCriterion(input),
    valueCriterion(input.outcome),
    timeCriterion(input.definition.flow, input.durationMs),
  ];
  return { total: criteria.reduce((s, c) => s + c.points, 0), criteria };
}

/** A practice completion that contradicts itself: where, and why (the API answers 400 with them by field). */
export interface PracticeProblem {
  path: string;
  message: string;
}

/**
 * What a completion's own parts must agree on before its path is replayed: the times never go back and end within the
 * duration; the objections list each objection of the path in order, by the code recorded there ("other" for one the
 * script did not prepare); consentAsked says whether the path asked the consent.
 */
export function practiceProblems(input: {
  path: readonly PracticePathEntry[];
  objections: readonly PracticeObjection[];
  consentAsked: boolean;
  durationMs: number;
}): PracticeProblem[] {
  const problems: PracticeProblem[] = [];
  input.path.forEach((e, i) => {
    const previous = i > 0 ? (input.path[i - 1]?.at ?? 0) : 0;
    if (e.at < previous) problems.push({ path: `path.${i}.at`, message: 'Times must not go back' });
  });
  const last = input.path.at(-1)?.at ?? 0;
  if (last > input.durationMs) {
    problems.push({ path: 'durationMs', message: 'The contact lasts at least until its last choice' });
  }
  const raised = input.path.filter((e) => e.choice === 'proposal.objection');
  if (raised.length !== input.objections.length) {
    problems.push({
      path: 'objections',
      message: `The path raises ${raised.length} objection(s): list each one, in order`,
    });
  } else {
    raised.forEach((e, i) => {
      const kind = e.objectionCode ?? OTHER_OBJECTION_KIND;
      if (input.objections[i]?.kind !== kind) {
        problems.push({ path: `objections.${i}.kind`, message: `The path records "${kind}" here` });
      }
    });
  }
  const asked = input.path.some((e) => e.choice === 'consent.granted' || e.choice === 'consent.refused');
  if (asked !== input.consentAsked) {
    problems.push({
      path: 'consentAsked',
      message: asked ? 'The path asks the consent' : 'The path does not ask the consent',
    });
  }
  return problems;
}
