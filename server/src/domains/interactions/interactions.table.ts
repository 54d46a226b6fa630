import type { Generated } from 'kysely';
import type { FlowId, Outcome } from '@valore/shared/reference/outcomes';

export type WorkKind = 'callback' | 'campaign' | 'lead_followup' | 'inbound' | 'manual';
export interface InteractionsTable {
  id: Generated<number>;
  client_id: string;
  request_hash: string;
  operator_id: number;
  site_id: number;
  team_id: number | null;
  customer_id: number | null;
  flow: FlowId;
  script_id: string;
  script_version: string;
  work_kind: WorkKind | null;
  source_id: string | null;
  campaign_id: number | null;
  product_code: string | null;
  path: string;
  events: string;
  outcome: Outcome;
  outcome_details: string;
  reached: 0 | 1;
  proposal_made: 0 | 1;
  ocs_solved: 0 | 1 | null;
  propensity: 0 | 1 | null;
  notes: string | null;
  started_at: string;
  ended_at: string;
  handle_ms: number;
  acw_ms: Generated<number>;
  /** the server's time at receipt */
  created_at: string;
  /** delivered from the console's offline queue, after the contact ended (interactions/reported-times.ts) */
  late: Generated<0 | 1>;
}
