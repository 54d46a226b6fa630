import type { Executor } from '../../db/database';
import { REMINDER_REF_TYPE } from '../appointments/appointment-reminder';
import { CALLBACK_CONFIRMATION_REF_TYPE } from '../self-service/callback-confirmation';

/**
 * Where a customer's rows are, table by table: by `customer_id` where the table has one, by the customer's number for
 * the rows that were never matched to a customer (an intake request or an inbound call from a number alone), and the
 * outbox by what each message is about. The export reads them and the erasure changes them, so both cover the same
 * rows. Every lookup goes through an index (migration 2026-12-04T1200-retention for the ones that were missing).
 */

/** The customer's contact points; `phone` is null once erased (an erased number is '', matching nothing). */
export interface ContactPoints {
  customerId: number;
  phone: string | null;
  email: string | null;
}

export function contactPoints(customer: { id: number; phone: string; email: string | null }): ContactPoints {
  return {
    customerId: customer.id,
    phone: customer.phone === '' ? null : customer.phone,
    email: customer.email || null,
  };
}

/** IN lists stay well under SQLite's parameter limit. */
const CHUNK = 500;

export async function inChunks<T, R>(values: readonly T[], read: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < values.length; i += CHUNK) out.push(...(await read(values.slice(i, i + CHUNK))));
  return out;
}

export async function interactionIdsOf(db: Executor, customerId: number): Promise<number[]> {
  const rows = await db
    .selectFrom('interactions')
    .select('id')
    .where('customer_id', '=', customerId)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

/** Callback requests of the customer, and those from their number that were never matched to a customer. */
export async function callbackRequestIdsOf(db: Executor, who: ContactPoints): Promise<string[]> {
  const own = await db.selectFrom('callback_requests').select('id').where('customer_id', '=', who.customerId).execute();
  const byPhone = who.phone
    ? await db
        .selectFrom('callback_requests')
        .select('id')
        .where('customer_id', 'is', null)
        .where('phone', '=', who.phone)
        .execute()
    : [];
  return [...own, ...byPhone].map((r) => r.id);
}

/** Inbound calls of the customer, and those from their number that were never matched to a customer. */
export async function ctiCallIdsOf(db: Executor, who: ContactPoints): Promise<number[]> {
  const own = await db.selectFrom('cti_calls').select('id').where('customer_id', '=', who.customerId).execute();
  const byNumber = who.phone
    ? await db
        .selectFrom('cti_calls')
        .select('id')
        .where('customer_id', 'is', null)
        .where('ani_normalised', '=', who.phone)
        .execute()
    : [];
  return [...own, ...byNumber].map((r) => r.id).sort((a, b) => a - b);
}

/** What an outbox message may be about; a message with another reference (or none) is matched by its address. */
export interface CustomerRefs {
  appointmentIds: readonly number[];
  funnelLinkIds: readonly number[];
  callbackRequestIds: readonly string[];
}

const REF_TYPES_OF = {
  appointment: ['appointment', REMINDER_REF_TYPE],
  funnel_link: ['funnel_link'],
  callback_request: [CALLBACK_CONFIRMATION_REF_TYPE],
} as const;
const KNOWN_REF_TYPES: string[] = Object.values(REF_TYPES_OF).flat();

/** Ids of the messages sent (or to be sent) to the customer, oldest first. */
export async function outboxIdsOf(db: Executor, who: ContactPoints, refs: CustomerRefs): Promise<number[]> {
  const ids = new Set<number>();
  const byRef = async (refTypes: readonly string[], refIds: readonly (string | number)[]) => {
    const rows = await inChunks(refIds.map(String), (chunk) =>
      db.selectFrom('outbox').select('id').where('ref_type', 'in', refTypes).where('ref_id', 'in', chunk).execute(),
    );
    for (const r of rows) ids.add(r.id);
  };
  await byRef(REF_TYPES_OF.appointment, refs.appointmentIds);
  await byRef(REF_TYPES_OF.funnel_link, refs.funnelLinkIds);
  await byRef(REF_TYPES_OF.callback_request, refs.callbackRequestIds);
  const addresses = [who.phone, who.email].filter((a): a is string => a !== null);
  if (addresses.length > 0) {
    // a message about one of the references above to the same number belongs to whoever that reference belongs to
    // (two customers may share a number), so only messages of other kinds are matched by address
    const rows = await db
      .selectFrom('outbox')
      .select('id')
      .where('recipient', '<>', '')
      .where('recipient', 'in', addresses)
      .where((eb) => eb.or([eb('ref_type', 'is', null), eb('ref_type', 'not in', KNOWN_REF_TYPES)]))
      .execute();
    for (const r of rows) ids.add(r.id);
  }
  return [...ids].sort((a, b) => a - b);
}

/** Audit rows about the customer and about the rows that are theirs, oldest first. */
export async function auditIdsOf(
  db: Executor,
  entities: { type: string; ids: readonly (string | number)[] }[],
): Promise<number[]> {
  const ids = new Set<number>();
  for (const entity of entities) {
    const rows = await inChunks(entity.ids.map(String), (chunk) =>
      db
        .selectFrom('audit_log')
        .select('id')
        .where('entity_type', '=', entity.type)
        .where('entity_id', 'in', chunk)
        .execute(),
    );
    for (const r of rows) ids.add(r.id);
  }
  return [...ids].sort((a, b) => a - b);
}
