import type { ConsentChannel, FunnelChannel, NotReachedReason } from '../flows/event-names';
import {
  acceptedProducts,
  availableEvents,
  flowPlayer,
  objectionsOf,
  playEvent,
  stepOf,
  type AnyFlowMachine,
} from '../flows/index';
import type { FlowEvent, FlowEventType, FlowInput, StepId } from '../flows/types';
import type { Outcome } from '../reference/outcomes';
import { simulateReply, type Persona, type PersonaReply, type PracticeWeights } from './personas';

/**
 * A practice contact as the console plays it (docs/training.md, "Practice mode"): the real script machine, a
 * simulated customer answering each step (personas.ts), and the path the operator took, which the server replays
 * through the same machine to score it (practice-score.ts). This module turns a path entry into the machine's event
 * and plays a whole conversation with an operator who follows the customer — the reference the console's practice
 * mode and the tests play by.
 */

/** One choice the operator recorded in a practice contact. */
export interface PracticePathEntry {
  /** the step the script stood at when the choice was made */
  step: StepId;
  /** the event recorded there */
  choice: FlowEventType;
  /** milliseconds since the practice contact started */
  at: number;
  /** needs.identified: the product */
  productCode?: string | undefined;
  /** consent.granted: phone, sms or email; outcome.funnel: sms or email */
  channel?: ConsentChannel | FunnelChannel | undefined;
  /** contact.not_reached: why (no_answer when absent) */
  reason?: NotReachedReason | undefined;
  /** proposal.objection: the script's code of the objection; absent: one the script did not prepare ("other") */
  objectionCode?: string | undefined;
}

/** An objection raised in a practice contact: its code (or "other") and whether the prepared rebuttal was used. */
export interface PracticeObjection {
  kind: string;
  rebuttalUsed: boolean;
}

/** The kind recorded for an objection the script version did not prepare. */
export const OTHER_OBJECTION_KIND = 'other';

/**
 * Stand-ins for what a practice contact never books (a slot, a follow-up time, a callback time, a sale's reference):
 * the machine does not read them, and practice writes nothing real.
 */
const PRACTICE_TIME = '2000-01-01T00:00:00.000Z';

/** The machine event of a path entry (its payload from the entry, the rest stand-ins). */
export function practiceEvent(entry: PracticePathEntry): FlowEvent {
  switch (entry.choice) {
    case 'contact.not_reached':
      return { type: entry.choice, reason: entry.reason ?? 'no_answer' };
    case 'customer.identified':
      return { type: entry.choice, customerId: 1 };
    case 'consent.granted':
      return { type: entry.choice, channel: entry.channel ?? 'phone' };
    case 'needs.identified':
      return { type: entry.choice, productCode: entry.productCode ?? '' };
    case 'proposal.objection':
      return entry.objectionCode ? { type: entry.choice, code: entry.objectionCode } : { type: entry.choice };
    case 'outcome.appointment':
      return { type: entry.choice, postOfficeId: 1, slotId: 1 };
    case 'outcome.funnel':
      return { type: entry.choice, channel: entry.channel === 'email' ? 'email' : 'sms' };
    case 'outcome.lead':
      return { type: entry.choice, followUpAt: PRACTICE_TIME };
    case 'callback.requested':
      return { type: entry.choice, callbackAt: PRACTICE_TIME };
    case 'outcome.assisted_sale':
      return { type: entry.choice, reference: 'PRACTICE' };
    default:
      return { type: entry.choice };
  }
}

/** The path entry of a customer's reply, as an operator who follows the customer records it. */
function entryOf(step: StepId, choice: FlowEventType, reply: PersonaReply, at: number): PracticePathEntry {
  const entry: PracticePathEntry = { step, choice, at };
  if (choice !== reply.choice) return entry;
  if (reply.details.productCode) entry.productCode = reply.details.productCode;
  if (reply.details.channel) entry.channel = reply.details.channel;
  if (reply.details.reason) entry.reason = reply.details.reason;
  if (reply.details.objection?.code) entry.objectionCode = reply.details.objection.code;
  return entry;
}

export interface PlayedPractice {
  /** null when the conversation did not end within `maxTurns` */
  outcome: Outcome | null;
  path: PracticePathEntry[];
  replies: PersonaReply[];
  objections: PracticeObjection[];
  consentAsked: boolean;
  durationMs: number;
}

export interface PracticeOperator {
  /** whether the operator answers an objection with the prepared rebuttal (default: always) */
  useRebuttal?: (objectionIndex: number) => boolean;
  /** how long the operator spends at a step before recording the choice (default 15 s) */
  stepMs?: (step: StepId, turn: number) => number;
  /** the operator's choice when the customer makes none of the step's choices (default: a callback, or the opt-out) */
  fallback?: (choices: readonly FlowEventType[]) => FlowEventType;
}

const defaultFallback = (choices: readonly FlowEventType[]): FlowEventType =>
  choices.includes('callback.requested')
    ? 'callback.requested'
    : choices.includes('customer.opted_out')
      ? 'customer.opted_out'
      : (choices[0] ?? 'customer.opted_out');

/** The longest a played conversation goes (the API takes paths of at most 200 choices). */
export const MAX_PRACTICE_TURNS = 200;

/**
 * Plays a whole practice contact: at each step the persona answers (simulateReply, with the step's choices as the
 * machine offers them) and the operator records the customer's choice, until the script reaches an outcome. Pure and
 * deterministic: the same machine, input, persona, weights, seed and operator give the same contact.
 */
export function playPractice(
  machine: AnyFlowMachine,
  input: FlowInput,
  persona: Persona,
  weights: PracticeWeights,
  seed: number,
  operator: PracticeOperator = {},
): PlayedPractice {
  const player = flowPlayer(machine, input);
  const prepared = objectionsOf(machine).map((o) => o.code);
  const played: PlayedPractice = {
    outcome: null,
    path: [],
    replies: [],
    objections: [],
    consentAsked: false,
    durationMs: 0,
  };
  let snapshot = player.initial;
  let at = 0;
  let open: { kind: string; rebuttalUsed: boolean } | null = null;
  for (let turn = 0; turn < MAX_PRACTICE_TURNS && snapshot.status === 'active'; turn++) {
    const step = stepOf(snapshot);
    if (step === null) break;
    const choices = availableEvents(machine, snapshot);
    const reply = simulateReply(persona, weights, {
      seed,
      step,
      turn,
      options: {
        choices,
        products: step === 'needs' ? acceptedProducts(snapshot) : undefined,
        presetProductCode: input.presetProductCode,
        preparedObjections: prepared,
        objection: step === 'objection' ? open : null,
        objectionsRaised: played.objections.length,
      },
    });
    const choice = reply.choice ?? (operator.fallback ?? defaultFallback)(choices);
    at += operator.stepMs?.(step, turn) ?? 15_000;
    const entry = entryOf(step, choice, reply, at);
    const next = playEvent(player, snapshot, practiceEvent(entry));
    if (!next.ok) throw new Error(`practice conversation refused by the script: ${next.reason}`);
    snapshot = next.snapshot;
    played.replies.push(reply);
    played.path.push(entry);
    if (choice === 'consent.granted' || choice === 'consent.refused') played.consentAsked = true;
    if (choice === 'proposal.objection') {
      const kind = reply.details.objection?.kind ?? 'think_about_it';
      const code = entry.objectionCode ?? OTHER_OBJECTION_KIND;
      const rebuttalUsed = code !== OTHER_OBJECTION_KIND && (operator.useRebuttal?.(played.objections.length) ?? true);
      played.objections.push({ kind: code, rebuttalUsed });
      open = { kind, rebuttalUsed };
    }
  }
  played.durationMs = at;
  if (snapshot.status === 'done') played.outcome = snapshot.context.outcome;
  return played;
}

export type PracticeReplay =
  { ok: true; outcome: Outcome; steps: StepId[] } | { ok: false; problem: { path: string; message: string } };

/**
 * Replays a practice path through the script the contact played, as the server does before scoring: each entry must
 * be recorded at the step the script stands at and be a choice the script accepts there, and the path must reach an
 * outcome. The first entry that breaks this is the problem (a field path such as "path.3.choice").
 */
export function replayPractice(
  machine: AnyFlowMachine,
  input: FlowInput,
  path: readonly PracticePathEntry[],
): PracticeReplay {
  const player = flowPlayer(machine, input);
  let snapshot = player.initial;
  const steps: StepId[] = [];
  for (const [i, entry] of path.entries()) {
    const step = stepOf(snapshot);
    if (step === null) {
      return { ok: false, problem: { path: `path.${i}`, message: 'The contact already reached its outcome here' } };
    }
    if (steps.at(-1) !== step) steps.push(step);
    if (entry.step !== step) {
      return { ok: false, problem: { path: `path.${i}.step`, message: `The script stands at "${step}" here` } };
    }
    const next = playEvent(player, snapshot, practiceEvent(entry));
    if (!next.ok) return { ok: false, problem: { path: `path.${i}.choice`, message: `Not allowed: ${next.reason}` } };
    snapshot = next.snapshot;
  }
  if (snapshot.status !== 'done' || snapshot.context.outcome === null) {
    return {
      ok: false,
      problem: { path: 'path', message: `The path stops at step "${stepOf(snapshot)}": record the choices to the end` },
    };
  }
  return { ok: true, outcome: snapshot.context.outcome, steps };
}
