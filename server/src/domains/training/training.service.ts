import { sql } from 'kysely';
import type { SessionUser } from '@valore/shared/schemas/auth';
import type {
  CreateCourseInput,
  CreateSessionInput,
  EnrolInput,
  EnrolOutput,
  MySessionsOutput,
  RecordAttendanceInput,
  RecordAttendanceOutput,
  SessionCandidate,
  SessionDetail,
  SubmitFeedbackInput,
  TrainingCourse,
  TrainingRole,
  TrainingSession,
  UnenrolInput,
} from '@valore/shared/schemas/training';
import { completionOf } from '@valore/shared/training/completion';
import { romeParts } from '@valore/shared/time/rome-time';
import type { AppDeps } from '../../deps';
import type { Executor } from '../../db/database';
import { DomainError, fieldError } from '../../errors';
import { insertAudit } from '../audit/audit.repository';
import { idempotentTransaction, userCaller } from '../audit/idempotency';
import { attendedHours, findCourse, findSession, listSessions, sessionCandidates } from './training.repository';
import { checkSessionSite, planningSite } from './training.scope';

/**
 * The training changes (docs/training.md). Each takes the caller's requestId: the effect, the idempotency record
 * and the audit row commit in one transaction (audit/idempotency.ts), so a retry answers the first answer and
 * writes nothing twice. A team lead changes their own site's sessions only, an admin any.
 */

function change<T>(
  deps: AppDeps,
  user: SessionUser,
  scope: string,
  input: { requestId: string },
  effect: (trx: Executor, at: string) => Promise<T>,
): Promise<T> {
  const at = deps.clock.now().toISOString();
  return idempotentTransaction(deps, { caller: userCaller(user), scope, key: input.requestId, input, at }, (trx) =>
    effect(trx, at),
  ).then((r) => r.response);
}

async function sessionOrThrow(db: Executor, sessionId: number): Promise<TrainingSession> {
  const session = await findSession(db, sessionId);
  if (!session) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Training session ${sessionId} does not exist.`);
  return session;
}

export function createCourse(
  deps: AppDeps,
  user: SessionUser,
  input: CreateCourseInput,
  ip: string | null,
): Promise<TrainingCourse> {
  return change(deps, user, 'training.createCourse', input, async (trx, at) => {
    const { id } = await trx
      .insertInto('training_courses')
      .values({
        title: input.title,
        hours: input.hours,
        modules: JSON.stringify(input.modules),
        target_roles: JSON.stringify(input.targetRoles),
        created_at: at,
        created_by: user.id,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await insertAudit(trx, {
      at,
      actorId: user.id,
      action: 'training.course_created',
      entityType: 'training_course',
      entityId: id,
      details: { title: input.title, hours: input.hours, targetRoles: input.targetRoles },
      ip,
    });
    return {
      id,
      title: input.title,
      hours: input.hours,
      modules: input.modules,
      targetRoles: input.targetRoles,
      sessions: 0,
      createdAt: at,
    };
  });
}

export function createSession(
  deps: AppDeps,
  user: SessionUser,
  input: CreateSessionInput,
  ip: string | null,
): Promise<TrainingSession> {
  return change(deps, user, 'training.createSession', input, async (trx, at) => {
    const site = await planningSite(trx, user, input.siteId);
    const course = await findCourse(trx, input.courseId);
    if (!course) throw fieldError({ courseId: [`Course ${input.courseId} does not exist`] });
    const { id } = await trx
      .insertInto('training_sessions')
      .values({
        course_id: course.id,
        site_id: site.id,
        date: input.date,
        starts: input.starts,
        hours: input.hours,
        room: input.remote ? null : input.room,
        remote: input.remote ? 1 : 0,
        trainer: input.trainer,
        capacity: input.capacity,
        created_at: at,
        created_by: user.id,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await insertAudit(trx, {
      at,
      actorId: user.id,
      action: 'training.session_created',
      entityType: 'training_session',
      entityId: id,
      details: { courseId: course.id, siteId: site.id, date: input.date, trainer: input.trainer },
      ip,
    });
    return sessionOrThrow(trx, id);
  });
}

/**
 * Enrols people in a session: active people whose role the course is for (a team lead's: of their own site). Those
 * already enrolled are left as they are. The seats are checked by the insert itself (one conditional INSERT … SELECT
 * inside the transaction): a request that does not fit is refused whole (409) and a session is never over capacity,
 * however many enrolments arrive at once.
 */
export function enrol(deps: AppDeps, user: SessionUser, input: EnrolInput, ip: string | null): Promise<EnrolOutput> {
  return change(deps, user, 'training.enrol', input, async (trx, at) => {
    const session = await sessionOrThrow(trx, input.sessionId);
    checkSessionSite(user, session.siteId);
    const course = await findCourse(trx, session.courseId);
    const roles = course?.targetRoles ?? [];
    let people = trx
      .selectFrom('users')
      .select('id')
      .where('id', 'in', input.userIds)
      .where('active', '=', 1)
      .where('site_id', 'is not', null)
      .where('role', 'in', roles.length ? roles : ['-' as TrainingRole]);
    if (user.role === 'team_lead') people = people.where('site_id', '=', session.siteId);
    const eligible = new Set((await people.execute()).map((p) => p.id));
    const refused = input.userIds.filter((id) => !eligible.has(id));
    if (refused.length > 0) {
      const whose = user.role === 'team_lead' ? ` of ${session.siteName}` : '';
      throw fieldError({
        userIds: [`Not active people${whose} the course is for (${roles.join(', ')}): ${refused.join(', ')}`],
      });
    }
    const enrolled = await trx
      .selectFrom('training_enrolments')
      .select('user_id')
      .where('session_id', '=', session.id)
      .where('user_id', 'in', input.userIds)
      .execute();
    const already = new Set(enrolled.map((e) => e.user_id));
    const fresh = input.userIds.filter((id) => !already.has(id));
    if (fresh.length > 0) {
      const result = await trx
        .insertInto('training_enrolments')
        .columns(['session_id', 'user_id', 'enrolled_at', 'enrolled_by'])
        .expression((eb) =>
          eb
            .selectFrom(['training_sessions as s', 'users as u'])
            .select((sb) => ['s.id', 'u.id', sb.val(at).as('at'), sb.val(user.id).as('by')])
            .where('s.id', '=', session.id)
            .where('u.id', 'in', fresh)
            .where(
              (wb) =>
                sql<boolean>`${wb.ref('s.capacity')} >= (SELECT count(*) FROM training_enrolments WHERE session_id = ${session.id}) + ${fresh.length}`,
            ),
        )
        .executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0) !== fresh.length) {
        const taken = (await sessionOrThrow(trx, session.id)).enrolled;
        throw new DomainError(
          'CONFLICT',
          'VALIDATION',
          `Session ${session.id} has ${session.capacity} seats, ${taken} taken: ${fresh.length} more do not fit.`,
          { userIds: [`Only ${Math.max(0, session.capacity - taken)} seats left`] },
        );
      }
    }
    const taken = (await sessionOrThrow(trx, session.id)).enrolled;
    await insertAudit(trx, {
      at,
      actorId: user.id,
      action: 'training.enrolled',
      entityType: 'training_session',
      entityId: session.id,
      details: { userIds: fresh, already: [...already], taken },
      ip,
    });
    return { sessionId: session.id, enrolled: fresh, already: [...already], capacity: session.capacity, taken };
  });
}

/** Takes a person off a session, until their attendance is recorded. */
export function unenrol(
  deps: AppDeps,
  user: SessionUser,
  input: UnenrolInput,
  ip: string | null,
): Promise<{ removed: true }> {
  return change(deps, user, 'training.unenrol', input, async (trx, at) => {
    const session = await sessionOrThrow(trx, input.sessionId);
    checkSessionSite(user, session.siteId);
    const row = await trx
      .selectFrom('training_enrolments')
      .select(['attendance'])
      .where('session_id', '=', session.id)
      .where('user_id', '=', input.userId)
      .executeTakeFirst();
    if (!row) throw fieldError({ userId: [`Not enrolled in session ${session.id}`] });
    if (row.attendance !== null)
      throw fieldError({ userId: ['The attendance is recorded: correct it instead (absent) of unenrolling'] });
    await trx
      .deleteFrom('training_enrolments')
      .where('session_id', '=', session.id)
      .where('user_id', '=', input.userId)
      .execute();
    await insertAudit(trx, {
      at,
      actorId: user.id,
      action: 'training.unenrolled',
      entityType: 'training_session',
      entityId: session.id,
      details: { userId: input.userId },
      ip,
    });
    return { removed: true as const };
  });
}

/**
 * Records (or corrects) the attendance of enrolled people, from the session's day on: present counts the
 * session's hours, partial the hours given (less than the session's), absent none. Answers who of them have now
 * completed the course (attended hours across its sessions ≥ the course's hours).
 */
export function recordAttendance(
  deps: AppDeps,
  user: SessionUser,
  input: RecordAttendanceInput,
  ip: string | null,
): Promise<RecordAttendanceOutput> {
  return change(deps, user, 'training.recordAttendance', input, async (trx, at) => {
    const session = await sessionOrThrow(trx, input.sessionId);
    checkSessionSite(user, session.siteId);
    const today = romeParts(deps.clock.now()).date;
    if (session.date > today)
      throw fieldError({ sessionId: [`The session is on ${session.date}: record the attendance from that day`] });
    const enrolled = new Set(
      (
        await trx
          .selectFrom('training_enrolments')
          .select('user_id')
          .where('session_id', '=', session.id)
          .where(
            'user_id',
            'in',
            input.entries.map((e) => e.userId),
          )
          .execute()
      ).map((e) => e.user_id),
    );
    const problems: Record<string, string[]> = {};
    input.entries.forEach((e, i) => {
      if (!enrolled.has(e.userId)) problems[`entries.${i}.userId`] = [`Not enrolled in session ${session.id}`];
      if (e.attendance === 'partial' && (e.hours ?? 0) >= session.hours)
        problems[`entries.${i}.hours`] = [`Less than the session's ${session.hours} hours (or record present)`];
    });
    if (Object.keys(problems).length > 0) throw fieldError(problems);
    for (const e of input.entries) {
      const hours = e.attendance === 'present' ? session.hours : e.attendance === 'partial' ? (e.hours ?? 0) : 0;
      await trx
        .updateTable('training_enrolments')
        .set({ attendance: e.attendance, hours, recorded_at: at, recorded_by: user.id })
        .where('session_id', '=', session.id)
        .where('user_id', '=', e.userId)
        .execute();
    }
    const course = await findCourse(trx, session.courseId);
    const userIds = input.entries.map((e) => e.userId);
    const attended = await attendedHours(trx, session.courseId, userIds);
    const completed = userIds.filter(
      (id) =>
        completionOf(
          attended
            .filter((a) => a.user_id === id)
            .map((a) => ({ sessionId: a.session_id, date: a.date, starts: a.starts, hours: a.hours ?? 0 })),
          course?.hours ?? Infinity,
        ).completed,
    );
    const count = (kind: string) => input.entries.filter((e) => e.attendance === kind).length;
    await insertAudit(trx, {
      at,
      actorId: user.id,
      action: 'training.attendance_recorded',
      entityType: 'training_session',
      entityId: session.id,
      details: { present: count('present'), partial: count('partial'), absent: count('absent'), completed },
      ip,
    });
    return { sessionId: session.id, recorded: input.entries.length, completed };
  });
}

/** A learner's survey of a session they attended (present or partial), once. */
export function submitFeedback(
  deps: AppDeps,
  user: SessionUser,
  input: SubmitFeedbackInput,
  ip: string | null,
): Promise<{ feedbackId: number; sessionId: number }> {
  return change(deps, user, 'training.submitFeedback', input, async (trx, at) => {
    const session = await sessionOrThrow(trx, input.sessionId);
    const enrolment = await trx
      .selectFrom('training_enrolments')
      .select('attendance')
      .where('session_id', '=', session.id)
      .where('user_id', '=', user.id)
      .executeTakeFirst();
    if (!enrolment)
      throw new DomainError('FORBIDDEN', 'FORBIDDEN_SCOPE', 'You can give feedback on your own sessions only.');
    if (enrolment.attendance !== 'present' && enrolment.attendance !== 'partial')
      throw fieldError({
        sessionId: [
          enrolment.attendance === 'absent'
            ? 'You were recorded absent: feedback is for those who attended'
            : 'Your attendance is not recorded yet: give your feedback once it is',
        ],
      });
    const given = await trx
      .selectFrom('training_feedback')
      .select('id')
      .where('session_id', '=', session.id)
      .where('user_id', '=', user.id)
      .executeTakeFirst();
    if (given) throw new DomainError('CONFLICT', 'VALIDATION', 'You already gave your feedback on this session.');
    const { id } = await trx
      .insertInto('training_feedback')
      .values({
        session_id: session.id,
        user_id: user.id,
        ...input.scores,
        comment: input.comment === null || input.comment === '' ? null : input.comment,
        submitted_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await insertAudit(trx, {
      at,
      actorId: user.id,
      action: 'training.feedback_submitted',
      entityType: 'training_session',
      entityId: session.id,
      details: { feedbackId: id },
      ip,
    });
    return { feedbackId: id, sessionId: session.id };
  });
}

/** One session with its learners, their attendance, hours across the course and feedback given. */
export async function sessionDetail(deps: AppDeps, user: SessionUser, sessionId: number): Promise<SessionDetail> {
  const session = await sessionOrThrow(deps.db, sessionId);
  checkSessionSite(user, session.siteId);
  const [course, rows, feedback] = await Promise.all([
    findCourse(deps.db, session.courseId),
    deps.db
      .selectFrom('training_enrolments as e')
      .innerJoin('users as u', 'u.id', 'e.user_id')
      .select(['u.id', 'u.display_name', 'u.role', 'u.site_id', 'e.attendance', 'e.hours'])
      .where('e.session_id', '=', session.id)
      .orderBy('u.display_name')
      .orderBy('u.id')
      .execute(),
    deps.db.selectFrom('training_feedback').select('user_id').where('session_id', '=', session.id).execute(),
  ]);
  const attended = await attendedHours(
    deps.db,
    session.courseId,
    rows.map((r) => r.id),
  );
  const gave = new Set(feedback.map((f) => f.user_id));
  return {
    ...session,
    learners: rows.map((r) => {
      const completion = completionOf(
        attended
          .filter((a) => a.user_id === r.id)
          .map((a) => ({ sessionId: a.session_id, date: a.date, starts: a.starts, hours: a.hours ?? 0 })),
        course?.hours ?? Infinity,
      );
      return {
        userId: r.id,
        name: r.display_name,
        role: r.role,
        siteId: r.site_id,
        attendance: r.attendance,
        hours: r.hours,
        courseHours: completion.hours,
        completed: completion.completed,
        feedbackGiven: gave.has(r.id),
      };
    }),
  };
}

/** Who the planner may enrol in a session (a team lead: their own site's sessions only), with who already is. */
export async function candidates(deps: AppDeps, user: SessionUser, sessionId: number): Promise<SessionCandidate[]> {
  const session = await sessionOrThrow(deps.db, sessionId);
  checkSessionSite(user, session.siteId);
  const course = await findCourse(deps.db, session.courseId);
  return sessionCandidates(deps.db, session, course?.targetRoles ?? []);
}

/** The caller's own sessions, latest first, with their attendance and whether they may still give feedback. */
export async function mySessions(deps: AppDeps, user: SessionUser): Promise<MySessionsOutput> {
  const rows = await deps.db
    .selectFrom('training_enrolments as e')
    .innerJoin('training_sessions as s', 's.id', 'e.session_id')
    .innerJoin('training_courses as c', 'c.id', 's.course_id')
    .innerJoin('sites as site', 'site.id', 's.site_id')
    .leftJoin('training_feedback as f', (join) =>
      join.onRef('f.session_id', '=', 'e.session_id').onRef('f.user_id', '=', 'e.user_id'),
    )
    .select([
      's.id',
      's.course_id',
      'c.title',
      'site.name as site_name',
      's.date',
      's.starts',
      's.hours',
      's.room',
      's.remote',
      's.trainer',
      'e.attendance',
      'e.hours as attended',
      'f.id as feedback_id',
    ])
    .where('e.user_id', '=', user.id)
    .orderBy('s.date', 'desc')
    .orderBy('s.starts', 'desc')
    .orderBy('s.id', 'desc')
    .limit(200)
    .execute();
  return {
    sessions: rows.map((r) => ({
      sessionId: r.id,
      courseId: r.course_id,
      courseTitle: r.title,
      siteName: r.site_name,
      date: r.date,
      starts: r.starts,
      hours: r.hours,
      room: r.room,
      remote: r.remote === 1,
      trainer: r.trainer,
      attendance: r.attendance,
      attendedHours: r.attended,
      feedbackGiven: r.feedback_id !== null,
      canGiveFeedback: (r.attendance === 'present' || r.attendance === 'partial') && r.feedback_id === null,
    })),
  };
}

export { listSessions };
