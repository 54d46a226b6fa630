import type { Generated } from 'kysely';

export type OperatorState = 'signed_out' | 'ready' | 'paused' | 'on_contact' | 'after_call_work';
export interface OperatorStatusTable {
  user_id: number;
  state: OperatorState;
  reason: string | null;
  since: string;
  flow: string | null;
  step: string | null;
  step_since: string | null;
  interaction_client_id: string | null;
  customer_id: number | null;
  updated_at: string;
}
export interface OperatorStatusLogTable {
  id: Generated<number>;
  user_id: number;
  state: OperatorState;
  reason: string | null;
  at: string;
}
export interface TutorMessagesTable {
  id: Generated<number>;
  from_user_id: number;
  to_user_id: number;
  interaction_client_id: string | null;
  step: string | null;
  body: string;
  sent_at: string;
  acknowledged_at: string | null;
  /** null: queued, waiting for the operator's next contact (migration 2026-12-10T1000-queued-coaching) */
  delivered_at: string | null;
}

/** A site's last board change number (board-sequence.ts). */
export interface BoardSequencesTable {
  site_id: number;
  seq: number;
}

/** An operator's change as the site's board shows it; `seq` empty on PostgreSQL until numbered (board-sequence.ts). */
export interface BoardChangesTable {
  id: Generated<number>;
  site_id: number;
  seq: number | null;
  user_id: number;
  /** the OperatorStatus, JSON */
  status: string;
  at: string;
}
