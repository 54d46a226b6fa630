import type { Generated } from 'kysely';

export interface ScorecardTemplatesTable {
  id: Generated<number>;
  name: string;
  /** JSON [{ key, label: { it, en } }] */
  dimensions: string;
  active: Generated<0 | 1>;
  created_at: string;
  updated_at: string;
}
export interface ScorecardsTable {
  id: Generated<number>;
  interaction_id: number;
  template_id: number;
  tutor_id: number;
  operator_id: number;
  scores: string;
  critical_error: Generated<0 | 1>;
  comments: string | null;
  status: Generated<'draft' | 'released' | 'acknowledged'>;
  created_at: string;
  released_at: string | null;
  acknowledged_at: string | null;
}
