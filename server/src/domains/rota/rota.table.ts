import type { Generated } from 'kysely';
import type { RotaShiftKind } from '@valore/shared/schemas/rota';

/**
 * One row of the rota (migrations 2026-12-11T1000-rota, 2026-12-12T1200-weekday-shifts): a Saturday shift, the rest
 * day it earns, or an operator's hours on a Monday–Friday date (a weekday row; without hours, a day off).
 */
export interface RotaShiftsTable {
  id: Generated<number>;
  site_id: number;
  user_id: number;
  /** the person's team when the shift was made (coverage is counted by it) */
  team_id: number | null;
  /** YYYY-MM-DD, Europe/Rome */
  date: string;
  kind: RotaShiftKind;
  /** HH:MM (Europe/Rome): a Saturday's hours in effect that day, a weekday's planned ones; null for a rest or day off */
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
