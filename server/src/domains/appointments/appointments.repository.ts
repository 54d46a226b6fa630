import type { Executor } from '../../db/database';
import type { AppointmentStatus } from './appointments.table';

export async function insertAppointment(
  db: Executor,
  row: {
    interactionId: number | null;
    slotId: number;
    postOfficeId: number;
    customerId: number;
    productCode: string;
    createdBy: number;
    at: string;
  },
): Promise<number> {
  const inserted = await db
    .insertInto('appointments')
    .values({
      interaction_id: row.interactionId,
      slot_id: row.slotId,
      post_office_id: row.postOfficeId,
      customer_id: row.customerId,
      product_code: row.productCode,
      created_by: row.createdBy,
      created_at: row.at,
      updated_at: row.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return inserted.id;
}

export interface OfficeAppointmentRow {
  id: number;
  slot_id: number;
  starts_at: string;
  ends_at: string;
  customer_id: number;
  first_name: string;
  last_name: string;
  product_code: string;
  status: AppointmentStatus;
  created_at: string;
}

/** Live appointments of an office from `from` on; `siteId` limits them to those booked by that site's people. */
export async function listOfficeAppointments(
  db: Executor,
  args: { postOfficeId: number; from: string; siteId: number | null; createdBy: number | null; limit: number },
): Promise<OfficeAppointmentRow[]> {
  let q = db
    .selectFrom('appointments as a')
    .innerJoin('appointment_slots as s', 's.id', 'a.slot_id')
    .innerJoin('customers as c', 'c.id', 'a.customer_id')
    .select([
      'a.id',
      'a.slot_id',
      's.starts_at',
      's.ends_at',
      'a.customer_id',
      'c.first_name',
      'c.last_name',
      'a.product_code',
      'a.status',
      'a.created_at',
    ])
    .where('a.post_office_id', '=', args.postOfficeId)
    .where('a.status', '!=', 'cancelled')
    .where('s.starts_at', '>=', args.from);
  if (args.siteId !== null) {
    const siteId = args.siteId;
    q = q.where('a.created_by', 'in', (eb) => eb.selectFrom('users').select('id').where('site_id', '=', siteId));
  }
  if (args.createdBy !== null) q = q.where('a.created_by', '=', args.createdBy);
  return q.orderBy('s.starts_at').orderBy('a.id').limit(args.limit).execute();
}

export interface SiteAppointmentRow {
  id: number;
  starts_at: string;
  ends_at: string;
  customer_id: number;
  first_name: string;
  last_name: string;
  tax_code: string;
  post_office_id: number;
  office_name: string;
  office_city: string;
  product_code: string;
  product_name_it: string;
  product_name_en: string;
  status: AppointmentStatus;
  booked_by: string | null;
  reschedule_id: string | null;
  reschedule_status: 'pending' | 'claimed' | 'done' | 'failed' | 'cancelled' | null;
  reschedule_due_at: string | null;
}

/**
 * Appointments whose slot starts in [from, until), every status, booked by people of `siteId` (null: every site),
 * each with the latest reschedule callback its no-show created. Walks the day's slots (appointment_slots_starts).
 */
export async function listSiteAppointments(
  db: Executor,
  args: { from: string; until: string; siteId: number | null; limit: number },
): Promise<SiteAppointmentRow[]> {
  let q = db
    .selectFrom('appointment_slots as s')
    .innerJoin('appointments as a', 'a.slot_id', 's.id')
    .innerJoin('customers as c', 'c.id', 'a.customer_id')
    .innerJoin('post_offices as po', 'po.id', 'a.post_office_id')
    .innerJoin('products as p', 'p.code', 'a.product_code')
    .leftJoin('users as u', 'u.id', 'a.created_by')
    .leftJoin('callback_requests as cr', (j) =>
      j.onRef('cr.id', '=', (eb) =>
        eb
          .selectFrom('callback_requests as r')
          .select('r.id')
          .whereRef('r.appointment_id', '=', 'a.id')
          .where('r.origin', '=', 'reschedule')
          .orderBy('r.created_at', 'desc')
          .orderBy('r.id', 'desc')
          .limit(1),
      ),
    )
    .select([
      'a.id',
      's.starts_at',
      's.ends_at',
      'a.customer_id',
      'c.first_name',
      'c.last_name',
      'c.tax_code',
      'a.post_office_id',
      'po.name as office_name',
      'po.city as office_city',
      'a.product_code',
      'p.name_it as product_name_it',
      'p.name_en as product_name_en',
      'a.status',
      'u.display_name as booked_by',
      'cr.id as reschedule_id',
      'cr.status as reschedule_status',
      'cr.due_at as reschedule_due_at',
    ])
    .where('s.starts_at', '>=', args.from)
    .where('s.starts_at', '<', args.until);
  if (args.siteId !== null) q = q.where('u.site_id', '=', args.siteId);
  return q.orderBy('s.starts_at').orderBy('a.id').limit(args.limit).execute();
}
