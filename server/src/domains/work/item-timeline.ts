import type { QueueKind } from '@valore/shared/reference/enums';
import type { TimelineEventOf } from '@valore/shared/schemas/timeline';
import type { Executor } from '../../db/database';

/**
 * What every work item's timeline reads alike (callbacks.timeline, leads.timeline: the per-item monitoring of
 * docs/console.md): the offers pushed to operators and how each ended, the contacts made on the item, the changes by
 * a person in the audit log. Read from what is already recorded; nothing is written on the claim path for it.
 */

type OfferEvent = 'offered' | 'offer_accepted' | 'offer_declined' | 'offer_expired';

/** Each offer of the item to an operator, and its end (taken, declined, expired) once decided. */
export async function offerEvents(
  db: Executor,
  kind: QueueKind,
  sourceId: string,
): Promise<TimelineEventOf<OfferEvent>[]> {
  const offers = await db
    .selectFrom('work_offers as o')
    .innerJoin('users as u', 'u.id', 'o.operator_id')
    .select(['o.offered_at', 'o.status', 'o.decided_at', 'u.display_name'])
    .where('o.item_kind', '=', kind)
    .where('o.source_id', '=', sourceId)
    .execute();
  const events: TimelineEventOf<OfferEvent>[] = [];
  for (const o of offers) {
    events.push({ at: o.offered_at, event: 'offered', by: o.display_name, detail: null });
    if (o.status !== 'offered' && o.decided_at) {
      events.push({ at: o.decided_at, event: `offer_${o.status}`, by: o.display_name, detail: null });
    }
  }
  return events;
}

/** A contact made on the item, in the order the server received them. */
export interface ItemContact {
  startedAt: string;
  endedAt: string;
  /** when the server logged it: the moment its effects on the item were written */
  loggedAt: string;
  outcome: string;
  outcomeDetails: Record<string, unknown>;
  operatorName: string;
}

export async function contactsOn(db: Executor, kind: QueueKind, sourceId: string): Promise<ItemContact[]> {
  const rows = await db
    .selectFrom('interactions as i')
    .innerJoin('users as u', 'u.id', 'i.operator_id')
    .select(['i.started_at', 'i.ended_at', 'i.created_at', 'i.outcome', 'i.outcome_details', 'u.display_name'])
    .where('i.work_kind', '=', kind)
    .where('i.source_id', '=', sourceId)
    .orderBy('i.created_at')
    .orderBy('i.id')
    .execute();
  return rows.map((r) => ({
    startedAt: r.started_at,
    endedAt: r.ended_at,
    loggedAt: r.created_at,
    outcome: r.outcome,
    outcomeDetails: parseDetails(r.outcome_details),
    operatorName: r.display_name,
  }));
}

function parseDetails(json: string | null): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json ?? '{}');
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Each contact: started, and ended with its outcome. */
export function contactEvents(
  contacts: readonly ItemContact[],
): TimelineEventOf<'contact_started' | 'contact_ended'>[] {
  return contacts.flatMap((c) => [
    { at: c.startedAt, event: 'contact_started' as const, by: c.operatorName, detail: null },
    { at: c.endedAt, event: 'contact_ended' as const, by: c.operatorName, detail: c.outcome },
  ]);
}

/** An audit row about the item: when, which action, by whom (null: the system or the customer). */
export interface ItemChange {
  at: string;
  action: string;
  by: string | null;
}

/** The audit log's rows about the item, but the actions the timeline tells otherwise (`except`). */
export async function changesOf(
  db: Executor,
  entityType: string,
  entityId: string,
  except: readonly string[],
): Promise<ItemChange[]> {
  let query = db
    .selectFrom('audit_log as a')
    .leftJoin('users as u', 'u.id', 'a.actor_id')
    .select(['a.at', 'a.action', 'u.display_name'])
    .where('a.entity_type', '=', entityType)
    .where('a.entity_id', '=', entityId);
  if (except.length > 0) query = query.where('a.action', 'not in', except);
  const rows = await query.orderBy('a.at').orderBy('a.id').execute();
  return rows.map((r) => ({ at: r.at, action: r.action, by: r.display_name ?? null }));
}

/** The events in time order; events at the same instant keep the order they were told in. */
export function inTimeOrder<E extends TimelineEventOf>(events: E[]): E[] {
  return events.sort((a, b) => a.at.localeCompare(b.at));
}
