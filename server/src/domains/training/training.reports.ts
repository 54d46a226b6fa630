import type { SessionUser } from '@valore/shared/schemas/auth';
import type {
  ExportFeedbackInput,
  ExportFeedbackOutput,
  FeedbackGroup,
  FeedbackGroupBy,
  FeedbackResultsInput,
  FeedbackResultsOutput,
  ProgressInput,
  ProgressOutput,
  ReportInput,
  ReportRow,
} from '@valore/shared/schemas/training';
import { TRAINING_ROLES } from '@valore/shared/schemas/training';
import {
  FEEDBACK_DIMENSION_LABELS,
  FEEDBACK_DIMENSIONS,
  feedbackAverages,
  summariseFeedback,
} from '@valore/shared/training/feedback';
import { romeParts } from '@valore/shared/time/rome-time';
import { csvDocument, type CsvValue } from '../../csv-export';
import type { AppDeps } from '../../deps';
import type { Executor } from '../../db/database';
import { DomainError } from '../../errors';
import { insertAudit } from '../audit/audit.repository';
import {
  courseLearners,
  feedbackRows,
  findCourse,
  listCourses,
  type CourseRow,
  type FeedbackRow,
} from './training.repository';
import { readSites } from './training.scope';

/**
 * What the training tells the team leads and admins (docs/training.md): progress per site and role, the feedback
 * results per session, site, trainer or course, their CSV, and the fixed per-site report (`training.report`).
 */

export async function courseOrThrow(db: Executor, courseId: number): Promise<CourseRow> {
  const course = await findCourse(db, courseId);
  if (!course) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Course ${courseId} does not exist.`);
  return course;
}

async function sitesOf(db: Executor, siteIds: readonly number[] | null): Promise<{ id: number; name: string }[]> {
  let query = db.selectFrom('sites').select(['id', 'name']).orderBy('id');
  if (siteIds) query = query.where('id', 'in', siteIds.length ? [...siteIds] : [0]);
  return query.execute();
}

/** Learners and trained per site and role, with who is still to train (training.progress). */
export async function progress(deps: AppDeps, user: SessionUser, input: ProgressInput): Promise<ProgressOutput> {
  const siteIds = await readSites(deps.db, user, input.siteId);
  const course = await courseOrThrow(deps.db, input.courseId);
  const [sites, learners] = await Promise.all([sitesOf(deps.db, siteIds), courseLearners(deps.db, course, siteIds)]);
  return {
    courseId: course.id,
    courseTitle: course.title,
    hours: course.hours,
    sites: sites.map((site) => {
      const mine = learners.filter((l) => l.siteId === site.id);
      return {
        siteId: site.id,
        siteName: site.name,
        learners: mine.length,
        trained: mine.filter((l) => l.completed).length,
        roles: TRAINING_ROLES.map((role) => {
          const of = mine.filter((l) => l.role === role);
          return { role, learners: of.length, trained: of.filter((l) => l.completed).length };
        }).filter((r) => r.learners > 0),
        pending: mine
          .filter((l) => !l.completed)
          .map((l) => ({ userId: l.userId, name: l.name, role: l.role, hours: l.hours })),
      };
    }),
  };
}

/**
 * The fixed report: per site in scope (a team lead's own, every site for an admin), the learners, those trained and
 * the feedback's averages on 1–5 (one decimal, null without answers) with the number of surveys. With a course: its
 * learners and its sessions' feedback. Without: the people who are learners of any course, trained when they have
 * completed every course they are a learner of, and the feedback of every course's sessions held at the site.
 */
export async function report(deps: AppDeps, user: SessionUser, input: ReportInput): Promise<ReportRow[]> {
  const siteIds = await readSites(deps.db, user, undefined);
  const courses =
    input.courseId === undefined ? await listCourses(deps.db) : [await courseOrThrow(deps.db, input.courseId)];
  const [sites, feedback, ...perCourse] = await Promise.all([
    sitesOf(deps.db, siteIds),
    feedbackRows(deps.db, { courseId: input.courseId ?? null, siteIds }),
    ...courses.map((c) => courseLearners(deps.db, c, siteIds)),
  ]);
  // per person: learner of at least one course; trained when every one of them is completed
  const people = new Map<number, { siteId: number; trained: boolean }>();
  for (const learners of perCourse) {
    for (const l of learners) {
      const seen = people.get(l.userId);
      people.set(l.userId, { siteId: l.siteId, trained: (seen?.trained ?? true) && l.completed });
    }
  }
  const learners = [...people.values()];
  return sites.map((site) => {
    const mine = learners.filter((l) => l.siteId === site.id);
    return {
      siteId: site.id,
      learners: mine.length,
      trained: mine.filter((l) => l.trained).length,
      feedback: feedbackAverages(feedback.filter((f) => f.siteId === site.id)),
    };
  });
}

function groupKey(row: FeedbackRow, groupBy: FeedbackGroupBy): { key: number | string; label: string } {
  switch (groupBy) {
    case 'session':
      return { key: row.sessionId, label: `${row.date} ${row.starts} · ${row.siteName} · ${row.trainer}` };
    case 'site':
      return { key: row.siteId, label: row.siteName };
    case 'trainer':
      return { key: row.trainer, label: row.trainer };
    case 'course':
      return { key: row.courseId, label: row.courseTitle };
  }
}

/** The survey results of a course grouped by session, site, trainer or course, with the total (per dimension). */
export async function feedbackResults(
  deps: AppDeps,
  user: SessionUser,
  input: FeedbackResultsInput,
): Promise<FeedbackResultsOutput> {
  const siteIds = await readSites(deps.db, user, input.siteId);
  const course = await courseOrThrow(deps.db, input.courseId);
  const rows = await feedbackRows(deps.db, { courseId: course.id, siteIds });
  const groups = new Map<string, { key: number | string; label: string; rows: FeedbackRow[]; order: string }>();
  for (const row of rows) {
    const { key, label } = groupKey(row, input.groupBy);
    const id = `${typeof key}:${key}`;
    const order =
      input.groupBy === 'session'
        ? `${row.date} ${row.starts} ${String(row.sessionId).padStart(12, '0')}`
        : typeof key === 'number'
          ? String(key).padStart(12, '0')
          : key;
    const group = groups.get(id) ?? { key, label, rows: [], order };
    group.rows.push(row);
    groups.set(id, group);
  }
  const shaped = (key: number | string, label: string, of: FeedbackRow[]): FeedbackGroup => ({
    key,
    label,
    ...summariseFeedback(of),
  });
  return {
    courseId: course.id,
    groupBy: input.groupBy,
    groups: [...groups.values()]
      .sort((a, b) => a.order.localeCompare(b.order))
      .map((g) => shaped(g.key, g.label, g.rows)),
    total: shaped('total', course.title, rows),
  };
}

const EXPORT_HEADERS = {
  it: ['gruppo', 'nome', 'dimensione', 'media', 'risposte', 'voto_1', 'voto_2', 'voto_3', 'voto_4', 'voto_5'],
  en: ['group', 'name', 'dimension', 'average', 'responses', 'score_1', 'score_2', 'score_3', 'score_4', 'score_5'],
} as const;

/**
 * The results as a CSV in the reader's language (csv-export.ts: Italian `;` and decimal comma): one line per group
 * and dimension, then the total's. A mutation, as the other exports, because it leaves an audit row.
 */
export async function exportFeedbackCsv(
  deps: AppDeps,
  user: SessionUser,
  input: ExportFeedbackInput,
  ip: string | null,
): Promise<ExportFeedbackOutput> {
  const lang = input.language;
  const results = await feedbackResults(deps, user, input);
  const lines: CsvValue[][] = [[...EXPORT_HEADERS[lang]]];
  const total = { ...results.total, key: lang === 'it' ? 'Totale' : 'Total' };
  for (const group of [...results.groups, total]) {
    for (const d of FEEDBACK_DIMENSIONS) {
      const s = group.dimensions[d];
      lines.push([group.key, group.label, FEEDBACK_DIMENSION_LABELS[d][lang], s.average, s.count, ...s.distribution]);
    }
  }
  const at = deps.clock.now();
  await insertAudit(deps.db, {
    at: at.toISOString(),
    actorId: user.id,
    action: 'training.feedback_exported',
    entityType: 'training_course',
    entityId: input.courseId,
    details: { groupBy: input.groupBy, siteId: input.siteId ?? null, groups: results.groups.length },
    ip,
  });
  const stamp = romeParts(at).date;
  return {
    filename: `valore-formazione-${input.courseId}-${input.groupBy}-${stamp}.csv`,
    csv: csvDocument(lines, lang),
    rows: lines.length - 1,
  };
}
