import type { CtiEventAccepted, CtiEventBody, CtiEventType, InboundFlow, ScreenPop } from '@valore/shared/schemas/cti';
import { intakeConfig, type AppDeps } from '../../deps';
import { DomainError } from '../../errors';
import type { FeedMark, FeedSend } from '../../realtime/feed';
import { uniqueCustomerByPhone } from '../callbacks/callbacks.repository';
import { normalisePhone } from '../customers/customers.service';
import { maskPhone } from '../customers/masking';
import {
  activeCallsOf,
  customerName,
  findCtiCall,
  findOperatorByUsername,
  insertCtiCall,
  updateCtiCall,
  type CtiCallRow,
} from './cti.repository';

/** The bus topic an operator's console listens on for screen pops. */
export const screenPopTopic = (userId: number) => `operator:${userId}:screen-pop`;

/** What goes over the bus: the pop plus the id a resuming subscriber gives back as lastEventId. */
export type ScreenPopEvent = ScreenPop & { eventId: string };

const RANK: Record<CtiEventType, number> = { offered: 1, answered: 2, ended: 3 };
/** A resumed stream replays calls still ringing or in progress, touched this recently. */
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

const eventIdOf = (row: CtiCallRow) => `${Date.parse(row.updated_at)}.${row.id}.${RANK[row.state]}`;

function popOf(row: CtiCallRow, name: string | null): ScreenPopEvent | null {
  if (row.state !== 'offered' && row.state !== 'answered') return null;
  return {
    eventId: eventIdOf(row),
    callId: row.call_id,
    type: row.state,
    ani: row.ani_normalised === null ? null : maskPhone(row.ani_normalised),
    customerId: row.customer_id,
    customerName: name,
    flow: row.flow,
    dnis: row.dnis,
    at: (row.state === 'answered' ? row.answered_at : row.offered_at) ?? row.updated_at,
  };
}

/**
 * Records one telephony event against its call and, when a call is offered to or answered by an operator, pushes
 * the screen pop to that operator's console. Retries of an event already received change nothing and pop nothing.
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
  const stampColumn = `${event.type}_at` as const;

  const { row, duplicate } = await deps.db.transaction().execute(async (trx) => {
    const existing = await findCtiCall(trx, event.callId);
    if (!existing) {
      const inserted = await insertCtiCall(trx, {
        call_id: event.callId,
        ani: event.ani,
        ani_normalised: ani,
        dnis,
        flow,
        operator_id: operator.id,
        customer_id: customer?.id ?? null,
        state: event.type,
        offered_at: null,
        answered_at: null,
        ended_at: null,
        [stampColumn]: now,
        created_at: now,
        updated_at: now,
      });
      return { row: inserted, duplicate: false };
    }
    if (existing[stampColumn] !== null) return { row: existing, duplicate: true };
    // events may arrive out of order: the state only moves forward, each time stamp is kept
    const state = RANK[event.type] > RANK[existing.state] ? event.type : existing.state;
    const updated = await updateCtiCall(trx, existing.id, {
      state,
      operator_id: event.type === 'ended' ? existing.operator_id : operator.id,
      [stampColumn]: now,
      updated_at: now,
    });
    return { row: updated, duplicate: false };
  });

  let popped = false;
  if (!duplicate && event.type !== 'ended' && row.state === event.type) {
    const pop = popOf(
      row,
      row.customer_id === null ? null : (customer?.name ?? (await customerName(deps.db, row.customer_id))),
    );
    if (pop) {
      deps.bus.publish<ScreenPopEvent>(screenPopTopic(row.operator_id), pop);
      popped = true;
    }
  }
  return { callId: row.call_id, state: row.state, popped, duplicate };
}

/** Event ids order pops by when the call last changed, then by call: `<ms>.<row id>.<rank>`. */
interface Position {
  ms: number;
  rowId: number;
  rank: number;
}

function parseEventId(id: string): Position | null {
  const match = /^(\d{1,15})\.(\d{1,15})\.([1-3])$/.exec(id);
  return match ? { ms: Number(match[1]), rowId: Number(match[2]), rank: Number(match[3]) } : null;
}

const after = (a: Position, b: Position) =>
  a.ms !== b.ms ? a.ms > b.ms : a.rowId !== b.rowId ? a.rowId > b.rowId : a.rank > b.rank;

/**
 * The live screen pops of one operator (their own calls only). Listens on the bus at once (so a client told
 * "connected" misses nothing), then, when resuming after a reconnect (`lastEventId`), first replays the calls still
 * ringing or in progress that the client has not seen. Each pop goes out with its event id; a fresh stream is first
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
      for (const row of await activeCallsOf(deps.db, userId, since)) {
        const pop = popOf(row, row.customer_name);
        const position = pop && parseEventId(pop.eventId);
        if (pop && position && after(position, last)) missed.push(pop);
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
