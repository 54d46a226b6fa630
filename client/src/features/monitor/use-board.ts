import { useReducer } from 'react';
import type { BoardEvent, BoardOperator, BoardStats, BoardThresholds } from '@valore/shared/schemas/monitor';
import { useLiveStream } from '../../lib/use-live-stream';

export interface BoardState {
  loaded: boolean;
  seq: number;
  operators: BoardOperator[];
  stats: BoardStats;
  thresholds: BoardThresholds | null;
  /** serverTime − local time at the last event, so counters are right even when this PC's clock is off. */
  clockOffsetMs: number;
}

const initial: BoardState = {
  loaded: false,
  seq: -1,
  operators: [],
  stats: { medianHandleMs: null, callMeNow: [], queues: [], lateCallbacks: [] },
  thresholds: null,
  clockOffsetMs: 0,
};

const statsOf = (event: BoardStats): BoardStats => ({
  medianHandleMs: event.medianHandleMs,
  callMeNow: event.callMeNow,
  queues: event.queues,
  lateCallbacks: event.lateCallbacks,
});

export function boardReducer(state: BoardState, event: BoardEvent): BoardState {
  const clockOffsetMs = Date.parse(event.serverTime) - Date.now();
  switch (event.kind) {
    case 'snapshot':
      // A (re)connection always starts from the full current state.
      return {
        loaded: true,
        seq: event.seq,
        operators: event.operators,
        stats: statsOf(event),
        thresholds: event.thresholds,
        clockOffsetMs,
      };
    case 'operator': {
      if (event.seq <= state.seq) return state;
      const exists = state.operators.some((o) => o.userId === event.operator.userId);
      return {
        ...state,
        seq: event.seq,
        clockOffsetMs,
        operators: exists
          ? state.operators.map((o) => (o.userId === event.operator.userId ? event.operator : o))
          : [...state.operators, event.operator],
      };
    }
    case 'stats':
      // the figures carry the number of the last change they were read after (not a number of their own)
      if (event.seq < state.seq) return state;
      return {
        ...state,
        seq: event.seq,
        clockOffsetMs,
        stats: statsOf(event),
        operators: state.operators.map((o) => ({ ...o, today: event.today[String(o.userId)] ?? o.today })),
      };
  }
}

/**
 * The site's live board, pushed over SSE: after a drop the stream resumes with the changes missed (or, when the
 * server no longer holds them, a snapshot that restores everything). `site`: the tutor's own ('own'), the one an
 * admin chose, or null while an admin has not chosen yet (no stream).
 */
export function useBoard(site: { siteId: number } | 'own' | null = 'own') {
  const [state, dispatch] = useReducer(boardReducer, initial);
  const query: Record<string, string> | null =
    site === null ? null : site === 'own' ? {} : { siteId: String(site.siteId) };
  const { status } = useLiveStream('board', dispatch, query);
  return { ...state, status };
}
