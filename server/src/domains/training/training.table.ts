import type { Generated } from 'kysely';

/** Training tables (migration 2026-12-12T1000-training; docs/training.md). */

export interface TrainingCoursesTable {
  id: Generated<number>;
  title: string;
  /** the hours a learner attends to complete the course */
  hours: number;
  /** JSON string[] */
  modules: string;
  /** JSON ('operator' | 'tutor' | 'team_lead')[] */
  target_roles: string;
  created_at: string;
  created_by: number | null;
}

/** A session of a course at a site. */
export interface TrainingSessionsTable {
  id: Generated<number>;
  course_id: number;
  site_id: number;
  /** YYYY-MM-DD, Europe/Rome */
  date: string;
  /** HH:MM, Europe/Rome */
  starts: string;
  hours: number;
  /** null for a remote session */
  room: string | null;
  remote: Generated<0 | 1>;
  trainer: string;
  capacity: number;
  created_at: string;
  created_by: number | null;
}

/** A learner enrolled in a session, with the attendance once recorded. */
export interface TrainingEnrolmentsTable {
  session_id: number;
  user_id: number;
  enrolled_at: string;
  enrolled_by: number | null;
  attendance: 'present' | 'absent' | 'partial' | null;
  /** hours attended (present: the session's; absent: 0); null until recorded */
  hours: number | null;
  recorded_at: string | null;
  recorded_by: number | null;
}

/** A learner's survey of a session they attended (once). */
export interface TrainingFeedbackTable {
  id: Generated<number>;
  session_id: number;
  user_id: number;
  usefulness: number;
  logistics: number;
  method: number;
  tutoring: number;
  teaching: number;
  planning: number;
  comment: string | null;
  submitted_at: string;
}
