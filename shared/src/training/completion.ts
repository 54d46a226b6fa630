/**
 * When a learner has completed a course (docs/training.md): the hours they attended across the course's sessions
 * (a present learner the session's hours, a partial one the hours recorded, an absent one none) reach the course's
 * hours. The completion date is the date of the session that brought them there.
 */

export interface AttendedHours {
  sessionId: number;
  /** YYYY-MM-DD */
  date: string;
  /** HH:MM, to order two sessions of one day */
  starts: string;
  /** hours attended in that session (0 when absent) */
  hours: number;
}

export interface Completion {
  /** hours attended across the course's sessions */
  hours: number;
  completed: boolean;
  /** the date of the session that reached the course's hours; null while not completed */
  completedOn: string | null;
  /** that session */
  sessionId: number | null;
}

export function completionOf(attended: readonly AttendedHours[], courseHours: number): Completion {
  const ordered = [...attended].sort(
    (a, b) => a.date.localeCompare(b.date) || a.starts.localeCompare(b.starts) || a.sessionId - b.sessionId,
  );
  let hours = 0;
  let completedOn: string | null = null;
  let sessionId: number | null = null;
  for (const session of ordered) {
    if (session.hours <= 0) continue;
    hours += session.hours;
    if (completedOn === null && hours >= courseHours) {
      completedOn = session.date;
      sessionId = session.sessionId;
    }
  }
  return { hours, completed: completedOn !== null, completedOn, sessionId };
}
