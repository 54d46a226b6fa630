import { playEvents, stepOf, type AnyFlowMachine, type RecordedEvent } from '@valore/shared/flows/index';
import type { FlowInput } from '@valore/shared/flows/types';

export interface StepSpan {
  step: string;
  enteredAt: string;
  leftAt: string;
  events: { type: string; at: string }[];
}

/**
 * Rebuilds when the operator entered and left each script step, by running the recorded events through the
 * script version they were recorded under (the same pure transitions the server used to accept the contact; the
 * caller finds its machine, scripts/script-versions.ts machineFor; undefined: a version no longer known).
 * Returns null when the events no longer replay with the given input.
 */
export function stepTimeline(
  machine: AnyFlowMachine | undefined,
  input: FlowInput,
  events: readonly RecordedEvent[],
  startedAt: string,
  endedAt: string,
): StepSpan[] | null {
  if (!machine) return null;
  const spans: StepSpan[] = [];
  const { refused } = playEvents(machine, input, events, ({ snapshot, event }) => {
    const step = stepOf(snapshot);
    if (!event) {
      if (step !== null) spans.push({ step, enteredAt: startedAt, leftAt: endedAt, events: [] });
      return;
    }
    const current = spans.at(-1);
    if (!current) return;
    // the event belongs to the step it was taken at, even when it leads to another one
    current.events.push({ type: event.type, at: event.at });
    if (step !== null && step !== current.step) {
      current.leftAt = event.at;
      spans.push({ step, enteredAt: event.at, leftAt: endedAt, events: [] });
    }
  });
  // a script that stands at no step when it starts has no timeline either
  return refused || spans.length === 0 ? null : spans;
}

/** When the events do not replay any more: the recorded path, untimed, with every event under the first step. */
export function untimedTimeline(
  path: readonly string[],
  events: readonly RecordedEvent[],
  startedAt: string,
  endedAt: string,
): StepSpan[] {
  return path.map((step, i) => ({
    step,
    enteredAt: startedAt,
    leftAt: endedAt,
    events: i === 0 ? events.map((e) => ({ type: e.type, at: e.at })) : [],
  }));
}
