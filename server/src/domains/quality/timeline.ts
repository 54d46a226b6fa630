import { FLOW_EVENT_TYPES, flowMachine, flowPlayer, stepOf } from '@valore/shared/flows/index';
import type { FlowEvent, FlowInput } from '@valore/shared/flows/types';
import type { FlowId } from '@valore/shared/reference/outcomes';

export interface StepSpan {
  step: string;
  enteredAt: string;
  leftAt: string;
  events: { type: string; at: string }[];
}

interface Recorded {
  type: string;
  at: string;
  [k: string]: unknown;
}

/**
 * Rebuilds when the operator entered and left each script step, by running the recorded events through the
 * script version they were recorded under (the same pure transitions the server used to accept the contact).
 * Returns null when the events no longer replay with the given input.
 */
export function stepTimeline(
  flow: FlowId,
  version: string,
  input: FlowInput,
  events: readonly Recorded[],
  startedAt: string,
  endedAt: string,
): StepSpan[] | null {
  const machine = flowMachine(flow, version);
  if (!machine) return null;
  const player = flowPlayer(machine, input);
  let snapshot = player.initial;
  const first = stepOf(snapshot);
  if (first === null) return null;
  const spans: StepSpan[] = [{ step: first, enteredAt: startedAt, leftAt: endedAt, events: [] }];
  for (const recorded of events) {
    const { at, ...event } = recorded;
    if (!(FLOW_EVENT_TYPES as string[]).includes(event.type) || snapshot.status !== 'active') return null;
    const flowEvent = event as FlowEvent;
    if (!snapshot.can(flowEvent)) return null;
    const current = spans.at(-1);
    current?.events.push({ type: event.type, at });
    snapshot = player.next(snapshot, flowEvent);
    const step = stepOf(snapshot);
    if (step !== null && current && step !== current.step) {
      current.leftAt = at;
      spans.push({ step, enteredAt: at, leftAt: endedAt, events: [] });
    }
  }
  return spans;
}

/** When the events do not replay any more: the recorded path, untimed, with every event under the first step. */
export function untimedTimeline(path: readonly string[], events: readonly Recorded[], startedAt: string, endedAt: string): StepSpan[] {
  return path.map((step, i) => ({
    step,
    enteredAt: startedAt,
    leftAt: endedAt,
    events: i === 0 ? events.map((e) => ({ type: e.type, at: e.at })) : [],
  }));
}
