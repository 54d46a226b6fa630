import type { Generated } from 'kysely';

export interface FunnelLinksTable {
  id: Generated<number>;
  token: string;
  interaction_id: number | null;
  customer_id: number;
  product_code: string;
  channel: 'sms' | 'email';
  destination: string;
  expires_at: string;
  created_at: string;
  click_count: Generated<number>;
  first_clicked_at: string | null;
  purchased_at: string | null;
}
export interface FunnelClicksTable {
  id: Generated<number>;
  link_id: number;
  clicked_at: string;
  user_agent: string | null;
  ip_hash: string | null;
}
/** Server secrets persisted across restarts (migration 2026-11-26T0900-secrets). */
export interface AppSecretsTable {
  name: string;
  value: string;
  created_at: string;
}
