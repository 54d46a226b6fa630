import { sql } from 'kysely';
import type { SessionUser } from '@valore/shared/schemas/auth';
import type { CohortInput, CohortOutput } from '@valore/shared/schemas/training';
import { cohortEffect, type CohortMember } from '@valore/shared/training/cohort';
import { addDays, romeParts } from '@valore/shared/time/rome-time';
import type { AppDeps } from '../../deps';
import type { Executor } from '../../db/database';
import { catchUpStats } from '../stats/stats.catchup';
import { courseLearners } from './training.repository';
import { courseOrThrow } from './training.reports';
import { readSites } from './training.scope';

/**
 * "Does training pay?" (docs/training.md, `training.cohort`): for the operators who completed a course, their
 * conversion in the `days` before their completion date and the `days` after it (the completion day itself, spent
 * in the classroom, in neither), from the statistics' per-operator daily rollup (stats_operator_day: contacts
 * handled and value outcomes, Rome days), brought up to date first as the stats procedures do. An operator whose
 * `days` after have not all passed yet is left out (`pending`). The arithmetic is shared/src/training/cohort.ts.
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
    WITH w AS (
      SELECT json_extract(value, '$.operatorId') AS operator_id, json_extract(value, '$.beforeFrom') AS b_from,
        json_extract(value, '$.beforeTo') AS b_to, json_extract(value, '$.afterFrom') AS a_from,
        json_extract(value, '$.afterTo') AS a_to
      FROM json_each(${JSON.stringify(windows)})
    )
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

export async function trainingCohort(deps: AppDeps, user: SessionUser, input: CohortInput): Promise<CohortOutput> {
  const siteIds = await readSites(deps.db, user, input.siteId);
  const course = await courseOrThrow(deps.db, input.courseId);
  const today = romeParts(deps.clock.now()).date;
  const completed = (await courseLearners(deps.db, course, siteIds)).filter(
    (l) => l.role === 'operator' && l.completedOn !== null,
  );
  const ready = completed.filter((l) => addDays(l.completedOn ?? today, input.days) < today);
  await catchUpStats(deps.db);
  const counts = await windowConversion(
    deps.db,
    ready.map((l) => {
      const day = l.completedOn ?? today;
      return {
        operatorId: l.userId,
        beforeFrom: addDays(day, -input.days),
        beforeTo: addDays(day, -1),
        afterFrom: addDays(day, 1),
        afterTo: addDays(day, input.days),
      };
    }),
  );
  const byOperator = new Map(counts.map((c) => [c.operatorId, c]));
  const members = ready.map((l) => ({
    learner: l,
    member: byOperator.get(l.userId) ?? { before: { handled: 0, value: 0 }, after: { handled: 0, value: 0 } },
  }));
  const of = (keep: (l: (typeof ready)[number]) => boolean): CohortMember[] =>
    members.filter((m) => keep(m.learner)).map((m) => m.member);
  const sites = await deps.db
    .selectFrom('sites')
    .select(['id', 'name'])
    .where('id', 'in', [0, ...new Set(ready.map((l) => l.siteId))])
    .orderBy('id')
    .execute();
  const trainers = [...new Set(ready.map((l) => l.trainer ?? ''))].sort((a, b) => a.localeCompare(b));
  return {
    courseId: course.id,
    days: input.days,
    total: cohortEffect(of(() => true)),
    bySite: sites.map((s) => ({ siteId: s.id, siteName: s.name, ...cohortEffect(of((l) => l.siteId === s.id)) })),
    byTrainer: trainers.map((t) => ({ trainer: t, ...cohortEffect(of((l) => (l.trainer ?? '') === t)) })),
    pending: completed.length - ready.length,
  };
}
