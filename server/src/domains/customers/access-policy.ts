import { sql } from 'kysely';
import type { SessionUser } from '@valore/shared/schemas/auth';
import type { Executor } from '../../db/database';
import { opaque } from '../../db/postgres-dialect';
import { DomainError } from '../../errors';

/**
 * The one data-access policy for a customer's card and personal data. Every procedure that shows a customer's card
 * or reveals a personal field asks `requireCustomerAccess` first; nothing else decides it.
 *
 * - **Operators** see a customer only while they are handling them:
 *   - a work item they hold under a live lease (campaign contact, callback request, lead follow-up) for that customer;
 *   - a CTI call routed to them from the customer's number: while it rings or is in progress (calls started in the
 *     last CALL_MAX_HOURS), and for AFTER_CONTACT_MINUTES after its last event (the wrap-up);
 *   - a contact they logged with the customer in the last AFTER_CONTACT_MINUTES (the console shows the card of the
 *     contact just closed while the operator finishes the after-call work);
 *   - a contact they started from search, which records why (`startContact`): a grant of CONTACT_GRANT_MINUTES;
 *   - a break-glass access (`breakGlass`): a grant of BREAK_GLASS_MINUTES with a free-text reason, audited, that
 *     admins review (`breakGlassLog`).
 * - **Tutors and team leads** see the customers of their own site: those a site's operator has handled — a contact
 *   logged at the site, a lead or callback request of the site, a CTI call to one of its operators, a work item one
 *   of its operators holds now, a contact one of its operators started from search (break-glass accesses do not
 *   widen a site's reach). A break-glass grant of their own also opens a customer to them.
 * - **Admins** see every customer.
 * Anything else is FORBIDDEN, with a message that says how to get access.
 */

export const CONTACT_GRANT_MINUTES = 30;
export const BREAK_GLASS_MINUTES = 15;
export const AFTER_CONTACT_MINUTES = 30;
export const CALL_MAX_HOURS = 4;

export type HandlingBasis = 'work_item' | 'call' | 'after_contact' | 'contact' | 'break_glass';

const minutesBefore = (now: Date, minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString();

/**
 * Why this operator is handling this customer now, or null: one statement, one bounded probe per basis, each through
 * an index that starts with the user or the customer. A break-glass grant is the answer only when nothing else is
 * (reading data under break-glass is not handling the customer: a call command refuses it).
 */
export async function handlingBasis(
  db: Executor,
  userId: number,
  customerId: number,
  now: Date,
): Promise<HandlingBasis | null> {
  // every value bound out of the SQLite planner's sight (db/postgres-dialect.ts `opaque`): each arm compares
  // indexed columns with them, and on an analysed database a bare value had the statement re-prepared at every run
  const at = opaque(db, now.toISOString());
  const recent = opaque(db, minutesBefore(now, AFTER_CONTACT_MINUTES));
  const callStart = opaque(db, minutesBefore(now, CALL_MAX_HOURS * 60));
  const user = opaque(db, userId);
  const customer = opaque(db, customerId);
  const r = await sql<{ basis: HandlingBasis }>`
    SELECT 'work_item' AS basis FROM (SELECT 1 FROM campaign_contacts INDEXED BY campaign_contacts_owner
      WHERE status = 'claimed' AND lease_owner = ${user} AND lease_expires_at >= ${at} AND customer_id = ${customer} LIMIT 1) AS h
    UNION ALL
    SELECT 'work_item' FROM (SELECT 1 FROM callback_requests INDEXED BY callback_requests_owner
      WHERE status = 'claimed' AND lease_owner = ${user} AND lease_expires_at >= ${at} AND customer_id = ${customer} LIMIT 1) AS h
    UNION ALL
    SELECT 'work_item' FROM (SELECT 1 FROM leads INDEXED BY leads_owner
      WHERE status = 'open' AND lease_owner IS NOT NULL AND lease_owner = ${user} AND lease_expires_at >= ${at}
        AND customer_id = ${customer} LIMIT 1) AS h
    UNION ALL
    SELECT 'call' FROM (SELECT 1 FROM cti_calls
      WHERE operator_id = ${user} AND customer_id = ${customer}
        AND (updated_at >= ${recent} OR (state <> 'ended' AND created_at >= ${callStart})) LIMIT 1) AS h
    UNION ALL
    SELECT 'after_contact' FROM (SELECT 1 FROM interactions INDEXED BY interactions_customer_started
      WHERE customer_id = ${customer} AND operator_id = ${user} AND created_at >= ${recent} LIMIT 1) AS h
    UNION ALL
    SELECT kind FROM (SELECT kind FROM customer_access_grants
      WHERE user_id = ${user} AND customer_id = ${customer} AND expires_at > ${at}
      ORDER BY kind = 'break_glass' LIMIT 1) AS h
    LIMIT 1`.execute(db);
  return r.rows[0]?.basis ?? null;
}

/** Whether a customer is in a site's reach (see above): handled by the site's operators, ever. */
export async function inSiteReach(db: Executor, siteId: number, customerId: number, now: Date): Promise<boolean> {
  const at = now.toISOString();
  const r = await sql<{ one: number }>`
    SELECT 1 AS one WHERE
      EXISTS (SELECT 1 FROM interactions WHERE customer_id = ${customerId} AND site_id = ${siteId})
      OR EXISTS (SELECT 1 FROM leads WHERE customer_id = ${customerId} AND site_id = ${siteId})
      OR EXISTS (SELECT 1 FROM callback_requests WHERE customer_id = ${customerId} AND site_id = ${siteId})
      OR EXISTS (SELECT 1 FROM cti_calls k JOIN users u ON u.id = k.operator_id
                 WHERE k.customer_id = ${customerId} AND u.site_id = ${siteId})
      OR EXISTS (SELECT 1 FROM customer_access_grants g JOIN users u ON u.id = g.user_id
                 WHERE g.customer_id = ${customerId} AND g.kind = 'contact' AND u.site_id = ${siteId})
      OR EXISTS (SELECT 1 FROM campaign_contacts cc JOIN users u ON u.id = cc.lease_owner
                 WHERE cc.customer_id = ${customerId} AND cc.status = 'claimed' AND cc.lease_expires_at >= ${at}
                   AND u.site_id = ${siteId})
      OR EXISTS (SELECT 1 FROM callback_requests q JOIN users u ON u.id = q.lease_owner
                 WHERE q.customer_id = ${customerId} AND q.status = 'claimed' AND q.lease_expires_at >= ${at}
                   AND u.site_id = ${siteId})`.execute(db);
  return r.rows.length > 0;
}

async function ownBreakGlass(db: Executor, userId: number, customerId: number, now: Date): Promise<boolean> {
  const row = await db
    .selectFrom('customer_access_grants')
    .select('id')
    .where('user_id', '=', userId)
    .where('customer_id', '=', customerId)
    .where('expires_at', '>', now.toISOString())
    .where('kind', '=', 'break_glass')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * The check every procedure showing a customer's card or personal data makes first. It runs before the customer is
 * even looked up, so a refused caller learns nothing (not even whether the id exists).
 */
export async function requireCustomerAccess(
  db: Executor,
  user: SessionUser,
  customerId: number,
  now: Date,
): Promise<void> {
  if (user.role === 'admin') return;
  if (user.role === 'operator') {
    if ((await handlingBasis(db, user.id, customerId, now)) !== null) return;
    throw new DomainError(
      'FORBIDDEN',
      'FORBIDDEN_SCOPE',
      'You are not handling this customer: open them from a work item or a call, or start a contact from the search. ' +
        'Otherwise ask for break-glass access and say why.',
    );
  }
  if (user.siteId !== null && (await inSiteReach(db, user.siteId, customerId, now))) return;
  if (await ownBreakGlass(db, user.id, customerId, now)) return;
  throw new DomainError(
    'FORBIDDEN',
    'FORBIDDEN_SCOPE',
    'This customer has not been handled by your site. Ask for break-glass access and say why if you need their data.',
  );
}
