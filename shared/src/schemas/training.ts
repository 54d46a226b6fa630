import { z } from 'zod';
import { ROLES } from '../reference/enums';
import { FEEDBACK_DIMENSIONS } from '../training/feedback';
import { clientId, id, text } from './common';

/**
 * Training (docs/training.md; docs/api.md, `training.*`): courses, their sessions per site, enrolment, attendance and
 * completion, the learners' feedback survey and its results, the per-site report (`training.report`, fixed) and the
 * before/after conversion of the operators who completed a course (`training.cohort`).
 */

export { FEEDBACK_DIMENSIONS };
/** Who a course may be meant for: the people of the sites (admins are not learners). */
export const TRAINING_ROLES = ['operator', 'tutor', 'team_lead'] as const;
export type TrainingRole = (typeof TRAINING_ROLES)[number];
export const ATTENDANCE_KINDS = ['present', 'absent', 'partial'] as const;
export type AttendanceKind = (typeof ATTENDANCE_KINDS)[number];
export const FEEDBACK_GROUP_BY = ['session', 'site', 'trainer', 'course'] as const;
export type FeedbackGroupBy = (typeof FEEDBACK_GROUP_BY)[number];

/** A session's day: a real date within the century (2027-02-30 is refused). */
export const trainingDay = z.iso
  .date({ message: 'Use a date as YYYY-MM-DD' })
  .refine((d) => d >= '2000-01-01' && d <= '2099-12-31', 'Choose a date between 2000 and 2099');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use a time as HH:MM (00:00–23:59)');

/** Hours in quarters (0.25 h): sums stay exact. */
const quarterHours = (min: number, max: number) => {
  const message = `Hours from ${min} to ${max}, in quarters of an hour (e.g. 1.5)`;
  return z
    .number({ message })
    .min(min, message)
    .max(max, message)
    .refine((h) => Number.isInteger(h * 4), message);
};
const required = (max: number) => text(max).pipe(z.string().min(1, 'Required'));

const requestId = clientId;
const siteId = id.optional();

// ---------------------------------------------------------------- courses

export const trainingCourse = z.object({
  id: z.number().int(),
  title: z.string(),
  hours: z.number(),
  modules: z.array(z.string()),
  targetRoles: z.array(z.enum(TRAINING_ROLES)),
  /** sessions planned (any site) */
  sessions: z.number().int(),
  createdAt: z.string(),
});
export type TrainingCourse = z.infer<typeof trainingCourse>;
export const trainingCoursesOutput = z.array(trainingCourse);

export const createCourseInput = z
  .object({
    requestId,
    title: required(200),
    hours: quarterHours(0.25, 200),
    modules: z
      .array(required(200), { message: 'List the modules' })
      .min(1, 'At least one module')
      .max(30, 'At most 30 modules'),
    targetRoles: z
      .array(z.enum(TRAINING_ROLES, { message: 'operator, tutor or team_lead' }), {
        message: 'Choose who the course is for',
      })
      .min(1, 'Choose who the course is for')
      .max(3)
      .refine((r) => new Set(r).size === r.length, 'Each role at most once'),
  })
  .strict();
export type CreateCourseInput = z.infer<typeof createCourseInput>;

// ---------------------------------------------------------------- sessions

export const trainingSession = z.object({
  id: z.number().int(),
  courseId: z.number().int(),
  courseTitle: z.string(),
  siteId: z.number().int(),
  siteName: z.string(),
  date: z.string(),
  /** HH:MM, Europe/Rome */
  starts: hhmm,
  hours: z.number(),
  /** the room; null for a remote session */
  room: z.string().nullable(),
  remote: z.boolean(),
  trainer: z.string(),
  capacity: z.number().int(),
  enrolled: z.number().int(),
  /** enrolled learners whose attendance is recorded */
  recorded: z.number().int(),
});
export type TrainingSession = z.infer<typeof trainingSession>;
export const trainingSessionsOutput = z.array(trainingSession);

export const sessionsInput = z.object({ courseId: id.optional(), siteId }).strict().default({});
export type SessionsInput = z.infer<typeof sessionsInput>;

export const createSessionInput = z
  .object({
    requestId,
    courseId: id,
    siteId,
    date: trainingDay,
    starts: hhmm,
    hours: quarterHours(0.25, 12),
    room: required(100).nullable().default(null),
    remote: z.boolean().default(false),
    trainer: required(120),
    capacity: z
      .number({ message: 'Seats from 1 to 500' })
      .int('Whole seats')
      .min(1, 'Seats from 1 to 500')
      .max(500, 'Seats from 1 to 500'),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (!v.remote && v.room === null)
      ctx.addIssue({ code: 'custom', path: ['room'], message: 'Name the room, or make the session remote' });
  });
export type CreateSessionInput = z.infer<typeof createSessionInput>;

export const sessionInput = z.object({ sessionId: id }).strict();
export type SessionInput = z.infer<typeof sessionInput>;

export const sessionLearner = z.object({
  userId: z.number().int(),
  name: z.string(),
  /** the person's role now (enrolled for one of the course's roles) */
  role: z.enum(ROLES),
  siteId: z.number().int().nullable(),
  /** null until recorded */
  attendance: z.enum(ATTENDANCE_KINDS).nullable(),
  /** hours attended in this session; null until recorded */
  hours: z.number().nullable(),
  /** hours attended across the course's sessions, and whether they complete it */
  courseHours: z.number(),
  completed: z.boolean(),
  feedbackGiven: z.boolean(),
});
export const sessionDetail = trainingSession.extend({ learners: z.array(sessionLearner) });
export type SessionDetail = z.infer<typeof sessionDetail>;

/** Who may be enrolled in a session (training.candidates): the course's roles at the session's site, and who is. */
export const sessionCandidate = z.object({
  userId: z.number().int(),
  name: z.string(),
  role: z.enum(ROLES),
  siteId: z.number().int().nullable(),
  enrolled: z.boolean(),
});
export type SessionCandidate = z.infer<typeof sessionCandidate>;
export const sessionCandidatesOutput = z.array(sessionCandidate);

// ---------------------------------------------------------------- enrolment and attendance

export const enrolInput = z
  .object({
    requestId,
    sessionId: id,
    userIds: z
      .array(id, { message: 'List the people to enrol' })
      .min(1, 'At least one person')
      .max(500, 'At most 500 people at a time')
      .refine((ids) => new Set(ids).size === ids.length, 'Each person at most once'),
  })
  .strict();
export type EnrolInput = z.infer<typeof enrolInput>;
export const enrolOutput = z.object({
  sessionId: z.number().int(),
  /** newly enrolled */
  enrolled: z.array(z.number().int()),
  /** enrolled before this request (left as they were) */
  already: z.array(z.number().int()),
  capacity: z.number().int(),
  /** seats taken after the request */
  taken: z.number().int(),
});
export type EnrolOutput = z.infer<typeof enrolOutput>;

export const unenrolInput = z.object({ requestId, sessionId: id, userId: id }).strict();
export type UnenrolInput = z.infer<typeof unenrolInput>;
export const unenrolOutput = z.object({ removed: z.literal(true) });

export const attendanceEntry = z
  .object({
    userId: id,
    attendance: z.enum(ATTENDANCE_KINDS, { message: 'present, absent or partial' }),
    /** the hours attended: with `partial` only (more than 0, less than the session's) */
    hours: quarterHours(0.25, 12).optional(),
  })
  .strict()
  .superRefine((e, ctx) => {
    if (e.attendance === 'partial' && e.hours === undefined)
      ctx.addIssue({ code: 'custom', path: ['hours'], message: 'Give the hours attended' });
    if (e.attendance !== 'partial' && e.hours !== undefined)
      ctx.addIssue({ code: 'custom', path: ['hours'], message: 'Hours only with a partial attendance' });
  });
export const recordAttendanceInput = z
  .object({
    requestId,
    sessionId: id,
    entries: z
      .array(attendanceEntry, { message: 'List the attendances' })
      .min(1, 'At least one attendance')
      .max(500, 'At most 500 attendances at a time')
      .refine((e) => new Set(e.map((x) => x.userId)).size === e.length, 'Each person at most once'),
  })
  .strict();
export type RecordAttendanceInput = z.infer<typeof recordAttendanceInput>;
export const recordAttendanceOutput = z.object({
  sessionId: z.number().int(),
  recorded: z.number().int(),
  /** of the people recorded, those who have now completed the course */
  completed: z.array(z.number().int()),
});
export type RecordAttendanceOutput = z.infer<typeof recordAttendanceOutput>;

// ---------------------------------------------------------------- progress

export const progressInput = z.object({ courseId: id, siteId }).strict();
export type ProgressInput = z.infer<typeof progressInput>;
const counted = { learners: z.number().int(), trained: z.number().int() };
export const progressOutput = z.object({
  courseId: z.number().int(),
  courseTitle: z.string(),
  hours: z.number(),
  sites: z.array(
    z.object({
      siteId: z.number().int(),
      siteName: z.string(),
      ...counted,
      roles: z.array(z.object({ role: z.enum(TRAINING_ROLES), ...counted })),
      /** the learners not trained yet, with the hours they have */
      pending: z.array(
        z.object({ userId: z.number().int(), name: z.string(), role: z.enum(TRAINING_ROLES), hours: z.number() }),
      ),
    }),
  ),
});
export type ProgressOutput = z.infer<typeof progressOutput>;

// ---------------------------------------------------------------- feedback

const score = z
  .number({ message: 'A score from 1 to 5' })
  .int('A whole score from 1 to 5')
  .min(1, 'A score from 1 to 5')
  .max(5, 'A score from 1 to 5');
export const feedbackScores = z
  .object({ usefulness: score, logistics: score, method: score, tutoring: score, teaching: score, planning: score })
  .strict();

export const submitFeedbackInput = z
  .object({ requestId, sessionId: id, scores: feedbackScores, comment: text(1000).nullable().default(null) })
  .strict();
export type SubmitFeedbackInput = z.infer<typeof submitFeedbackInput>;
export const submitFeedbackOutput = z.object({ feedbackId: z.number().int(), sessionId: z.number().int() });

export const mySessionsOutput = z.object({
  sessions: z.array(
    z.object({
      sessionId: z.number().int(),
      courseId: z.number().int(),
      courseTitle: z.string(),
      siteName: z.string(),
      date: z.string(),
      starts: hhmm,
      hours: z.number(),
      room: z.string().nullable(),
      remote: z.boolean(),
      trainer: z.string(),
      attendance: z.enum(ATTENDANCE_KINDS).nullable(),
      attendedHours: z.number().nullable(),
      feedbackGiven: z.boolean(),
      /** attended (present or partial) and no feedback yet */
      canGiveFeedback: z.boolean(),
    }),
  ),
});
export type MySessionsOutput = z.infer<typeof mySessionsOutput>;

export const scoreSummary = z.object({
  average: z.number().nullable(),
  count: z.number().int(),
  /** answers that gave 1, 2, 3, 4, 5 */
  distribution: z.tuple([z.number(), z.number(), z.number(), z.number(), z.number()]),
});
const dimensionsShape = Object.fromEntries(FEEDBACK_DIMENSIONS.map((d) => [d, scoreSummary])) as Record<
  (typeof FEEDBACK_DIMENSIONS)[number],
  typeof scoreSummary
>;
export const feedbackGroup = z.object({
  /** the session id, site id, trainer's name or course id */
  key: z.union([z.number(), z.string()]),
  /** what the group is called: "2022-12-05 09:00 · Roma Eur", a site's name, the trainer, the course's title */
  label: z.string(),
  responses: z.number().int(),
  dimensions: z.object(dimensionsShape),
});
export type FeedbackGroup = z.infer<typeof feedbackGroup>;

export const feedbackResultsInput = z
  .object({ courseId: id, groupBy: z.enum(FEEDBACK_GROUP_BY, { message: 'session, site, trainer or course' }), siteId })
  .strict();
export type FeedbackResultsInput = z.infer<typeof feedbackResultsInput>;
export const feedbackResultsOutput = z.object({
  courseId: z.number().int(),
  groupBy: z.enum(FEEDBACK_GROUP_BY),
  groups: z.array(feedbackGroup),
  total: feedbackGroup,
});
export type FeedbackResultsOutput = z.infer<typeof feedbackResultsOutput>;

export const exportFeedbackInput = feedbackResultsInput
  .extend({ language: z.enum(['it', 'en'], { message: 'it or en' }).default('it') })
  .strict();
export type ExportFeedbackInput = z.infer<typeof exportFeedbackInput>;
export const exportFeedbackOutput = z.object({ filename: z.string(), csv: z.string(), rows: z.number().int() });
export type ExportFeedbackOutput = z.infer<typeof exportFeedbackOutput>;

// ---------------------------------------------------------------- report (fixed) and cohort

export const reportInput = z.object({ courseId: id.optional() }).strict().default({});
export type ReportInput = z.infer<typeof reportInput>;
export const reportRow = z.object({
  siteId: z.number().int(),
  learners: z.number().int(),
  trained: z.number().int(),
  feedback: z.object({
    usefulness: z.number().nullable(),
    logistics: z.number().nullable(),
    method: z.number().nullable(),
    tutoring: z.number().nullable(),
    teaching: z.number().nullable(),
    planning: z.number().nullable(),
    responses: z.number().int(),
  }),
});
export type ReportRow = z.infer<typeof reportRow>;
export const reportOutput = z.array(reportRow);

/** What a cohort is of: the operators who completed a course, or those who completed a practice set. */
export const COHORT_SUBJECT_KINDS = ['course', 'practice_set'] as const;
export type CohortSubjectKind = (typeof COHORT_SUBJECT_KINDS)[number];
export const COHORT_DAYS = [7, 30, 60, 90] as const;

const exactlyOneSubject = 'Name either a course (courseId) or a practice set (practiceSetId), not both';
export const cohortInput = z
  .object({
    courseId: id.optional(),
    practiceSetId: id.optional(),
    days: z
      .number({ message: 'Days from 1 to 365' })
      .int('Whole days')
      .min(1, 'Days from 1 to 365')
      .max(365, 'Days from 1 to 365')
      .default(30),
    siteId,
  })
  .strict()
  // exactly one subject: the field errors name both fields, so either form field can show the message
  .superRefine((v, ctx) => {
    if ((v.courseId === undefined) === (v.practiceSetId === undefined)) {
      for (const path of ['courseId', 'practiceSetId'])
        ctx.addIssue({ code: 'custom', path: [path], message: exactlyOneSubject });
    }
  });
export type CohortInput = z.infer<typeof cohortInput>;

const rateEstimate = z.object({
  handled: z.number().int(),
  value: z.number().int(),
  rate: z.number().nullable(),
  low: z.number().nullable(),
  high: z.number().nullable(),
});
export const cohortEffectSchema = z.object({
  operators: z.number().int(),
  before: rateEstimate,
  after: rateEstimate,
  difference: z
    .object({ estimate: z.number(), low: z.number(), high: z.number(), significant: z.boolean() })
    .nullable(),
});
export const cohortSubject = z.object({
  kind: z.enum(COHORT_SUBJECT_KINDS),
  id: z.number().int(),
  name: z.string(),
  /** when the course or the set was created: the list is newest first */
  createdAt: z.string(),
});
export type CohortSubject = z.infer<typeof cohortSubject>;
export const cohortSubjectsOutput = z.array(cohortSubject);
export type CohortSubjectsOutput = z.infer<typeof cohortSubjectsOutput>;

export const cohortOutput = z.object({
  /** the course's id, null for a practice set (kept for the callers that predate `subject`) */
  courseId: z.number().int().nullable(),
  subject: cohortSubject.omit({ createdAt: true }),
  /** what `byTrainer` groups by: the trainer of the session a learner completed the course in, or the set's author */
  trainerIs: z.enum(['session_trainer', 'set_author']),
  days: z.number().int(),
  total: cohortEffectSchema,
  bySite: z.array(cohortEffectSchema.extend({ siteId: z.number().int(), siteName: z.string() })),
  byTrainer: z.array(cohortEffectSchema.extend({ trainer: z.string() })),
  /** operators who completed the course (set) but whose `days` after it have not all passed yet: left out */
  pending: z.number().int(),
});
export type CohortOutput = z.infer<typeof cohortOutput>;
