import type { Generated } from 'kysely';
import type { FlowId, Outcome } from '@valore/shared/reference/outcomes';

/** Practice mode's own tables (migration 2026-12-12T1100-practice): nothing of a real contact. */

export interface PracticeSetsTable {
  id: Generated<number>;
  name: string;
  /** the tutor's site; null for a set an admin made */
  site_id: number | null;
  /** JSON [{ flow, version? }] */
  scripts: string;
  /** JSON persona ids */
  persona_ids: string;
  count_required: number;
  /** YYYY-MM-DD or null */
  due_date: string | null;
  created_by: number;
  created_at: string;
}

export interface PracticeAssignmentsTable {
  id: Generated<number>;
  set_id: number;
  user_id: number;
  assigned_at: string;
}

export interface PracticeContactsTable {
  id: Generated<number>;
  user_id: number;
  site_id: number | null;
  assignment_id: number | null;
  flow: FlowId;
  script_version: string;
  persona_id: string;
  seed: number;
  /** JSON SyntheticCustomer */
  customer: string;
  /** JSON PracticeWeights (as at the start: the replies of the contact stay the same) */
  weights: string;
  /** JSON FlowInput the machine was started with */
  flow_input: string;
  started_at: string;
  ended_at: string | null;
  duration_ms: number | null;
  /** JSON PracticePathEntry[] */
  path: string | null;
  outcome: Outcome | null;
  /** JSON PracticeScore */
  score: string | null;
  total_score: number | null;
}

export interface PracticeScorecardsTable {
  id: Generated<number>;
  practice_id: number;
  tutor_id: number;
  /** JSON { criterion: 1–5 } */
  scores: string;
  overall: number;
  comments: string | null;
  saved_at: string;
}
