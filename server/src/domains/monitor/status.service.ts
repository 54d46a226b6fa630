import type { OperatorStatus, SetStatusInput } from '@valore/shared/schemas/monitor';
import type { SYSTEM_PAUSE_REASONS } from '@valore/shared/reference/enums';
import type { Executor } from '../../db/database';
import { DomainError } from '../../errors';
import { topics, type EventBus } from '../../realtime/event-bus';
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
  userId: number,
  change: StatusChange,
  at: string,
  opts: { force?: boolean } = {},
): Promise<OperatorStatusRow> {
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
  if (!sameState || row.reason !== previous?.reason) {
    await logOperatorState(db, { user_id: userId, state: row.state, reason: row.reason, at });
  }
  return row;
}

export function publishStatus(bus: EventBus, siteId: number | null, row: OperatorStatusRow): void {
  if (siteId !== null) bus.publish(siteTopic(siteId), toOperatorStatus(row));
}
