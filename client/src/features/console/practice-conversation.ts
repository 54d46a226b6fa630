import {
  acceptedProducts,
  availableEvents,
  flowPlayer,
  objectionsOf,
  playEvent,
  stepOf,
  type AnyFlowMachine,
  type FlowSnapshot,
  type RecordedEvent,
} from '@valore/shared/flows/index';
import { CONSENT_CHANNELS, FLOW_EVENT_TYPES, NOT_REACHED_REASONS } from '@valore/shared/flows/event-names';
import type { FlowInput } from '@valore/shared/flows/types';
import { simulateReply, type Persona, type PersonaReply, type PracticeWeights } from '@valore/shared/training/personas';
import {
  OTHER_OBJECTION_KIND,
  type PracticeObjection,
  type PracticePathEntry,
} from '@valore/shared/training/practice-play';

/** What the simulated customer needs to answer: who they are and how they lean (practice.start's answer). */
export interface PracticeCustomer {
  persona: Persona;
  weights: PracticeWeights;
  seed: number;
}

export interface PracticeConversation {
  snapshot: FlowSnapshot;
  /** the customer's reply at the step the script stands at; null once it reached an outcome */
  reply: PersonaReply | null;
  /** the choices recorded so far, as practice.complete takes them (shared/training/practice-play.ts) */
  path: PracticePathEntry[];
  objections: PracticeObjection[];
  consentAsked: boolean;
}

const pick = <T extends string>(values: readonly T[], value: unknown): T | undefined => values.find((v) => v === value);

/** A recorded event as a path entry: the step it was recorded at, its name, when, and its payload's details. */
function entryOf(step: PracticePathEntry['step'], event: RecordedEvent, startedAt: number): PracticePathEntry | null {
  const choice = pick(FLOW_EVENT_TYPES, event.type);
  if (!choice) return null;
  const entry: PracticePathEntry = { step, choice, at: Math.max(0, Date.parse(event.at) - startedAt) };
  if (typeof event.productCode === 'string') entry.productCode = event.productCode;
  const channel = pick(CONSENT_CHANNELS, event.channel);
  if (channel) entry.channel = channel;
  const reason = pick(NOT_REACHED_REASONS, event.reason);
  if (reason) entry.reason = reason;
  if (typeof event.code === 'string') entry.objectionCode = event.code;
  return entry;
}

/**
 * The practice contact so far, from the events the operator recorded in the console's script panel: the script
 * replayed, the customer's reply at each turn, and the path, objections and consent as practice.complete takes them.
 * It follows playPractice (shared/training/practice-play.ts) turn by turn — the same reply options (the step's
 * choices, the needs step's products, the open objection and whether its prepared rebuttal was used), the same path
 * entries — so the customer answers here exactly as the server's practice.reply would. Computed locally (simulateReply
 * is pure, and practice.start handed over the seed and weights) so a reply never waits on the network. Pure.
 */
export function practiceConversation(
  machine: AnyFlowMachine,
  input: FlowInput,
  customer: PracticeCustomer,
  events: readonly RecordedEvent[],
  startedAt: number,
): PracticeConversation {
  const player = flowPlayer(machine, input);
  const prepared = objectionsOf(machine).map((o) => o.code);
  const conversation: PracticeConversation = {
    snapshot: player.initial,
    reply: null,
    path: [],
    objections: [],
    consentAsked: false,
  };
  let open: { kind: string; rebuttalUsed: boolean } | null = null;
  const replyAt = (turn: number): PersonaReply | null => {
    const { snapshot } = conversation;
    const step = stepOf(snapshot);
    if (step === null) return null;
    return simulateReply(customer.persona, customer.weights, {
      seed: customer.seed,
      step,
      turn,
      options: {
        choices: availableEvents(machine, snapshot),
        products: step === 'needs' ? acceptedProducts(snapshot) : undefined,
        presetProductCode: input.presetProductCode,
        preparedObjections: prepared,
        objection: step === 'objection' ? open : null,
        objectionsRaised: conversation.objections.length,
      },
    });
  };
  for (const [turn, event] of events.entries()) {
    const step = stepOf(conversation.snapshot);
    const reply = replyAt(turn);
    const entry = step === null ? null : entryOf(step, event, startedAt);
    const next = entry ? playEvent(player, conversation.snapshot, event) : null;
    if (!entry || !next?.ok) break;
    conversation.snapshot = next.snapshot;
    conversation.path.push(entry);
    if (entry.choice === 'consent.granted' || entry.choice === 'consent.refused') conversation.consentAsked = true;
    if (entry.choice === 'proposal.objection') {
      // the objection the customer raised (its kind, from their reply) is the one they weigh the answer to
      const kind = reply?.details.objection?.kind ?? 'think_about_it';
      const code = entry.objectionCode ?? OTHER_OBJECTION_KIND;
      // the console shows the prepared rebuttal of a prepared objection: the operator answers with it
      const rebuttalUsed = code !== OTHER_OBJECTION_KIND;
      conversation.objections.push({ kind: code, rebuttalUsed });
      open = { kind, rebuttalUsed };
    }
  }
  conversation.reply = replyAt(conversation.path.length);
  return conversation;
}
