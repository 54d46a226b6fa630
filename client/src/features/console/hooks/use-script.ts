import {
  flowPlayer,
  playEvent,
  playEvents,
  type AnyFlowMachine,
  type FlowSnapshot,
  type RecordedEvent,
} from '@valore/shared/flows/index';
import type { FlowEvent, FlowInput } from '@valore/shared/flows/types';
import { useRef, useState } from 'react';

/**
 * The script as the operator plays it: restored where the recorded events left it (after a reload, or a step taken
 * back), then moved one choice at a time, by the same rules and transitions the server replays the contact with.
 * The machine (the version the contact plays) and input are read when the script starts: the draft they come from is
 * fixed for the caller's life.
 */
export function useScript(machine: AnyFlowMachine, input: FlowInput, recorded: readonly RecordedEvent[]) {
  const [player] = useState(() => flowPlayer(machine, input));
  const [snapshot, setSnapshot] = useState(() => playEvents(machine, input, recorded).snapshot);
  // Two choices before a render (a double click) must see each other: `take` reads this, not the rendered snapshot.
  const latest = useRef(snapshot);

  /** Plays the operator's choice; null (nothing changes) when the script does not take it where it stands. */
  function take(event: FlowEvent): { before: FlowSnapshot; after: FlowSnapshot } | null {
    const before = latest.current;
    const played = playEvent(player, before, event);
    if (!played.ok) return null;
    latest.current = played.snapshot;
    setSnapshot(played.snapshot);
    return { before, after: played.snapshot };
  }

  return { snapshot, take };
}
