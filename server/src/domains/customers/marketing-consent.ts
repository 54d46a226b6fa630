import { sql, type Expression, type RawBuilder } from 'kysely';
import type { Executor } from '../../db/database';
import { opaque } from '../../db/postgres-dialect';
import { precompiled } from '../../db/precompiled';

/**
 * The one rule for "may we make this customer a marketing proposal on this channel": the latest marketing consent
 * record for that channel or for 'any' channel decides (a later record wins, whatever it says). An e-mail-only consent
 * therefore never lets a phone proposal through, and a proposal made on a call is a phone proposal.
 *
 * Written once, as an SQL fragment, and read by everyone who decides it: the customer card and every completion
 * (hasMarketingConsent), the campaign queue's head (work.repository headArm) and the campaign list import (in bulk).
 * The consents_latest index (customer_id, purpose, recorded_at, id) makes it a walk of one customer's few rows.
 */

/** The channels a proposal is made on. */
export type ProposalChannel = 'phone' | 'sms' | 'email';

/** A proposal made during a call (any script) is a phone proposal. */
export const CALL_CHANNEL: ProposalChannel = 'phone';

/**
 * The customer's current marketing consent for `channel`: 1, 0, or NULL when never asked. `customerId` is a value or a
 * column of the outer query (`sql.ref('cc.customer_id')`).
 */
export function currentMarketingConsent(
  customerId: number | Expression<number>,
  channel: ProposalChannel,
): RawBuilder<0 | 1 | null> {
  return sql<0 | 1 | null>`(SELECT granted FROM consents WHERE customer_id = ${customerId} AND purpose = 'marketing'
    AND channel IN ('any', ${channel}) ORDER BY recorded_at DESC, id DESC LIMIT 1)`;
}

// every completion and every card read it (precompiled: db/precompiled.ts); the customer's id is bound out of the
// SQLite planner's sight (`opaque`): customer_id leads consents_latest, a non-unique index, so on an analysed
// database a bare parameter had the statement re-prepared at every run (32 µs a completion; 2 µs so)
const oneCustomer = precompiled((db, v: { customerId: number; channel: ProposalChannel }) =>
  db.selectNoFrom(currentMarketingConsent(opaque(db, v.customerId), v.channel).as('granted')),
);

export async function hasMarketingConsent(
  db: Executor,
  customerId: number,
  channel: ProposalChannel,
): Promise<boolean> {
  const row = await oneCustomer.first(db, { customerId, channel });
  return row?.granted === 1;
}

/** The same rule for many customers at once (the list import): customer id → consent for `channel`. */
export async function marketingConsentOf(
  db: Executor,
  customerIds: readonly number[],
  channel: ProposalChannel,
): Promise<Map<number, boolean>> {
  const consent = new Map<number, boolean>();
  if (customerIds.length === 0) return consent;
  const rows = await db
    .selectFrom('customers')
    .select(['id', currentMarketingConsent(sql.ref<number>('customers.id'), channel).as('granted')])
    .where('id', 'in', customerIds)
    .execute();
  for (const r of rows) consent.set(r.id, r.granted === 1);
  return consent;
}
