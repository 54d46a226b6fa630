import { completionOf, type Completion } from '@valore/shared/training/completion';
import type { FeedbackScores } from '@valore/shared/training/feedback';
import type { SessionCandidate, TrainingCourse, TrainingRole, TrainingSession } from '@valore/shared/schemas/training';
import { TRAINING_ROLES } from '@valore/shared/schemas/training';
import type { Executor } from '../../db/database';

/** The reads of the training domain (docs/training.md); the writes are in training.service.ts. */

export interface CourseRow {
  id: number;
  title: string;
  hours: number;
  modules: string[];
  targetRoles: TrainingRole[];
  createdAt: string;
}

const parseRoles = (json: string): TrainingRole[] =>
  (JSON.parse(json) as string[]).filter((r): r is TrainingRole => (TRAINING_ROLES as readonly string[]).includes(r));

const courseColumns = ['id', 'title', 'hours', 'modules', 'target_roles', 'created_at'] as const;
function courseOf(r: {
  id: number;
  title: string;
  hours: number;
  modules: string;
  target_roles: string;
  created_at: string;
}): CourseRow {
  return {
    id: r.id,
    title: r.title,
    hours: r.hours,
    modules: JSON.parse(r.modules) as string[],
    targetRoles: parseRoles(r.target_roles),
    createdAt: r.created_at,
  };
}

export async function findCourse(db: Executor, id: number): Promise<CourseRow | undefined> {
  const row = await db.selectFrom('training_courses').select(courseColumns).where('id', '=', id).executeTakeFirst();
  return row ? courseOf(row) : undefined;
}

export async function listCourses(db: Executor, ids?: readonly number[]): Promise<CourseRow[]> {
  let query = db.selectFrom('training_courses').select(courseColumns).orderBy('id');
  if (ids) query = query.where('id', 'in', ids.length ? [...ids] : [0]);
  return (await query.execute()).map(courseOf);
}

/** The courses with the number of their sessions (training.courses). */
export async function coursesWithSessions(db: Executor): Promise<TrainingCourse[]> {
  const [courses, counts] = await Promise.all([
    listCourses(db),
    db
      .selectFrom('training_sessions')
      .select(['course_id', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('course_id')
      .execute(),
  ]);
  const sessions = new Map(counts.map((c) => [c.course_id, Number(c.n)]));
  return courses.map((c) => ({ ...c, sessions: sessions.get(c.id) ?? 0 }));
}

/** Sessions with their course, site and seats taken; `siteIds` null: every site. */
export async function listSessions(
  db: Executor,
  filter: { courseId?: number | undefined; siteIds: readonly number[] | null; sessionId?: number },
): Promise<TrainingSession[]> {
  let query = db
    .selectFrom('training_sessions as s')
    .innerJoin('training_courses as c', 'c.id', 's.course_id')
    .innerJoin('sites as site', 'site.id', 's.site_id')
    .select((eb) => [
      's.id',
      's.course_id',
      'c.title',
      's.site_id',
      'site.name as site_name',
      's.date',
      's.starts',
      's.hours',
      's.room',
      's.remote',
      's.trainer',
      's.capacity',
      eb
        .selectFrom('training_enrolments as e')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('e.session_id', '=', 's.id')
        .as('enrolled'),
      eb
        .selectFrom('training_enrolments as e')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('e.session_id', '=', 's.id')
        .where('e.attendance', 'is not', null)
        .as('recorded'),
    ])
    .orderBy('s.date')
    .orderBy('s.starts')
    .orderBy('s.id');
  if (filter.courseId !== undefined) query = query.where('s.course_id', '=', filter.courseId);
  if (filter.sessionId !== undefined) query = query.where('s.id', '=', filter.sessionId);
  if (filter.siteIds) query = query.where('s.site_id', 'in', filter.siteIds.length ? [...filter.siteIds] : [0]);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    courseId: r.course_id,
    courseTitle: r.title,
    siteId: r.site_id,
    siteName: r.site_name,
    date: r.date,
    starts: r.starts,
    hours: r.hours,
    room: r.room,
    remote: r.remote === 1,
    trainer: r.trainer,
    capacity: r.capacity,
    enrolled: Number(r.enrolled ?? 0),
    recorded: Number(r.recorded ?? 0),
  }));
}

export async function findSession(db: Executor, id: number): Promise<TrainingSession | undefined> {
  return (await listSessions(db, { siteIds: null, sessionId: id }))[0];
}

/** Every attended session of a course (hours > 0), any site: what completion is computed from. */
export async function attendedHours(db: Executor, courseId: number, userIds?: readonly number[]) {
  let query = db
    .selectFrom('training_enrolments as e')
    .innerJoin('training_sessions as s', 's.id', 'e.session_id')
    .select(['e.user_id', 'e.session_id', 's.date', 's.starts', 's.trainer', 'e.hours'])
    .where('s.course_id', '=', courseId)
    .where('e.hours', '>', 0);
  if (userIds) query = query.where('e.user_id', 'in', userIds.length ? [...userIds] : [0]);
  return query.execute();
}

/**
 * Who may be enrolled in a session: the active people of its site whose role the course is for, and anyone already
 * enrolled (also since gone inactive, moved or of another role, so they can be taken off), by name.
 */
export async function sessionCandidates(
  db: Executor,
  session: { id: number; siteId: number },
  roles: readonly TrainingRole[],
): Promise<SessionCandidate[]> {
  const rows = await db
    .selectFrom('users as u')
    .leftJoin('training_enrolments as e', (join) =>
      join.onRef('e.user_id', '=', 'u.id').on('e.session_id', '=', session.id),
    )
    .select(['u.id', 'u.display_name', 'u.role', 'u.site_id', 'e.user_id as enrolled'])
    .where((eb) =>
      eb.or([
        eb('e.user_id', 'is not', null),
        roles.length
          ? eb.and([eb('u.active', '=', 1), eb('u.site_id', '=', session.siteId), eb('u.role', 'in', [...roles])])
          : eb.lit(false),
      ]),
    )
    .orderBy('u.display_name')
    .orderBy('u.id')
    .execute();
  return rows.map((r) => ({
    userId: r.id,
    name: r.display_name,
    role: r.role,
    siteId: r.site_id,
    enrolled: r.enrolled !== null,
  }));
}

export interface LearnerCompletion extends Completion {
  userId: number;
  name: string;
  role: TrainingRole;
  siteId: number;
  /** the trainer of the session that completed the course; null while not completed */
  trainer: string | null;
}

/**
 * The learners of a course at the sites (null: every site), each with their completion: the active people of a site
 * whose role the course is for, and anyone of a site enrolled in one of its sessions (also since gone inactive, or of
 * another role). A learner belongs to their own site (users.site_id), wherever they attended.
 */
export async function courseLearners(
  db: Executor,
  course: CourseRow,
  siteIds: readonly number[] | null,
): Promise<LearnerCompletion[]> {
  let query = db
    .selectFrom('users as u')
    .select(['u.id', 'u.display_name', 'u.role', 'u.site_id'])
    .where('u.site_id', 'is not', null)
    .where('u.role', 'in', [...TRAINING_ROLES])
    .where((eb) =>
      eb.or([
        course.targetRoles.length
          ? eb.and([eb('u.active', '=', 1), eb('u.role', 'in', course.targetRoles)])
          : eb.lit(false),
        eb(
          'u.id',
          'in',
          eb
            .selectFrom('training_enrolments as e')
            .innerJoin('training_sessions as s', 's.id', 'e.session_id')
            .select('e.user_id')
            .where('s.course_id', '=', course.id),
        ),
      ]),
    )
    .orderBy('u.site_id')
    .orderBy('u.display_name')
    .orderBy('u.id');
  if (siteIds) query = query.where('u.site_id', 'in', siteIds.length ? [...siteIds] : [0]);
  const [people, attended] = await Promise.all([query.execute(), attendedHours(db, course.id)]);
  const byUser = new Map<number, typeof attended>();
  for (const a of attended) byUser.set(a.user_id, [...(byUser.get(a.user_id) ?? []), a]);
  return people.map((p) => {
    const sessions = byUser.get(p.id) ?? [];
    const completion = completionOf(
      sessions.map((s) => ({ sessionId: s.session_id, date: s.date, starts: s.starts, hours: s.hours ?? 0 })),
      course.hours,
    );
    return {
      ...completion,
      userId: p.id,
      name: p.display_name,
      role: p.role as TrainingRole,
      siteId: p.site_id ?? 0,
      trainer: sessions.find((s) => s.session_id === completion.sessionId)?.trainer ?? null,
    };
  });
}

export interface FeedbackRow extends FeedbackScores {
  sessionId: number;
  courseId: number;
  courseTitle: string;
  siteId: number;
  siteName: string;
  trainer: string;
  date: string;
  starts: string;
}

/** The surveys of a course's sessions (any course when null) held at the sites (null: every site). */
export async function feedbackRows(
  db: Executor,
  filter: { courseId: number | null; siteIds: readonly number[] | null },
): Promise<FeedbackRow[]> {
  let query = db
    .selectFrom('training_feedback as f')
    .innerJoin('training_sessions as s', 's.id', 'f.session_id')
    .innerJoin('training_courses as c', 'c.id', 's.course_id')
    .innerJoin('sites as site', 'site.id', 's.site_id')
    .select([
      'f.session_id',
      's.course_id',
      'c.title',
      's.site_id',
      'site.name as site_name',
      's.trainer',
      's.date',
      's.starts',
      'f.usefulness',
      'f.logistics',
      'f.method',
      'f.tutoring',
      'f.teaching',
      'f.planning',
    ])
    .orderBy('f.id');
  if (filter.courseId !== null) query = query.where('s.course_id', '=', filter.courseId);
  if (filter.siteIds) query = query.where('s.site_id', 'in', filter.siteIds.length ? [...filter.siteIds] : [0]);
  const rows = await query.execute();
  return rows.map((r) => ({
    sessionId: r.session_id,
    courseId: r.course_id,
    courseTitle: r.title,
    siteId: r.site_id,
    siteName: r.site_name,
    trainer: r.trainer,
    date: r.date,
    starts: r.starts,
    usefulness: r.usefulness,
    logistics: r.logistics,
    method: r.method,
    tutoring: r.tutoring,
    teaching: r.teaching,
    planning: r.planning,
  }));
}
