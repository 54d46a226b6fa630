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
  args: { postOfficeId: number; from: string; siteId: number | null; limit: number },
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
  return q.orderBy('s.starts_at').orderBy('a.id').limit(args.limit).execute();
}
