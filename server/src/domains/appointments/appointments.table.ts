import type { Generated } from 'kysely';

export type AppointmentStatus = 'booked' | 'attended' | 'no_show' | 'cancelled';
export interface AppointmentsTable {
  id: Generated<number>;
  interaction_id: number | null;
  slot_id: number;
  post_office_id: number;
  customer_id: number;
  product_code: string;
  status: Generated<AppointmentStatus>;
  created_by: number | null;
  created_at: string;
  updated_at: string;
}
