import { sql } from 'kysely';
import type { SessionUser } from '@valore/shared/schemas/auth';
import type { CohortInput, CohortOutput, CohortSubject } from '@valore/shared/schemas/training';
import { cohortEffect, type CohortMember } from '@valore/shared/training/cohort';
import { addDays, romeParts } from '@valore/shared/time/rome-time';
import type { AppDeps } from '../../deps';
import type { Executor } from '../../db/database';
import { DomainError } from '../../errors';
import { catchUpStats } from '../stats/stats.catchup';
import { courseLearners } from './training.repository';
import { courseOrThrow } from './training.reports';
import { readSites } from './training.scope';

/**
 * "Does training pay?" (docs/training.md, `training.cohort`): for the operators who completed a course — or a
 * practice set, at the moment of their `count`-th completed practice contact counted towards it — their conversion
 * in the `days` before their completion day and the `days` after it (the completion day itself, spent in the
 * classroom or at practice, in neither), from the statistics' per-operator daily rollup (stats_operator_day:
 * contacts handled and value outcomes, Rome days), brought up to date first as the stats procedures do. An operator
 * whose `days` after have not all passed yet is left out (`pending`). The arithmetic is shared/src/training/cohort.ts.
 */

interface Window {
  operatorId: number;
  beforeFrom: string;
  beforeTo: string;
  afterFrom: string;
  afterTo: string;
}

interface WindowCounts {
  operatorId: number;
  before: { handled: number; value: number };
  after: { handled: number; value: number };
}

/** One read: each operator's handled contacts and value outcomes in their two windows (none: not in the answer). */
export async function windowConversion(db: Executor, windows: readonly Window[]): Promise<WindowCounts[]> {
  if (windows.length === 0) return [];
  // the days any window covers: the rollup is scanned once over them, each row matched to its operator's windows
  const first = windows.map((w) => w.beforeFrom).reduce((a, b) => (a < b ? a : b));
  const last = windows.map((w) => w.afterTo).reduce((a, b) => (a > b ? a : b));
  const { rows } = await sql<{
    operator_id: number;
    before_handled: number;
    before_value: number;
    after_handled: number;
    after_value: number;
  }>`
    WITH w (operator_id, b_from, b_to, a_from, a_to) AS (VALUES ${sql.join(
      windows.map(
        (x) =>
          sql`(CAST(${x.operatorId} AS BIGINT), CAST(${x.beforeFrom} AS TEXT), CAST(${x.beforeTo} AS TEXT),
            CAST(${x.afterFrom} AS TEXT), CAST(${x.afterTo} AS TEXT))`,
      ),
    )})
    SELECT w.operator_id,
      coalesce(sum(CASE WHEN s.day BETWEEN w.b_from AND w.b_to THEN s.handled END), 0) AS before_handled,
      coalesce(sum(CASE WHEN s.day BETWEEN w.b_from AND w.b_to
        THEN s.value_appointment + s.value_funnel + s.value_lead END), 0) AS before_value,
      coalesce(sum(CASE WHEN s.day BETWEEN w.a_from AND w.a_to THEN s.handled END), 0) AS after_handled,
      coalesce(sum(CASE WHEN s.day BETWEEN w.a_from AND w.a_to
        THEN s.value_appointment + s.value_funnel + s.value_lead END), 0) AS after_value
    FROM stats_operator_day s JOIN w ON w.operator_id = s.operator_id
    WHERE s.day BETWEEN ${first} AND ${last} AND s.day BETWEEN w.b_from AND w.a_to
    GROUP BY w.operator_id`.execute(db);
  return rows.map((r) => ({
    operatorId: Number(r.operator_id),
    before: { handled: Number(r.before_handled), value: Number(r.before_value) },
    after: { handled: Number(r.after_handled), value: Number(r.after_value) },
  }));
}

/** One operator of a cohort: where, with whom (the session's trainer or the set's author), and when they completed. */
interface Completion {
  userId: number;
  siteId: number;
  trainer: string;
  /** Rome day */
  completedOn: string;
}

interface Cohort {
  subject: CohortOutput['subject'];
  trainerIs: CohortOutput['trainerIs'];
  completed: Completion[];
}

async function courseCohort(db: Executor, courseId: number, siteIds: readonly number[] | null): Promise<Cohort> {
  const course = await courseOrThrow(db, courseId);
  const completed = (await courseLearners(db, course, siteIds)).flatMap((l) =>
    l.role === 'operator' && l.completedOn !== null
      ? [{ userId: l.userId, siteId: l.siteId, trainer: l.trainer ?? '', completedOn: l.completedOn }]
      : [],
  );
  return { subject: { kind: 'course', id: course.id, name: course.title }, trainerIs: 'session_trainer', completed };
}

/**
 * A practice set's cohort: its operators (of the sites read) who completed it — the moment of the `count`-th
 * completed practice contact counted towards their assignment, as a Rome day; `byTrainer` is by the set's author.
 */
async function practiceSetCohort(db: Executor, setId: number, siteIds: readonly number[] | null): Promise<Cohort> {
  const set = await db
    .selectFrom('practice_sets as s')
    .leftJoin('users as c', 'c.id', 's.created_by')
    .select(['s.id', 's.name', 'c.display_name as author'])
    .where('s.id', '=', setId)
    .executeTakeFirst();
  if (!set) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Practice set ${setId} does not exist.`);
  const { rows } = await sql<{ user_id: number; site_id: number; completed_at: string }>`
    WITH done AS (
      SELECT p.assignment_id, p.ended_at,
        ROW_NUMBER() OVER (PARTITION BY p.assignment_id ORDER BY p.ended_at, p.id) AS n
      FROM practice_contacts p JOIN practice_assignments pa ON pa.id = p.assignment_id
      WHERE pa.set_id = ${setId} AND p.ended_at IS NOT NULL
    )
    SELECT a.user_id, u.site_id, d.ended_at AS completed_at
    FROM practice_assignments a
      JOIN practice_sets s ON s.id = a.set_id
      JOIN users u ON u.id = a.user_id
      JOIN done d ON d.assignment_id = a.id AND d.n = s.count_required
    WHERE a.set_id = ${setId} AND u.role = 'operator' AND u.site_id IS NOT NULL
      AND ${siteIds === null ? sql`TRUE` : siteIds.length ? sql`u.site_id IN (${sql.join(siteIds)})` : sql`FALSE`}
    ORDER BY u.site_id, u.display_name, u.id`.execute(db);
  return {
    subject: { kind: 'practice_set', id: set.id, name: set.name },
    trainerIs: 'set_author',
    completed: rows.map((r) => ({
      userId: Number(r.user_id),
      siteId: Number(r.site_id),
      trainer: set.author ?? '',
      completedOn: romeParts(new Date(r.completed_at)).date,
    })),
  };
}

export async function trainingCohort(deps: AppDeps, user: SessionUser, input: CohortInput): Promise<CohortOutput> {
  const siteIds = await readSites(deps.db, user, input.siteId);
  const { subject, trainerIs, completed } =
    input.practiceSetId !== undefined
      ? await practiceSetCohort(deps.db, input.practiceSetId, siteIds)
      : await courseCohort(deps.db, input.courseId ?? 0, siteIds);
  const today = romeParts(deps.clock.now()).date;
  const ready = completed.filter((l) => addDays(l.completedOn, input.days) < today);
  await catchUpStats(deps.db);
  const counts = await windowConversion(
    deps.db,
    ready.map((l) => ({
      operatorId: l.userId,
      beforeFrom: addDays(l.completedOn, -input.days),
      beforeTo: addDays(l.completedOn, -1),
      afterFrom: addDays(l.completedOn, 1),
      afterTo: addDays(l.completedOn, input.days),
    })),
  );
  const byOperator = new Map(counts.map((c) => [c.operatorId, c]));
  const members = ready.map((l) => ({
    learner: l,
    member: byOperator.get(l.userId) ?? { before: { handled: 0, value: 0 }, after: { handled: 0, value: 0 } },
  }));
  const of = (keep: (l: Completion) => boolean): CohortMember[] =>
    members.filter((m) => keep(m.learner)).map((m) => m.member);
  const sites = await deps.db
    .selectFrom('sites')
    .select(['id', 'name'])
    .where('id', 'in', [0, ...new Set(ready.map((l) => l.siteId))])
    .orderBy('id')
    .execute();
  const trainers = [...new Set(ready.map((l) => l.trainer))].sort((a, b) => a.localeCompare(b));
  return {
    courseId: subject.kind === 'course' ? subject.id : null,
    subject,
    trainerIs,
    days: input.days,
    total: cohortEffect(of(() => true)),
    bySite: sites.map((s) => ({ siteId: s.id, siteName: s.name, ...cohortEffect(of((l) => l.siteId === s.id)) })),
    byTrainer: trainers.map((t) => ({ trainer: t, ...cohortEffect(of((l) => l.trainer === t)) })),
    pending: completed.length - ready.length,
  };
}

/**
 * What a planner may pick for the cohort view, newest first: every course (courses are the whole centre's), and the
 * practice sets an admin sees all of, a team lead those of their site (made there, or given to one of its operators).
 */
export async function cohortSubjects(deps: AppDeps, user: SessionUser): Promise<CohortSubject[]> {
  const siteIds = await readSites(deps.db, user, undefined);
  const courses = await deps.db.selectFrom('training_courses').select(['id', 'title', 'created_at']).execute();
  let sets = deps.db.selectFrom('practice_sets as s').select(['s.id', 's.name', 's.created_at']);
  if (siteIds !== null) {
    const mine = siteIds.length ? [...siteIds] : [0];
    sets = sets.where((eb) =>
      eb.or([
        eb('s.site_id', 'in', mine),
        eb.exists(
          eb
            .selectFrom('practice_assignments as a')
            .innerJoin('users as u', 'u.id', 'a.user_id')
            .select('a.id')
            .whereRef('a.set_id', '=', 's.id')
            .where('u.site_id', 'in', mine),
        ),
      ]),
    );
  }
  const subjects: CohortSubject[] = [
    ...courses.map((c) => ({ kind: 'course' as const, id: c.id, name: c.title, createdAt: c.created_at })),
    ...(await sets.execute()).map((s) => ({
      kind: 'practice_set' as const,
      id: s.id,
      name: s.name,
      createdAt: s.created_at,
    })),
  ];
  return subjects.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.kind.localeCompare(b.kind) || b.id - a.id);
}
