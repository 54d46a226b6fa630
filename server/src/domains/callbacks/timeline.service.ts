import type { SessionUser } from '@valore/shared/schemas/auth';
import type { CallbackTimeline } from '@valore/shared/schemas/callbacks';
import type { AppDeps } from '../../deps';
import { DomainError } from '../../errors';

type TimelineEvent = CallbackTimeline['events'][number];

/**
 * One callback's timeline (the per-item monitoring the source asks for): created, each offer to an operator and what
 * became of it, each contact made on it (started, ended with its outcome), each change by a person (moved, deferred,
 * reassigned, cancelled: the audit log), and the breach — its due-by passing before any contact ended. Read from what
 * is already recorded (callback_requests, work_offers, interactions, audit_log); nothing is written on the claim path
 * for it. Scoped like the SLA board: an admin sees every callback, others those of their site and the web/app ones.
 */
export async function callbackTimelineOf(deps: AppDeps, user: SessionUser, id: string): Promise<CallbackTimeline> {
  const db = deps.db;
  const item = await db
    .selectFrom('callback_requests')
    .select(['id', 'status', 'due_by', 'created_at', 'channel', 'origin', 'site_id'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!item) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Callback ${id} does not exist.`);
  if (user.role !== 'admin' && item.site_id !== null && item.site_id !== user.siteId) {
    throw new DomainError('FORBIDDEN', 'FORBIDDEN_SCOPE', 'This callback belongs to another site.');
  }
  const [offers, contacts, changes] = await Promise.all([
    db
      .selectFrom('work_offers as o')
      .innerJoin('users as u', 'u.id', 'o.operator_id')
      .select(['o.offered_at', 'o.status', 'o.decided_at', 'u.display_name'])
      .where('o.item_kind', '=', 'callback')
      .where('o.source_id', '=', id)
      .execute(),
    db
      .selectFrom('interactions as i')
      .innerJoin('users as u', 'u.id', 'i.operator_id')
      .select(['i.started_at', 'i.ended_at', 'i.outcome', 'u.display_name'])
      .where('i.work_kind', '=', 'callback')
      .where('i.source_id', '=', id)
      .execute(),
    db
      .selectFrom('audit_log as a')
      .leftJoin('users as u', 'u.id', 'a.actor_id')
      .select(['a.at', 'a.action', 'u.display_name'])
      .where('a.entity_type', '=', 'callback_request')
      .where('a.entity_id', '=', id)
      .where('a.action', '!=', 'callback_request.created')
      .execute(),
  ]);
  const events: TimelineEvent[] = [
    { at: item.created_at, event: 'created', by: null, detail: item.origin === 'intake' ? item.channel : item.origin },
  ];
  for (const o of offers) {
    events.push({ at: o.offered_at, event: 'offered', by: o.display_name, detail: null });
    if (o.status !== 'offered' && o.decided_at) {
      events.push({ at: o.decided_at, event: `offer_${o.status}`, by: o.display_name, detail: null });
    }
  }
  for (const c of contacts) {
    events.push({ at: c.started_at, event: 'contact_started', by: c.display_name, detail: null });
    events.push({ at: c.ended_at, event: 'contact_ended', by: c.display_name, detail: c.outcome });
  }
  for (const a of changes) events.push({ at: a.at, event: 'changed', by: a.display_name ?? null, detail: a.action });
  // breached: its due-by passed (by now, or before the first contact ended)
  const firstEnded = contacts.map((c) => c.ended_at).sort()[0];
  const now = deps.clock.now().toISOString();
  if (item.due_by < (firstEnded ?? now)) events.push({ at: item.due_by, event: 'breached', by: null, detail: null });
  events.sort((a, b) => a.at.localeCompare(b.at));
  return { id: item.id, status: item.status, dueBy: item.due_by, events };
}
