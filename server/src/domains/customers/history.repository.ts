import type { Executor } from '../../db/database';

/**
 * The rows a customer's history is made of (customer-history.ts), each source newest first and capped at `cap` rows:
 * every query walks an index that starts with the customer (interactions_customer_started, leads_customer,
 * appointments_customer, consents_latest).
 */

export async function historyContacts(db: Executor, customerId: number, cap: number) {
  return db
    .selectFrom('interactions as i')
    .innerJoin('users as u', 'u.id', 'i.operator_id')
    .select(['i.id', 'i.flow', 'i.outcome', 'i.product_code', 'i.started_at', 'i.ended_at', 'i.notes'])
    .select('u.display_name as operator_name')
    .where('i.customer_id', '=', customerId)
    .orderBy('i.started_at', 'desc')
    .limit(cap)
    .execute();
}

export async function historyLeads(db: Executor, customerId: number, cap: number) {
  return db
    .selectFrom('leads as l')
    .leftJoin('users as c', 'c.id', 'l.created_by')
    .leftJoin('users as x', 'x.id', 'l.closed_by')
    .select(['l.id', 'l.product_code', 'l.status', 'l.follow_up_at', 'l.created_at', 'l.closed_at', 'l.notes'])
    .select(['c.display_name as created_by_name', 'x.display_name as closed_by_name'])
    .where('l.customer_id', '=', customerId)
    .orderBy('l.created_at', 'desc')
    .limit(cap)
    .execute();
}

export async function historyAppointments(db: Executor, customerId: number, cap: number) {
  return db
    .selectFrom('appointments as a')
    .innerJoin('appointment_slots as s', 's.id', 'a.slot_id')
    .innerJoin('post_offices as p', 'p.id', 'a.post_office_id')
    .select(['a.id', 'a.product_code', 'a.status', 'a.created_at', 's.starts_at', 'p.name', 'p.city'])
    .where('a.customer_id', '=', customerId)
    .orderBy('a.created_at', 'desc')
    .limit(cap)
    .execute();
}

export async function historyConsents(db: Executor, customerId: number, cap: number) {
  return db
    .selectFrom('consents')
    .select(['id', 'purpose', 'channel', 'granted', 'source', 'recorded_at'])
    .where('customer_id', '=', customerId)
    .orderBy('recorded_at', 'desc')
    .orderBy('id', 'desc')
    .limit(cap)
    .execute();
}

/** The product names in both languages, for the search (the catalogue is small). */
export async function productNames(db: Executor): Promise<Map<string, { it: string; en: string }>> {
  const rows = await db.selectFrom('products').select(['code', 'name_it', 'name_en']).execute();
  return new Map(rows.map((r) => [r.code, { it: r.name_it, en: r.name_en }]));
}

/** The start of each customer's latest contact (the search's disambiguation), through interactions_customer_started. */
export async function lastContacts(db: Executor, customerIds: readonly number[]): Promise<Map<number, string>> {
  if (customerIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('interactions')
    .select(['customer_id', (eb) => eb.fn.max('started_at').as('last')])
    .where('customer_id', 'in', customerIds)
    .groupBy('customer_id')
    .execute();
  return new Map(rows.flatMap((r) => (r.customer_id === null ? [] : [[r.customer_id, r.last] as const])));
}
