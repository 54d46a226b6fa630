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
import { toOperatorStatus, type BoardPoke } from './status.service';
import { hasUnnumberedChanges, lastBoardSeq, numberBoardChanges, readBoardChanges } from './board-sequence';
import { productNames } from './queues.repository';
import { readQueueFigures } from './queues.service';

/** How often the board re-reads what no status event announces: today's counts, median handle time, Call Me Now. */
export const BOARD_STATS_INTERVAL_MS = 5_000;

type Listener = (event: BoardEvent) => void;

/**
 * One per site with at least one board open on this node: it keeps the site's board in memory and applies the
 * site's numbered changes (board-sequence.ts) in order, so each board gets a consistent snapshot and then every
 * later change exactly once, under the number every node gives it. Everything that touches the state runs on one
 * promise chain.
 */
interface SiteBoard {
  siteId: number;
  /** The number of the last change applied (the site's, in the database: the same on every node). */
  seq: number;
  operators: Map<number, BoardOperator>;
  stats: BoardStats;
  statsKey: string;
  listeners: Set<Listener>;
  /** Streams attached or about to attach; counted synchronously so a closing board cannot take a new one with it. */
  watchers: number;
  chain: Promise<void>;
  /** Re-reads the figures no status event announces, and sends them when they changed. */
  refresh: () => void;
  /** Applies the site's numbered changes after `seq` (a board that fell too far behind starts again: snapshot). */
  catchUp: () => Promise<void>;
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
  for (const listener of board.listeners) {
    try {
      listener(event);
    } catch {
      // a closed stream must not stop the others
    }
  }
}

function snapshotOf(deps: AppDeps, board: SiteBoard): BoardEvent {
  return {
    kind: 'snapshot',
    seq: board.seq,
    siteId: board.siteId,
    serverTime: deps.clock.now().toISOString(),
    thresholds: { ...BOARD_THRESHOLDS },
    operators: [...board.operators.values()],
    ...board.stats,
  };
}

function statsEventOf(deps: AppDeps, board: SiteBoard): BoardEvent {
  const today: Record<string, TodayCounts> = {};
  for (const [userId, op] of board.operators) today[String(userId)] = op.today;
  // the figures are not numbered changes: they carry the number of the last change they were read after
  return { kind: 'stats', seq: board.seq, serverTime: deps.clock.now().toISOString(), today, ...board.stats };
}

function openBoard(deps: AppDeps, siteId: number): SiteBoard {
  const board: SiteBoard = {
    siteId,
    seq: 0,
    operators: new Map(),
    stats: { medianHandleMs: null, callMeNow: [], queues: [], lateCallbacks: [] },
    statsKey: '',
    listeners: new Set(),
    watchers: 0,
    chain: Promise.resolve(),
    refresh: () => undefined,
    catchUp: () => Promise.resolve(),
    stop: () => undefined,
  };
  const run = (step: () => Promise<void> | void) => {
    board.chain = board.chain
      .then(step)
      .catch((err: unknown) => deps.logger.error({ err, siteId }, 'board update failed'));
  };
  const reloadOperators = async () => {
    const at = deps.clock.now().toISOString();
    const [rows, { today, stats }] = await Promise.all([listSiteOperators(deps.db, siteId), readStats(deps, siteId)]);
    board.operators = new Map(rows.map((r) => [r.id, toBoardOperator(r, at, today.get(r.id) ?? zeroCounts())]));
    board.stats = stats;
    board.statsKey = JSON.stringify([[...today], stats]);
  };
  // the number first, then the state: a change committed in between is in the state and applied again after (the
  // same status twice), never missing from both
  const reload = async () => {
    board.seq = await lastBoardSeq(deps.db, siteId);
    await reloadOperators();
  };
  board.catchUp = async () => {
    for (;;) {
      const changes = await readBoardChanges(deps.db, siteId, board.seq, 500);
      if (changes.length === 0) return;
      if (changes[0]?.seq !== board.seq + 1) {
        // pruned past this board (it fell more than BOARD_RETAIN changes behind): start again from the current state
        await reload();
        emit(board, snapshotOf(deps, board));
        return;
      }
      for (const change of changes) {
        if (!board.operators.has(change.status.userId)) await reloadOperators(); // an operator we did not know
        const base = board.operators.get(change.status.userId);
        board.seq = change.seq;
        if (!base) continue;
        const operator: BoardOperator = { ...base, ...change.status };
        board.operators.set(change.status.userId, operator);
        emit(board, { kind: 'operator', seq: change.seq, serverTime: deps.clock.now().toISOString(), operator });
      }
      if (changes.length < 500) return;
    }
  };
  // Subscribe before reading, so nothing announced during the first read is lost (it queues behind it).
  const unsubscribe = deps.bus.subscribe<BoardPoke>(topics.siteOperators(siteId), (poke) => {
    if (poke.seq === null || poke.seq > board.seq) run(board.catchUp);
  });
  run(reload);
  let refreshing = false;
  board.refresh = () => {
    if (refreshing) return;
    refreshing = true;
    run(async () => {
      try {
        // a change whose node stopped before numbering it (PostgreSQL) is numbered here, and a poke missed is
        // made up for: the board never waits for the next change of its site
        if (await hasUnnumberedChanges(deps.db, siteId)) await numberBoardChanges(deps.db, siteId);
        await board.catchUp();
        const { today, stats } = await readStats(deps, siteId);
        const key = JSON.stringify([[...today], stats]);
        if (key === board.statsKey) return;
        board.statsKey = key;
        board.stats = stats;
        for (const [userId, op] of board.operators) op.today = today.get(userId) ?? zeroCounts();
        emit(board, statsEventOf(deps, board));
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

/** A board event's id: `<site>.<number>`, the same on every node. */
const boardEventId = (siteId: number, seq: number) => `${siteId}.${seq}`;

/** Where a board that reconnects had got to: the event id it last received (`<site>.<number>`). */
export function parseBoardEventId(id: string | null): { siteId: number; seq: number } | null {
  const match = id ? /^(\d{1,15})\.(\d{1,15})$/.exec(id) : null;
  return match?.[1] && match[2] ? { siteId: Number(match[1]), seq: Number(match[2]) } : null;
}

/**
 * The changes after `from` when the site still keeps all of them, else null (the caller sends a snapshot). Read from
 * the database, so a board resumes on whichever node, and after its site's board closed here in between.
 */
async function missedSince(
  deps: AppDeps,
  board: SiteBoard,
  from: { siteId: number; seq: number } | null,
): Promise<BoardEvent[] | null> {
  if (!from || from.siteId !== board.siteId || from.seq > board.seq) return null;
  const count = board.seq - from.seq;
  const changes = count === 0 ? [] : await readBoardChanges(deps.db, board.siteId, from.seq, count);
  if (changes.length !== count || (count > 0 && changes[0]?.seq !== from.seq + 1)) return null;
  const serverTime = deps.clock.now().toISOString();
  const missed: BoardEvent[] = [];
  for (const change of changes) {
    const base = board.operators.get(change.status.userId);
    if (!base) return null;
    missed.push({ kind: 'operator', seq: change.seq, serverTime, operator: { ...base, ...change.status } });
  }
  // then the figures as they are now (they are re-read, not numbered: whatever changed while away is in them)
  missed.push(statsEventOf(deps, board));
  return missed;
}

/**
 * Starts listening to a site's board: `listener` first receives a full snapshot (or, when `resumeFrom` names an
 * event the site still keeps, only the changes after it and the current figures), then each change in order.
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
  const forward: Listener = (event) => listener(event, boardEventId(siteId, event.seq));
  open.chain = open.chain
    .then(async () => {
      if (!active) return;
      // a board resuming from another node may be ahead of this one: this one catches up first
      await open.catchUp();
      const missed = await missedSince(deps, open, parseBoardEventId(resumeFrom));
      if (!active) return;
      if (missed) missed.forEach(forward);
      else forward(snapshotOf(deps, open));
      open.listeners.add(forward);
    })
    .catch((err: unknown) => {
      deps.logger.error({ err, siteId }, 'board resume failed; sending the full state');
      if (!active) return;
      forward(snapshotOf(deps, open));
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
