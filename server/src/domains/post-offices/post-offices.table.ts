import type { Generated } from 'kysely';

export interface PostOfficesTable {
  id: Generated<number>;
  code: string;
  name: string;
  address: string;
  city: string;
  province_code: string;
  district_code: string;
}
export interface AppointmentSlotsTable {
  id: Generated<number>;
  post_office_id: number;
  starts_at: string;
  ends_at: string;
  capacity: number;
  booked: Generated<number>;
  /** set while a closure of its office covers its day: never offered nor taken */
  closed_at: Generated<string | null>;
}
export interface PostOfficeClosuresTable {
  id: Generated<number>;
  post_office_id: number;
  /** Rome calendar days, inclusive */
  from_date: string;
  to_date: string;
  reason: string;
  created_by: number | null;
  created_at: string;
}
export interface SlotTemplatesTable {
  id: Generated<number>;
  post_office_id: number;
  /** 1 = Monday … 6 = Saturday */
  weekday: number;
  /** Rome wall-clock minutes after midnight */
  start_minute: number;
  duration_minutes: number;
  capacity: number;
}
