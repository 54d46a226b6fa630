import type { SessionUser } from '@valore/shared/schemas/auth';
import type { LeadTimeline } from '@valore/shared/schemas/leads';
import type { Executor } from '../../db/database';
import { intakeConfig, type AppDeps } from '../../deps';
import { DomainError } from '../../errors';
import {
  changesOf,
  contactEvents,
  contactsOn,
  inTimeOrder,
  offerEvents,
  type ItemContact,
} from '../work/item-timeline';

type TimelineEvent = LeadTimeline['events'][number];
const MINUTE = 60_000;

/** The lead as its timeline reads it, with the names of who created, closed and holds it. */
async function findLead(db: Executor, leadId: number) {
  return db
    .selectFrom('leads as l')
    .leftJoin('users as creator', 'creator.id', 'l.created_by')
    .leftJoin('users as closer', 'closer.id', 'l.closed_by')
    .leftJoin('users as holder', 'holder.id', 'l.lease_owner')
    .leftJoin('interactions as i', 'i.id', 'l.interaction_id')
    .select([
      'l.id',
      'l.site_id',
      'l.status',
      'l.product_code',
      'l.interaction_id',
      'l.follow_up_at',
      'l.created_at',
      'l.closed_at',
      'l.won_by',
      'l.lease_owner',
      'l.lease_expires_at',
      'creator.display_name as creator_name',
      'closer.display_name as closer_name',
      'holder.display_name as holder_name',
      'i.flow as source_flow',
    ])
    .where('l.id', '=', leadId)
    .executeTakeFirst();
}
type LeadRow = NonNullable<Awaited<ReturnType<typeof findLead>>>;

/** The follow-up time the lead was created with (its `lead.created` audit row), if recorded. */
async function initialFollowUp(db: Executor, leadId: number): Promise<string | null> {
  const row = await db
    .selectFrom('audit_log')
    .select('details')
    .where('entity_type', '=', 'lead')
    .where('entity_id', '=', String(leadId))
    .where('action', '=', 'lead.created')
    .executeTakeFirst();
  try {
    const details: unknown = JSON.parse(row?.details ?? 'null');
    const at = typeof details === 'object' && details !== null && 'followUpAt' in details ? details.followUpAt : null;
    return typeof at === 'string' ? at : null;
  } catch {
    return null;
  }
}

/** A moment the follow-up was (re)planned: from when, for when, by whom (null: the system's retry). */
interface Schedule {
  setAt: string;
  due: string;
  by: string | null;
}

/**
 * Every time the follow-up was planned, from what is recorded: at creation; on each follow-up call that agreed a new
 * time (the lead moved to it, work/lifecycle.ts); on each one not reached that left it open (the retry the same rule
 * sets, `VALORE_CALLBACK_RETRY_DELAY_MINUTES` after). An open lead's last plan is its follow-up time as it stands.
 */
function schedulesOf(
  lead: LeadRow,
  initial: string | null,
  contacts: readonly ItemContact[],
  retryMinutes: number,
): Schedule[] {
  const out: Schedule[] = [];
  const first = initial ?? (contacts.length === 0 ? lead.follow_up_at : null);
  if (first) out.push({ setAt: lead.created_at, due: first, by: lead.creator_name });
  for (const c of contacts) {
    const agreed = c.outcomeDetails.callbackAt;
    if (c.outcome === 'callback_scheduled' && typeof agreed === 'string' && !Number.isNaN(Date.parse(agreed))) {
      out.push({ setAt: c.loggedAt, due: new Date(agreed).toISOString(), by: c.operatorName });
    } else if (c.outcome === 'not_reached' && (lead.closed_at === null || lead.closed_at > c.loggedAt)) {
      out.push({
        setAt: c.loggedAt,
        due: new Date(Date.parse(c.loggedAt) + retryMinutes * MINUTE).toISOString(),
        by: null,
      });
    }
  }
  const last = out.at(-1);
  if (lead.status === 'open' && last) last.due = lead.follow_up_at;
  return out;
}

/**
 * The breaches: a plan whose due time (with the tolerance a scheduled callback has, as the SLA board counts a lead)
 * passed before any later contact ended — or, with none, before the lead closed or by now.
 */
function breaches(
  schedules: readonly Schedule[],
  contacts: readonly ItemContact[],
  closedAt: string | null,
  now: string,
  toleranceMinutes: number,
): TimelineEvent[] {
  const out: TimelineEvent[] = [];
  for (const s of schedules) {
    const dueBy = new Date(Date.parse(s.due) + toleranceMinutes * MINUTE).toISOString();
    const ended = contacts
      .filter((c) => c.loggedAt > s.setAt)
      .map((c) => c.endedAt)
      .sort()[0];
    if (dueBy < (ended ?? closedAt ?? now)) out.push({ at: dueBy, event: 'breached', by: null, detail: null });
  }
  return out;
}

/**
 * One lead's timeline (the per-item monitoring of a lead follow-up, as callbacks.timeline is a callback's): created
 * (by whom, from which contact), each plan of the follow-up and its due time, each offer to an operator and what
 * became of it, releases and a lease left to run out, each follow-up contact and its outcome, each change by a person
 * (the audit log's action, never a note's text), the close (won, how; or lost), and the breaches. Read from what is
 * already recorded (leads, work_offers, interactions, audit_log: work/item-timeline.ts); nothing is written for it.
 * An admin sees every lead; tutors and team leads those of their own site.
 */
export async function leadTimelineOf(deps: AppDeps, user: SessionUser, leadId: number): Promise<LeadTimeline> {
  const db = deps.db;
  const lead = await findLead(db, leadId);
  if (!lead) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Lead ${leadId} does not exist.`);
  if (user.role !== 'admin' && (user.siteId === null || lead.site_id !== user.siteId)) {
    throw new DomainError('FORBIDDEN', 'FORBIDDEN_SCOPE', 'This lead belongs to another site.');
  }
  const source = String(lead.id);
  const [initial, offers, contacts, changes] = await Promise.all([
    initialFollowUp(db, lead.id),
    offerEvents(db, 'lead_followup', source),
    contactsOn(db, 'lead_followup', source),
    // the close is told from the lead itself (who, how), the creation above
    changesOf(db, 'lead', source, ['lead.created', 'lead.won', 'lead.lost']),
  ]);
  const intake = intakeConfig(deps.config);
  const now = deps.clock.now().toISOString();
  const schedules = schedulesOf(lead, initial, contacts, intake.callbackRetryDelayMinutes);
  const events: TimelineEvent[] = [
    { at: lead.created_at, event: 'created', by: lead.creator_name, detail: lead.source_flow },
    ...schedules.map((s) => ({ at: s.setAt, event: 'scheduled' as const, by: s.by, detail: s.due })),
    ...offers,
    ...contactEvents(contacts),
    ...changes.map((c) => ({
      at: c.at,
      event: c.action === 'work.release' ? ('released' as const) : ('changed' as const),
      by: c.by,
      detail: c.action === 'work.release' ? null : c.action,
    })),
  ];
  if (lead.lease_owner !== null && lead.lease_expires_at !== null && lead.lease_expires_at < now) {
    events.push({ at: lead.lease_expires_at, event: 'lease_expired', by: lead.holder_name, detail: null });
  }
  if (lead.status !== 'open' && lead.closed_at !== null) {
    events.push({
      at: lead.closed_at,
      event: lead.status === 'won' ? 'won' : 'lost',
      by: lead.closer_name,
      detail: lead.status === 'won' ? lead.won_by : null,
    });
  }
  events.push(...breaches(schedules, contacts, lead.closed_at, now, intake.scheduledToleranceMinutes));
  return {
    id: lead.id,
    status: lead.status,
    productCode: lead.product_code,
    interactionId: lead.interaction_id,
    followUpAt: lead.follow_up_at,
    events: inTimeOrder(events),
  };
}
