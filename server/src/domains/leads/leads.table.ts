import type { Generated } from 'kysely';

export type LeadStatus = 'open' | 'won' | 'lost';
export interface LeadsTable {
  id: Generated<number>;
  interaction_id: number | null;
  customer_id: number;
  product_code: string;
  site_id: number | null;
  notes: string | null;
  status: Generated<LeadStatus>;
  follow_up_at: string;
  attempts: Generated<number>;
  lease_owner: number | null;
  lease_expires_at: string | null;
  created_by: number | null;
  created_at: string;
  closed_at: string | null;
  updated_at: string;
  /** the operator the follow-up belongs to (offered to them alone until personal_until) */
  owner_id: number | null;
  personal_until: string | null;
  won_by: LeadWonBy | null;
  /** the order or contract reference of a sale closed on the phone */
  sale_reference: string | null;
  closed_by: number | null;
}

export type LeadWonBy = 'digital_funnel' | 'up_appointment' | 'assisted_sale' | 'manual';
