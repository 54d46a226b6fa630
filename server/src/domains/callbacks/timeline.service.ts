import type { SessionUser } from '@valore/shared/schemas/auth';
import type { CallbackTimeline } from '@valore/shared/schemas/callbacks';
import type { AppDeps } from '../../deps';
import { DomainError } from '../../errors';
import { changesOf, contactEvents, contactsOn, inTimeOrder, offerEvents } from '../work/item-timeline';

type TimelineEvent = CallbackTimeline['events'][number];

/**
 * One callback's timeline (the per-item monitoring the source asks for): created, each offer to an operator and what
 * became of it, each contact made on it (started, ended with its outcome), each change by a person (moved, deferred,
 * reassigned, cancelled: the audit log), and the breach — its due-by passing before any contact ended. Read from what
 * is already recorded (callback_requests, work_offers, interactions, audit_log: work/item-timeline.ts, shared with a
 * lead's timeline); nothing is written on the claim path for it. Scoped like the SLA board: an admin sees every
 * callback, others those of their site and the web/app ones.
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
    offerEvents(db, 'callback', id),
    contactsOn(db, 'callback', id),
    changesOf(db, 'callback_request', id, ['callback_request.created']),
  ]);
  const events: TimelineEvent[] = [
    { at: item.created_at, event: 'created', by: null, detail: item.origin === 'intake' ? item.channel : item.origin },
    ...offers,
    ...contactEvents(contacts),
    ...changes.map((c) => ({ at: c.at, event: 'changed' as const, by: c.by, detail: c.action })),
  ];
  // breached: its due-by passed (by now, or before the first contact ended)
  const firstEnded = contacts.map((c) => c.endedAt).sort()[0];
  const now = deps.clock.now().toISOString();
  if (item.due_by < (firstEnded ?? now)) events.push({ at: item.due_by, event: 'breached', by: null, detail: null });
  return { id: item.id, status: item.status, dueBy: item.due_by, events: inTimeOrder(events) };
}
