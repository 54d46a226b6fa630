import { FLOW_EVENT_TYPES } from './event-names';
import type { FlowEvent, FlowEventType, FlowInput, StepId } from './types';
import { accepts, flowPlayer, metaOf, type AnyFlowMachine, type FlowPlayer, type FlowSnapshot } from './xstate-adapter';

/**
 * The one way to play events through a script: the server's replay of a completion, the quality timeline and the
 * console (restoring a draft, then each choice the operator makes) all accept and refuse events by these rules.
 */

/** An event as played: a machine event, or one as the host recorded it (plus `at`, the time it was recorded). */
export interface PlayableEvent {
  type: string;
  at?: string;
}

/** The current step, or null once the flow has reached an outcome. */
export function stepOf(snapshot: FlowSnapshot): StepId | null {
  if (snapshot.status !== 'active') return null;
  return metaOf(snapshot)?.step ?? null;
}

function isFlowEventType(type: string): type is FlowEventType {
  return (FLOW_EVENT_TYPES as readonly string[]).includes(type);
}

export type PlayedEvent = { ok: true; snapshot: FlowSnapshot } | { ok: false; reason: string };

/**
 * Plays one event: the snapshot after it, or why the script refuses it where it stands. Only the event's name is
 * checked here, not its payload: payloads are validated when they are recorded (schemas/flow-events.ts).
 */
export function playEvent(player: FlowPlayer, snapshot: FlowSnapshot, played: PlayableEvent): PlayedEvent {
  const { at: _at, ...rest } = played;
  if (!isFlowEventType(rest.type)) return { ok: false, reason: `unknown event ${rest.type}` };
  if (snapshot.status !== 'active') {
    return { ok: false, reason: `event ${rest.type} not allowed after outcome ${snapshot.context.outcome}` };
  }
  // A known name with a payload validated when it was recorded: a flow event.
  const event = rest as FlowEvent;
  if (!accepts(snapshot, event))
    return { ok: false, reason: `event ${rest.type} not allowed at step ${stepOf(snapshot)}` };
  return { ok: true, snapshot: player.next(snapshot, event) };
}

/** Where the script stands: at the start (`event` null), then after each event it accepted. */
export interface Visit<E extends PlayableEvent> {
  snapshot: FlowSnapshot;
  event: E | null;
}

export interface Played {
  /** Where the script stands after the last event it accepted. */
  snapshot: FlowSnapshot;
  /** The first event the script refused (the play stops there), or null when it took them all. */
  refused: { reason: string; atIndex: number } | null;
}

/** Starts the script with `input`, plays `events` in order until one is refused, and shows `onVisit` every stop. */
export function playEvents<E extends PlayableEvent>(
  machine: AnyFlowMachine,
  input: FlowInput,
  events: readonly E[],
  onVisit: (visit: Visit<E>) => void = () => {},
): Played {
  const player = flowPlayer(machine, input);
  let snapshot = player.initial;
  onVisit({ snapshot, event: null });
  for (const [atIndex, event] of events.entries()) {
    const played = playEvent(player, snapshot, event);
    if (!played.ok) return { snapshot, refused: { reason: played.reason, atIndex } };
    snapshot = played.snapshot;
    onVisit({ snapshot, event });
  }
  return { snapshot, refused: null };
}
