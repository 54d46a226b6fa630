import {
  cohortInput,
  cohortOutput,
  cohortSubjectsOutput,
  createCourseInput,
  createSessionInput,
  enrolInput,
  enrolOutput,
  exportFeedbackInput,
  exportFeedbackOutput,
  feedbackResultsInput,
  feedbackResultsOutput,
  mySessionsOutput,
  progressInput,
  progressOutput,
  recordAttendanceInput,
  recordAttendanceOutput,
  reportInput,
  reportOutput,
  sessionCandidatesOutput,
  sessionDetail,
  sessionInput,
  sessionsInput,
  submitFeedbackInput,
  submitFeedbackOutput,
  trainingCourse,
  trainingCoursesOutput,
  trainingSession,
  trainingSessionsOutput,
  unenrolInput,
  unenrolOutput,
} from '@valore/shared/schemas/training';
import { authedProcedure, roleProcedure, router } from '../../trpc/init';
import { cohortSubjects, trainingCohort } from './training.cohort';
import { coursesWithSessions } from './training.repository';
import { exportFeedbackCsv, feedbackResults, progress, report } from './training.reports';
import { readSites } from './training.scope';
import {
  candidates,
  createCourse,
  createSession,
  enrol,
  listSessions,
  mySessions,
  recordAttendance,
  sessionDetail as readSessionDetail,
  submitFeedback,
  unenrol,
} from './training.service';

/** Team leads plan and read their own site, admins every site (training.scope.ts). */
const planners = roleProcedure('team_lead', 'admin');

/** Training (docs/training.md; docs/api.md, `training.*`; `training.report` is fixed). */
export const trainingRouter = router({
  courses: planners.output(trainingCoursesOutput).query(({ ctx }) => coursesWithSessions(ctx.deps.db)),
  createCourse: roleProcedure('admin')
    .input(createCourseInput)
    .output(trainingCourse)
    .mutation(({ ctx, input }) => createCourse(ctx.deps, ctx.user, input, ctx.ip)),
  sessions: planners
    .input(sessionsInput)
    .output(trainingSessionsOutput)
    .query(async ({ ctx, input }) =>
      listSessions(ctx.deps.db, {
        courseId: input.courseId,
        siteIds: await readSites(ctx.deps.db, ctx.user, input.siteId),
      }),
    ),
  session: planners
    .input(sessionInput)
    .output(sessionDetail)
    .query(({ ctx, input }) => readSessionDetail(ctx.deps, ctx.user, input.sessionId)),
  /** Who may be enrolled in a session: the course's roles at its site, and who already is. */
  candidates: planners
    .input(sessionInput)
    .output(sessionCandidatesOutput)
    .query(({ ctx, input }) => candidates(ctx.deps, ctx.user, input.sessionId)),
  createSession: planners
    .input(createSessionInput)
    .output(trainingSession)
    .mutation(({ ctx, input }) => createSession(ctx.deps, ctx.user, input, ctx.ip)),
  enrol: planners
    .input(enrolInput)
    .output(enrolOutput)
    .mutation(({ ctx, input }) => enrol(ctx.deps, ctx.user, input, ctx.ip)),
  unenrol: planners
    .input(unenrolInput)
    .output(unenrolOutput)
    .mutation(({ ctx, input }) => unenrol(ctx.deps, ctx.user, input, ctx.ip)),
  recordAttendance: planners
    .input(recordAttendanceInput)
    .output(recordAttendanceOutput)
    .mutation(({ ctx, input }) => recordAttendance(ctx.deps, ctx.user, input, ctx.ip)),
  progress: planners
    .input(progressInput)
    .output(progressOutput)
    .query(({ ctx, input }) => progress(ctx.deps, ctx.user, input)),
  feedbackResults: planners
    .input(feedbackResultsInput)
    .output(feedbackResultsOutput)
    .query(({ ctx, input }) => feedbackResults(ctx.deps, ctx.user, input)),
  /** A mutation (POST, CSRF-guarded) because every export leaves an audit row, as stats.exportCsv. */
  exportFeedbackCsv: planners
    .input(exportFeedbackInput)
    .output(exportFeedbackOutput)
    .mutation(({ ctx, input }) => exportFeedbackCsv(ctx.deps, ctx.user, input, ctx.ip)),
  /** Fixed: per site, learners, trained and the feedback's averages; team leads their site, admins all. */
  report: planners
    .input(reportInput)
    .output(reportOutput)
    .query(({ ctx, input }) => report(ctx.deps, ctx.user, input)),
  cohort: planners
    .input(cohortInput)
    .output(cohortOutput)
    .query(({ ctx, input }) => trainingCohort(ctx.deps, ctx.user, input)),
  /** What the cohort view offers: every course, the practice sets of the team lead's site (an admin's: all). */
  cohortSubjects: planners.output(cohortSubjectsOutput).query(({ ctx }) => cohortSubjects(ctx.deps, ctx.user)),
  /** Anyone's own sessions (operators above all). */
  mySessions: authedProcedure.output(mySessionsOutput).query(({ ctx }) => mySessions(ctx.deps, ctx.user)),
  /** A learner's survey of a session they attended, once. */
  submitFeedback: authedProcedure
    .input(submitFeedbackInput)
    .output(submitFeedbackOutput)
    .mutation(({ ctx, input }) => submitFeedback(ctx.deps, ctx.user, input, ctx.ip)),
});
