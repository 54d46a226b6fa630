import type { FlowId } from '@valore/shared/reference/outcomes';

export interface ScriptVersionsTable {
  flow: FlowId;
  version: string;
  status: 'draft' | 'published' | 'retired';
  /** JSON ScriptDefinition */
  definition: string;
  note: string | null;
  updated_by: number | null;
  updated_at: string;
  published_at: string | null;
  retired_at: string | null;
}

export interface ScriptAssignmentsTable {
  /** "flow:<flow>" or "campaign:<id>" */
  scope: string;
  flow: FlowId;
  campaign_id: number | null;
  /** JSON [{ version, weight }] */
  splits: string;
  updated_by: number | null;
  updated_at: string;
}
