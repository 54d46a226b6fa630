/** Time an operator spent in each kind of state inside the window they were expected at work (milliseconds). */
export interface AdherenceFigures {
  expectedMs: number;
  /** Ready, on a contact or in after-call work */
  workingMs: number;
  pausedMs: number;
  /** signed out, or no status at all */
  absentMs: number;
}

const WORKING = new Set(['ready', 'on_contact', 'after_call_work']);

/**
 * Adherence of one operator over one window: the status they were in when it began (`initial`, their last change
 * before it; null: none yet) and each change inside it, in time order. Every millisecond of the window counts once,
 * in the state that held then. Pure, so the report and its tests read the same arithmetic.
 */
export function adherenceOver(
  window: { from: number; to: number },
  initial: string | null,
  changes: readonly { at: number; state: string }[],
): AdherenceFigures {
  const out: AdherenceFigures = {
    expectedMs: Math.max(0, window.to - window.from),
    workingMs: 0,
    pausedMs: 0,
    absentMs: 0,
  };
  if (out.expectedMs === 0) return out;
  let state = initial;
  let since = window.from;
  const add = (until: number) => {
    const ms = Math.max(0, Math.min(until, window.to) - since);
    if (state !== null && WORKING.has(state)) out.workingMs += ms;
    else if (state === 'paused') out.pausedMs += ms;
    else out.absentMs += ms;
  };
  for (const change of changes) {
    if (change.at <= window.from) {
      state = change.state;
      continue;
    }
    if (change.at >= window.to) break;
    add(change.at);
    state = change.state;
    since = change.at;
  }
  add(window.to);
  return out;
}
