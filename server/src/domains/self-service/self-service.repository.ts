import type { Executor } from '../../db/database';
import type { AppointmentStatus } from '../appointments/appointments.table';
import type { CallbackStatus } from '../callbacks/callbacks.table';

/** What the customer's page of an appointment shows: where, when, what for (no other personal data). */
export interface AppointmentForCustomer {
  id: number;
  status: AppointmentStatus;
  slotId: number;
  startsAt: string;
  endsAt: string;
  officeName: string;
  officeAddress: string;
  officeCity: string;
  productName: string;
  productNameEn: string;
}

export async function findAppointmentForCustomer(db: Executor, id: number): Promise<AppointmentForCustomer | null> {
  const r = await db
    .selectFrom('appointments as a')
    .innerJoin('appointment_slots as s', 's.id', 'a.slot_id')
    .innerJoin('post_offices as po', 'po.id', 'a.post_office_id')
    .innerJoin('products as p', 'p.code', 'a.product_code')
    .select([
      'a.id',
      'a.status',
      'a.slot_id',
      's.starts_at',
      's.ends_at',
      'po.name as office_name',
      'po.address as office_address',
      'po.city as office_city',
      'p.name_it as product_name',
      'p.name_en as product_name_en',
    ])
    .where('a.id', '=', id)
    .executeTakeFirst();
  if (!r) return null;
  return {
    id: r.id,
    status: r.status,
    slotId: r.slot_id,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    officeName: r.office_name,
    officeAddress: r.office_address,
    officeCity: r.office_city,
    productName: r.product_name,
    productNameEn: r.product_name_en,
  };
}

/** What the customer's page of a callback shows, and what a move needs to confirm it to them. */
export interface CallbackForCustomer {
  id: string;
  status: CallbackStatus;
  dueAt: string;
  phone: string;
  productName: string | null;
  flow: string;
  campaignId: number | null;
  customerId: number | null;
  firstName: string | null;
  email: string | null;
  /** the site it belongs to (its calendar says when it can be called); null: a web or app request */
  siteId: number | null;
  /** the language of its messages: the request's, else the customer's, else Italian */
  language: 'it' | 'en';
}

export async function findCallbackForCustomer(db: Executor, id: string): Promise<CallbackForCustomer | null> {
  const r = await db
    .selectFrom('callback_requests as cr')
    .leftJoin('products as p', 'p.code', 'cr.product_code')
    .leftJoin('customers as c', 'c.id', 'cr.customer_id')
    .select([
      'cr.id',
      'cr.status',
      'cr.due_at',
      'cr.phone',
      'cr.flow',
      'cr.campaign_id',
      'cr.customer_id',
      'p.name_it as product_name',
      'c.first_name',
      'c.email',
      'cr.site_id',
      'cr.language as request_language',
      'c.language as customer_language',
    ])
    .where('cr.id', '=', id)
    .executeTakeFirst();
  if (!r) return null;
  return {
    id: r.id,
    status: r.status,
    dueAt: r.due_at,
    phone: r.phone,
    productName: r.product_name,
    flow: r.flow,
    campaignId: r.campaign_id,
    customerId: r.customer_id,
    firstName: r.first_name,
    email: r.email,
    siteId: r.site_id,
    language: r.request_language ?? r.customer_language ?? 'it',
  };
}
