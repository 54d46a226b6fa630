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
}
