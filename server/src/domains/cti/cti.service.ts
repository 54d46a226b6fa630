import type { Insertable } from 'kysely';
import type {
  CallState,
  CtiCallState,
  CtiCurrent,
  CtiEventAccepted,
  CtiEventBody,
  CtiEventType,
  InboundFlow,
  ScreenPop,
} from '@valore/shared/schemas/cti';
import type { Executor } from '../../db/database';
import { intakeConfig, type AppDeps } from '../../deps';
import { DomainError } from '../../errors';
import type { FeedMark, FeedSend } from '../../realtime/feed';
import { uniqueCustomerByPhone } from '../callbacks/callbacks.repository';
import { normalisePhone } from '../customers/customers.service';
import { maskPhone } from '../customers/masking';
import {
  customerName,
  findCtiCall,
  findOperatorByUsername,
  insertCtiCall,
  recentCallsOf,
  updateCtiCall,
  type CtiCallRow,
} from './cti.repository';
import type { CtiCallsTable } from './cti.table';

/** The bus topic an operator's console listens on for screen pops and call changes. */
export const screenPopTopic = (userId: number) => `operator:${userId}:screen-pop`;

/** What goes over the bus: the pop plus the id a resuming subscriber gives back as lastEventId. */
export type ScreenPopEvent = ScreenPop & { eventId: string };

/** Calls only move forward: a late `offered` after `answered` keeps the call answered. */
const RANK: Record<CtiCallState, number> = { offered: 1, answered: 2, ended: 3 };
/** A resumed stream replays calls touched this recently; the strip's "call now" looks this far back. */
const REPLAY_WINDOW_MS = 10 * 60_000;
/** A console that stops reading gets the newest pops, not an ever-growing backlog. */
const MAX_QUEUED = 50;

/** The flow a dialled number preselects: exact digits, or without an international prefix. */
export function flowForDnis(
  dnis: string,
  numbers: Record<string, InboundFlow>,
): { dnis: string; flow: InboundFlow | null } {
  const digits = dnis.replace(/\D/g, '');
  const candidates = [
    digits,
    digits.startsWith('0039') ? digits.slice(4) : null,
    digits.startsWith('39') ? digits.slice(2) : null,
  ];
  for (const candidate of candidates) {
    const flow = candidate === null ? undefined : numbers[candidate];
    if (candidate !== null && flow) return { dnis: candidate, flow };
  }
  return { dnis: digits, flow: null };
}

/** A caller's number in +39… form, or null when it was withheld or is not a number. */
function normaliseAni(ani: string): string | null {
  return /^[+\d\s\-./()]+$/.test(ani) ? normalisePhone(ani) : null;
}

/** `<ms of the last change>.<row id>.<version>`: orders a call's changes, and the calls among themselves. */
const eventIdOf = (row: CtiCallRow) => `${Date.parse(row.updated_at)}.${row.id}.${row.version}`;

/** The call as the strip shows it. */
export function callStateOf(row: CtiCallRow): CallState {
  return {
    state: row.state,
    direction: row.direction,
    offeredAt: row.offered_at,
    answeredAt: row.answered_at,
    endedAt: row.ended_at,
    heldSince: row.held_at,
    heldMs: row.held_ms,
  };
}

/** What a replay says happened last to a call, from where it stands. */
const lastEventOf = (row: CtiCallRow): CtiEventType =>
  row.state === 'answered' && row.held_at !== null ? 'held' : row.state;

const stateTime = (row: CtiCallRow) =>
  (row.state === 'answered' ? row.answered_at : row.state === 'ended' ? row.ended_at : row.offered_at) ??
  row.updated_at;

function popOf(row: CtiCallRow, name: string | null, type: CtiEventType = lastEventOf(row)): ScreenPopEvent {
  return {
    eventId: eventIdOf(row),
    callId: row.call_id,
    type,
    call: callStateOf(row),
    ani: row.ani_normalised === null ? null : maskPhone(row.ani_normalised),
    customerId: row.customer_id,
    customerName: name,
    flow: row.flow,
    dnis: row.dnis,
    at: stateTime(row),
  };
}

/** Milliseconds on hold up to `now`, the current hold included. */
const heldFor = (row: CtiCallRow, now: string) =>
  row.held_at === null ? row.held_ms : row.held_ms + Math.max(0, Date.parse(now) - Date.parse(row.held_at));

/**
 * A hold or its end on a known call: `held` on an answered call not on hold, `resumed` on one on hold. The same event
 * again (a retry), or one for a call already over, changes nothing; a hold before the answer is refused (409).
 */
async function holdChange(
  trx: Executor,
  existing: CtiCallRow,
  type: 'held' | 'resumed',
  now: string,
): Promise<{ row: CtiCallRow; duplicate: boolean }> {
  const onHold = existing.held_at !== null;
  if (existing.state === 'ended' || (type === 'held') === onHold) return { row: existing, duplicate: true };
  if (existing.state !== 'answered') {
    throw new DomainError('CONFLICT', 'CALL_STATE', `Call ${existing.call_id} has not been answered yet.`);
  }
  const changes = type === 'held' ? { held_at: now } : { held_at: null, held_ms: heldFor(existing, now) };
  const row = await updateCtiCall(trx, existing.id, { ...changes, updated_at: now, version: existing.version + 1 });
  return { row, duplicate: false };
}

/** offered / answered / ended of a call: inserted on its first event; each time stamp kept once. */
async function progress(
  trx: Executor,
  existing: CtiCallRow | undefined,
  type: CtiCallState,
  values: Omit<Insertable<CtiCallsTable>, 'state'>,
  now: string,
): Promise<{ row: CtiCallRow; duplicate: boolean }> {
  const stampColumn = `${type}_at` as const;
  if (!existing) {
    return { row: await insertCtiCall(trx, { ...values, state: type, [stampColumn]: now }), duplicate: false };
  }
  if (existing[stampColumn] !== null) return { row: existing, duplicate: true };
  // events may arrive out of order: the state only moves forward, each time stamp is kept
  const state = RANK[type] > RANK[existing.state] ? type : existing.state;
  const updated = await updateCtiCall(trx, existing.id, {
    state,
    operator_id: type === 'ended' ? existing.operator_id : values.operator_id,
    [stampColumn]: now,
    // the end of the call ends its hold
    ...(type === 'ended' && existing.held_at !== null ? { held_at: null, held_ms: heldFor(existing, now) } : {}),
    updated_at: now,
    version: existing.version + 1,
  });
  return { row: updated, duplicate: false };
}

/**
 * Records one telephony event against its call and pushes it to the operator's console: `offered` and `answered` pop
 * the caller's card (the screen pop), `held`, `resumed` and `ended` move the call strip. Retries of an event already
 * received change nothing and push nothing.
 */
export async function recordCtiEvent(deps: AppDeps, event: CtiEventBody): Promise<CtiEventAccepted> {
  const operator = await findOperatorByUsername(deps.db, event.operator);
  if (!operator) {
    throw new DomainError('NOT_FOUND', 'NOT_FOUND', `No active operator with username "${event.operator}".`);
  }
  const { dnis, flow } = flowForDnis(event.dnis, intakeConfig(deps.config).ctiNumbers);
  const ani = normaliseAni(event.ani);
  const customer = ani === null ? null : await uniqueCustomerByPhone(deps.db, ani);
  const now = deps.clock.now().toISOString();

  const { row, duplicate } = await deps.db.transaction().execute(async (trx) => {
    const existing = await findCtiCall(trx, event.callId);
    if (event.type === 'held' || event.type === 'resumed') {
      if (!existing) {
        throw new DomainError(
          'NOT_FOUND',
          'NOT_FOUND',
          `No call ${event.callId}: report it offered or answered first.`,
        );
      }
      return holdChange(trx, existing, event.type, now);
    }
    const values = {
      call_id: event.callId,
      ani: event.ani,
      ani_normalised: ani,
      dnis,
      flow,
      operator_id: operator.id,
      customer_id: customer?.id ?? null,
      offered_at: null,
      answered_at: null,
      ended_at: null,
      created_at: now,
      updated_at: now,
      direction: event.direction ?? 'inbound',
    };
    return progress(trx, existing, event.type, values, now);
  });

  // a pop opens the card, only for the call's own state (a late `offered` after `answered` pops nothing) and only for
  // a call to the operator (one they placed has its card open already); a hold, its end, the call's end and the events
  // of a placed call only move the call strip
  const isPop = row.direction === 'inbound' && (event.type === 'offered' || event.type === 'answered');
  const publish = !duplicate && (!isPop || row.state === event.type);
  if (publish) {
    const name = row.customer_id === null ? null : (customer?.name ?? (await customerName(deps.db, row.customer_id)));
    deps.bus.publish<ScreenPopEvent>(screenPopTopic(row.operator_id), popOf(row, name, event.type));
  }
  return { callId: row.call_id, state: row.state, onHold: row.held_at !== null, popped: publish && isPop, duplicate };
}

/** The operator's call now: the newest one not over, touched in the replay window (the strip's starting point). */
export async function currentCallOf(deps: AppDeps, userId: number): Promise<CtiCurrent['call']> {
  const since = new Date(deps.clock.now().getTime() - REPLAY_WINDOW_MS).toISOString();
  const live = (await recentCallsOf(deps.db, userId, since)).find((r) => r.state !== 'ended');
  if (!live) return null;
  const pop = popOf(live, live.customer_name);
  return {
    callId: pop.callId,
    ani: pop.ani,
    customerId: pop.customerId,
    customerName: pop.customerName,
    flow: pop.flow,
    dnis: pop.dnis,
    call: pop.call,
  };
}

/** Event ids order pops by when the call last changed, then by call: `<ms>.<row id>.<version>`. */
interface Position {
  ms: number;
  rowId: number;
  version: number;
}

function parseEventId(id: string): Position | null {
  const match = /^(\d{1,15})\.(\d{1,15})\.(\d{1,9})$/.exec(id);
  return match ? { ms: Number(match[1]), rowId: Number(match[2]), version: Number(match[3]) } : null;
}

const after = (a: Position, b: Position) =>
  a.ms !== b.ms ? a.ms > b.ms : a.rowId !== b.rowId ? a.rowId > b.rowId : a.version > b.version;

/**
 * The live screen pops of one operator (their own calls only). Listens on the bus at once (so a client told
 * "connected" misses nothing), then, when resuming after a reconnect (`lastEventId`), first replays the calls still
 * touched in the last ten minutes that changed after it (and the end of a call it may have seen: the strip must
 * learn that the call is over). Each pop goes out with its event id; a fresh stream is first
 * marked with the present moment, so a client that drops before any pop still resumes from when it connected.
 */
export async function openScreenPopFeed(
  deps: AppDeps,
  userId: number,
  lastEventId: string | null,
  send: FeedSend<ScreenPop>,
  mark: FeedMark,
): Promise<() => void> {
  const deliver = ({ eventId, ...pop }: ScreenPopEvent) => send(pop, eventId);
  let replayed: Set<string> | null = null; // null while the replay is read: bus pops wait in `early`
  const early: ScreenPopEvent[] = [];
  const stop = deps.bus.subscribe<ScreenPopEvent>(screenPopTopic(userId), (pop) => {
    if (!replayed) {
      early.push(pop);
      if (early.length > MAX_QUEUED) early.shift();
    } else if (!replayed.has(pop.eventId)) deliver(pop);
  });
  try {
    const last = lastEventId === null ? null : parseEventId(lastEventId);
    const missed: ScreenPopEvent[] = [];
    if (last) {
      const since = new Date(deps.clock.now().getTime() - REPLAY_WINDOW_MS).toISOString();
      for (const row of await recentCallsOf(deps.db, userId, since)) {
        // a call that began and ended unseen is nothing to show; one the client may have seen, it must see end
        if (row.state === 'ended' && Date.parse(row.created_at) > last.ms) continue;
        const pop = popOf(row, row.customer_name);
        const position = parseEventId(pop.eventId);
        if (position && after(position, last)) missed.push(pop);
      }
      missed.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    }
    // the replay may already hold what arrived on the bus meanwhile
    const sent = new Set(missed.map((pop) => pop.eventId));
    missed.forEach(deliver);
    // a fresh stream starts at "now": after a drop it gets the calls that changed since, even if it saw none before
    if (!last) mark(`${deps.clock.now().getTime()}.0.1`);
    early.filter((pop) => !sent.has(pop.eventId)).forEach(deliver);
    replayed = sent;
    return stop;
  } catch (error) {
    stop();
    throw error;
  }
}
