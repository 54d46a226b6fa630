import type { Generated } from 'kysely';

export type CampaignStatus = 'draft' | 'active' | 'paused' | 'closed';
export interface CampaignsTable {
  id: Generated<number>;
  name: string;
  business_unit: string;
  product_code: string;
  starts_on: string;
  ends_on: string;
  /** JSON CallingWindow */
  calling_window: string;
  max_attempts: number;
  retry_delay_minutes: number;
  script_version: string;
  status: Generated<CampaignStatus>;
  registry_checked_at: string | null;
  created_by: number | null;
  created_at: string;
}
export interface CampaignSitesTable {
  campaign_id: number;
  site_id: number;
}
export type CampaignContactStatus = 'pending' | 'claimed' | 'done' | 'exhausted' | 'removed';
export interface CampaignContactsTable {
  id: Generated<number>;
  campaign_id: number;
  customer_id: number;
  phone: string;
  status: Generated<CampaignContactStatus>;
  attempts: Generated<number>;
  due_at: string;
  lease_owner: number | null;
  lease_expires_at: string | null;
  last_outcome: string | null;
  updated_at: string;
}

export type CampaignImportStatus = 'running' | 'done' | 'failed';
export interface CampaignImportsTable {
  id: Generated<number>;
  campaign_id: number;
  status: Generated<CampaignImportStatus>;
  customer_id_column: string | null;
  phone_column: string | null;
  total: Generated<number>;
  imported: Generated<number>;
  duplicates: Generated<number>;
  rejected: Generated<number>;
  /** rejects counted in `rejected` but not kept in campaign_import_rejects (past the configured cap) */
  rejects_not_stored: Generated<number>;
  /** why a 'failed' import stopped, in words a team lead can act on */
  failure_reason: string | null;
  created_by: number | null;
  created_at: string;
  finished_at: string | null;
}
export type ImportRejectReasonValue = 'malformed' | 'unknown_customer' | 'no_marketing_consent' | 'on_optout_registry';
export interface CampaignImportRejectsTable {
  import_id: number;
  line: number;
  reason: ImportRejectReasonValue;
  value: string | null;
}
