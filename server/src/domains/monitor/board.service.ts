import {
  BOARD_THRESHOLDS,
  type BoardEvent,
  type BoardInput,
  type BoardOperator,
  type BoardStats,
  type CallMeNowAlert,
  type OperatorStatus,
  type TodayCounts,
} from '@valore/shared/schemas/monitor';
import type { SessionUser } from '@valore/shared/schemas/auth';
import { romeParts, romeToUtc } from '@valore/shared/time/rome-time';
import { randomUUID } from 'node:crypto';
import type { AppDeps } from '../../deps';
import type { FeedSend } from '../../realtime/feed';
import { topics } from '../../realtime/event-bus';
import { DomainError, fieldError } from '../../errors';
import {
  callMeNowDueBefore,
  countOutcomesSince,
  listSiteOperators,
  medianHandleMsSince,
  type SiteOperatorRow,
} from './monitor.repository';
import { toOperatorStatus } from './status.service';
import { productNames } from './queues.repository';
import { readQueueFigures } from './queues.service';

/** How often the board re-reads what no status event announces: today's counts, median handle time, Call Me Now. */
export const BOARD_STATS_INTERVAL_MS = 5_000;

type Listener = (event: BoardEvent) => void;

/** How many recent changes a site's board keeps, so a board that reconnects gets what it missed, not a snapshot. */
export const BOARD_REPLAY = 256;

/**
 * One per site with at least one board open on this node: it keeps the site's board in memory, applies bus
 * events in arrival order and numbers them, so each board gets a consistent snapshot and then every later
 * change exactly once. Everything that touches the state runs on one promise chain.
 */
interface SiteBoard {
  siteId: number;
  /** This board's own id: a board closed and opened again numbers from 0, so ids name the instance too. */
  instance: string;
  seq: number;
  /** The last BOARD_REPLAY changes, oldest first (seq consecutive, ending at `seq`). */
  recent: BoardEvent[];
  operators: Map<number, BoardOperator>;
  stats: BoardStats;
  statsKey: string;
  listeners: Set<Listener>;
  /** Streams attached or about to attach; counted synchronously so a closing board cannot take a new one with it. */
  watchers: number;
  chain: Promise<void>;
  /** Re-reads the figures no status event announces, and sends them when they changed. */
  refresh: () => void;
  stop: () => void;
}

const boards = new WeakMap<AppDeps, Map<number, SiteBoard>>();

const zeroCounts = (): TodayCounts => ({ contacts: 0, appointments: 0, funnel: 0, leads: 0 });

function signedOut(userId: number, at: string): OperatorStatus {
  return {
    userId,
    state: 'signed_out',
    reason: null,
    since: at,
    flow: null,
    step: null,
    stepSince: null,
    interactionClientId: null,
    customerId: null,
  };
}

function startOfRomeDay(now: Date): string {
  return romeToUtc(romeParts(now).date, 0).toISOString();
}

/** The site a board may watch: a tutor only their own, an admin any (and must name it). */
export function boardSite(user: SessionUser, input: Pick<BoardInput, 'siteId'>): number {
  if (user.role === 'admin') {
    if (input.siteId === undefined) throw fieldError({ siteId: ['Choose the site to watch.'] });
    return input.siteId;
  }
  if (user.siteId === null) throw new DomainError('FORBIDDEN', 'FORBIDDEN_SCOPE', 'You are not assigned to a site.');
  if (input.siteId !== undefined && input.siteId !== user.siteId) {
    throw new DomainError('FORBIDDEN', 'FORBIDDEN_SCOPE', 'You can only watch the operators of your own site.');
  }
  return user.siteId;
}

function toBoardOperator(row: SiteOperatorRow, at: string, today: TodayCounts): BoardOperator {
  return {
    ...(row.status ? toOperatorStatus(row.status) : signedOut(row.id, at)),
    username: row.username,
    displayName: row.display_name,
    today,
  };
}

async function readStats(
  deps: AppDeps,
  siteId: number,
): Promise<{ today: Map<number, TodayCounts>; stats: BoardStats }> {
  const now = deps.clock.now();
  const from = startOfRomeDay(now);
  const [counts, medianHandleMs, due, figures] = await Promise.all([
    countOutcomesSince(deps.db, siteId, from),
    medianHandleMsSince(deps.db, siteId, from),
    callMeNowDueBefore(deps.db, new Date(now.getTime() + BOARD_THRESHOLDS.callMeNowWarnMs).toISOString()),
    readQueueFigures(deps.db, deps.config, siteId, now),
  ]);
  const names = await productNames(
    deps.db,
    due.flatMap((r) => (r.product_code ? [r.product_code] : [])),
  );
  const today = new Map<number, TodayCounts>();
  for (const row of counts) {
    const c = today.get(row.operator_id) ?? zeroCounts();
    c.contacts += row.n;
    if (row.outcome === 'up_appointment') c.appointments += row.n;
    else if (row.outcome === 'digital_funnel') c.funnel += row.n;
    else if (row.outcome === 'lead') c.leads += row.n;
    today.set(row.operator_id, c);
  }
  const callMeNow: CallMeNowAlert[] = due.map((r) => ({
    id: r.id,
    productCode: r.product_code ?? '',
    productName: (r.product_code && names.get(r.product_code)) || null,
    dueBy: r.due_by,
    status: r.status,
  }));
  return { today, stats: { medianHandleMs, callMeNow, ...figures } };
}

function emit(board: SiteBoard, event: BoardEvent) {
  board.recent.push(event);
  if (board.recent.length > BOARD_REPLAY) board.recent.shift();
  for (const listener of board.listeners) {
    try {
      listener(event);
    } catch {
      // a closed stream must not stop the others
    }
  }
}

function openBoard(deps: AppDeps, siteId: number): SiteBoard {
  const board: SiteBoard = {
    siteId,
    instance: randomUUID().slice(0, 8),
    seq: 0,
    recent: [],
    operators: new Map(),
    stats: { medianHandleMs: null, callMeNow: [], queues: [], lateCallbacks: [] },
    statsKey: '',
    listeners: new Set(),
    watchers: 0,
    chain: Promise.resolve(),
    refresh: () => undefined,
    stop: () => undefined,
  };
  const run = (step: () => Promise<void> | void) => {
    board.chain = board.chain
      .then(step)
      .catch((err: unknown) => deps.logger.error({ err, siteId }, 'board update failed'));
  };
  const reload = async () => {
    const at = deps.clock.now().toISOString();
    const [rows, { today, stats }] = await Promise.all([listSiteOperators(deps.db, siteId), readStats(deps, siteId)]);
    board.operators = new Map(rows.map((r) => [r.id, toBoardOperator(r, at, today.get(r.id) ?? zeroCounts())]));
    board.stats = stats;
    board.statsKey = JSON.stringify([[...today], stats]);
  };
  // Subscribe before reading, so nothing published during the first read is lost (it queues behind it).
  const unsubscribe = deps.bus.subscribe<OperatorStatus>(topics.siteOperators(siteId), (status) =>
    run(async () => {
      const current = board.operators.get(status.userId);
      if (!current) await reload(); // an operator we did not know: re-read the site
      const base = board.operators.get(status.userId);
      if (!base) return;
      const operator: BoardOperator = { ...base, ...status };
      board.operators.set(status.userId, operator);
      board.seq++;
      emit(board, { kind: 'operator', seq: board.seq, serverTime: deps.clock.now().toISOString(), operator });
    }),
  );
  run(reload);
  let refreshing = false;
  board.refresh = () => {
    if (refreshing) return;
    refreshing = true;
    run(async () => {
      try {
        const { today, stats } = await readStats(deps, siteId);
        const key = JSON.stringify([[...today], stats]);
        if (key === board.statsKey) return;
        board.statsKey = key;
        board.stats = stats;
        const todayRecord: Record<string, TodayCounts> = {};
        for (const [userId, op] of board.operators) {
          op.today = today.get(userId) ?? zeroCounts();
          todayRecord[String(userId)] = op.today;
        }
        board.seq++;
        emit(board, {
          kind: 'stats',
          seq: board.seq,
          serverTime: deps.clock.now().toISOString(),
          today: todayRecord,
          ...stats,
        });
      } finally {
        refreshing = false;
      }
    });
  };
  const timer = setInterval(() => board.refresh(), BOARD_STATS_INTERVAL_MS);
  timer.unref();
  board.stop = () => {
    clearInterval(timer);
    unsubscribe();
  };
  return board;
}

/**
 * Re-reads the figures of the boards open on this node now rather than at the next tick (a callback reassigned):
 * of one site, or (null) of every site — a web or app request is in every site's queues.
 */
export function refreshBoards(deps: AppDeps, siteId: number | null): void {
  for (const [id, board] of boards.get(deps) ?? []) if (siteId === null || id === siteId) board.refresh();
}

/** Where a board that reconnects had got to: the event id it last received (`<instance>.<seq>`). */
export function parseBoardEventId(id: string | null): { instance: string; seq: number } | null {
  const match = id ? /^([0-9a-f]{8})\.(\d{1,15})$/.exec(id) : null;
  return match?.[1] && match[2] ? { instance: match[1], seq: Number(match[2]) } : null;
}

/** The changes after `from` when this board still holds all of them, else null (the caller sends a snapshot). */
function missedSince(board: SiteBoard, from: { instance: string; seq: number } | null): BoardEvent[] | null {
  if (!from || from.instance !== board.instance || from.seq > board.seq) return null;
  const oldest = board.seq - board.recent.length; // the recent changes are oldest+1 … seq
  if (from.seq < oldest) return null;
  return board.recent.slice(from.seq - oldest);
}

/**
 * Starts listening to a site's board: `listener` first receives a full snapshot (or, when `resumeFrom` names an
 * event this board still remembers, only the changes after it), then each change in order.
 * Returns the function that stops listening; the last one to leave closes the site's board.
 */
export function watchBoard(
  deps: AppDeps,
  siteId: number,
  listener: (event: BoardEvent, id: string) => void,
  resumeFrom: string | null = null,
): () => void {
  let sites = boards.get(deps);
  if (!sites) boards.set(deps, (sites = new Map<number, SiteBoard>()));
  let board = sites.get(siteId);
  if (!board) sites.set(siteId, (board = openBoard(deps, siteId)));
  const open = board;
  open.watchers++;
  let active = true;
  const forward: Listener = (event) => listener(event, `${open.instance}.${event.seq}`);
  open.chain = open.chain.then(() => {
    if (!active) return;
    const missed = missedSince(open, parseBoardEventId(resumeFrom));
    if (missed) missed.forEach(forward);
    else
      forward({
        kind: 'snapshot',
        seq: open.seq,
        siteId,
        serverTime: deps.clock.now().toISOString(),
        thresholds: { ...BOARD_THRESHOLDS },
        operators: [...open.operators.values()],
        ...open.stats,
      });
    open.listeners.add(forward);
  });
  return () => {
    if (!active) return;
    active = false;
    open.watchers--;
    open.listeners.delete(forward);
    if (open.watchers === 0) {
      open.stop();
      if (sites.get(siteId) === open) sites.delete(siteId);
    }
  };
}

/** The board feed of one live stream: the site's board for this user (refused before anything is sent). */
export function openBoardFeed(
  deps: AppDeps,
  user: SessionUser,
  input: BoardInput,
  lastEventId: string | null,
  send: FeedSend<BoardEvent>,
): () => void {
  const siteId = boardSite(user, input);
  return watchBoard(deps, siteId, send, lastEventId);
}
