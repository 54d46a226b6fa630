import type { OperatorStatus, SetStatusInput } from '@valore/shared/schemas/monitor';
import type { SYSTEM_PAUSE_REASONS } from '@valore/shared/reference/enums';
import type { Executor } from '../../db/database';
import { DomainError } from '../../errors';
import type { AppDeps } from '../../deps';
import { topics } from '../../realtime/event-bus';
import { numberBoardChanges, recordBoardChange } from './board-sequence';
import {
  findOperatorStatus,
  logOperatorState,
  upsertOperatorStatus,
  type OperatorStatusRow,
} from './monitor.repository';

export type StatusChange =
  | SetStatusInput
  | { state: 'signed_out' }
  /** set by the server only: an offer of pushed work let go (work/offers.ts) */
  | { state: 'paused'; reason: (typeof SYSTEM_PAUSE_REASONS)[number] };

/** Which states an operator may move to from each state (the console only offers these). */
const ALLOWED: Record<OperatorStatusRow['state'], readonly OperatorStatusRow['state'][]> = {
  signed_out: ['ready', 'paused', 'signed_out'],
  ready: ['ready', 'paused', 'on_contact', 'signed_out'],
  paused: ['ready', 'paused', 'signed_out'],
  on_contact: ['on_contact', 'after_call_work', 'signed_out'],
  after_call_work: ['ready', 'paused', 'on_contact', 'signed_out'],
};

export function toOperatorStatus(row: OperatorStatusRow): OperatorStatus {
  return {
    userId: row.user_id,
    state: row.state,
    reason: row.reason,
    since: row.since,
    flow: row.flow,
    step: row.step,
    stepSince: row.step_since,
    interactionClientId: row.interaction_client_id,
    customerId: row.customer_id,
  };
}

export const siteTopic = topics.siteOperators;

/** The operator's own status, with their site's limit on after-call work (sites.wrap_up_seconds). */
export async function ownStatus(db: Executor, siteId: number | null, row: OperatorStatusRow): Promise<OperatorStatus> {
  const site =
    siteId === null
      ? undefined
      : await db.selectFrom('sites').select('wrap_up_seconds').where('id', '=', siteId).executeTakeFirst();
  return { ...toOperatorStatus(row), wrapUpSeconds: site?.wrap_up_seconds ?? 0 };
}

/**
 * Records an operator's state with timestamps. `since` changes only when the state changes;
 * `step_since` only when the script step changes, so the board can show time in state and in step.
 */
export async function changeOperatorStatus(
  db: Executor,
  operator: { id: number; siteId: number | null },
  change: StatusChange,
  at: string,
  opts: { force?: boolean } = {},
): Promise<OperatorStatusRow> {
  const userId = operator.id;
  const previous = await findOperatorStatus(db, userId);
  const from = previous?.state ?? 'signed_out';
  if (!opts.force && !ALLOWED[from].includes(change.state)) {
    throw new DomainError('CONFLICT', 'VALIDATION', `You cannot go from "${from}" to "${change.state}".`);
  }
  const sameState = previous?.state === change.state;
  const row: OperatorStatusRow = {
    user_id: userId,
    state: change.state,
    reason: change.state === 'paused' ? change.reason : null,
    since:
      sameState && previous && (change.state !== 'paused' || previous.reason === change.reason) ? previous.since : at,
    flow: null,
    step: null,
    step_since: null,
    interaction_client_id: null,
    customer_id: null,
    updated_at: at,
  };
  if (change.state === 'on_contact') {
    const sameContact = previous?.interaction_client_id === change.interactionClientId;
    row.flow = change.flow;
    row.step = change.step;
    row.step_since = sameContact && previous?.step === change.step ? previous.step_since : at;
    row.interaction_client_id = change.interactionClientId;
    row.customer_id = change.customerId;
    if (!sameContact) row.since = at;
  } else if (change.state === 'after_call_work') {
    row.flow = previous?.flow ?? null;
    row.interaction_client_id = change.interactionClientId;
    row.customer_id = previous?.customer_id ?? null;
  }
  await upsertOperatorStatus(db, row);
  // the site's board shows it under the next number, on every node (board-sequence.ts)
  if (operator.siteId !== null) await recordBoardChange(db, operator.siteId, toOperatorStatus(row), at);
  if (!sameState || row.reason !== previous?.reason) {
    await logOperatorState(db, { user_id: userId, state: row.state, reason: row.reason, at });
  }
  return row;
}

/** What the bus carries to a site's boards: its changes up to `seq` are numbered (null: read what is there). */
export interface BoardPoke {
  seq: number | null;
}

/**
 * After the status change's commit: numbers it (PostgreSQL, board-sequence.ts) and tells the site's boards on every
 * node, which read the numbered changes back. A failure here loses nothing: the change is stored, and the next
 * change of the site or a board's periodic catch-up numbers and shows it.
 */
export async function announceStatus(
  deps: Pick<AppDeps, 'db' | 'bus' | 'logger'>,
  siteId: number | null,
): Promise<void> {
  if (siteId === null) return;
  try {
    const seq = await numberBoardChanges(deps.db, siteId);
    deps.bus.publish<BoardPoke>(siteTopic(siteId), { seq });
  } catch (err) {
    deps.logger.warn({ err, siteId }, 'board change not announced; the boards catch up on their next read');
  }
}
