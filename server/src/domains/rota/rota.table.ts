import type { Generated } from 'kysely';

/** One day of the Saturday rota (migration 2026-12-11T1000-rota): a Saturday shift, or the rest day it earns. */
export interface RotaShiftsTable {
  id: Generated<number>;
  site_id: number;
  user_id: number;
  /** the person's team when the shift was made (coverage is counted by it) */
  team_id: number | null;
  /** YYYY-MM-DD, Europe/Rome */
  date: string;
  kind: 'saturday' | 'rest';
  /** HH:MM (Europe/Rome), the Saturday hours in effect that day; null for a rest day */
  starts: string | null;
  ends: string | null;
  /** a rest row: the Saturday shift it recovers (deleted with it) */
  rest_of: number | null;
  status: Generated<'draft' | 'published'>;
  created_at: string;
  created_by: number | null;
  published_at: string | null;
}

/** The need of a site's last generation (JSON `{ count }` or `{ share }`). */
export interface RotaRulesTable {
  site_id: number;
  need: string;
}
