import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Executor } from '../../db/database';
import type { InteractionsTable } from '../interactions/interactions.table';
import type { ScorecardTemplatesTable, ScorecardsTable } from './quality.table';

export type TemplateRow = Selectable<ScorecardTemplatesTable>;
export type ScorecardRow = Selectable<ScorecardsTable>;

export async function listTemplates(db: Executor, opts: { activeOnly: boolean }): Promise<TemplateRow[]> {
  let q = db.selectFrom('scorecard_templates').selectAll();
  if (opts.activeOnly) q = q.where('active', '=', 1);
  return q.orderBy('id').execute();
}

export async function findTemplate(db: Executor, id: number): Promise<TemplateRow | undefined> {
  return db.selectFrom('scorecard_templates').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertTemplate(db: Executor, row: Insertable<ScorecardTemplatesTable>): Promise<number> {
  const { id } = await db.insertInto('scorecard_templates').values(row).returning('id').executeTakeFirstOrThrow();
  return id;
}

export async function updateTemplate(
  db: Executor,
  id: number,
  set: Updateable<ScorecardTemplatesTable>,
): Promise<void> {
  await db.updateTable('scorecard_templates').set(set).where('id', '=', id).execute();
}

export interface InteractionForReview {
  id: number;
  client_id: string;
  operator_id: number;
  operator_name: string;
  site_id: number;
  flow: Selectable<InteractionsTable>['flow'];
  outcome: Selectable<InteractionsTable>['outcome'];
  product_code: string | null;
  work_kind: Selectable<InteractionsTable>['work_kind'];
  customer_id: number | null;
  events: string;
  path: string;
  notes: string | null;
  started_at: string;
  ended_at: string;
  handle_ms: number;
  acw_ms: number;
  script_version: string;
}

export async function findInteraction(db: Executor, id: number): Promise<InteractionForReview | undefined> {
  return db
    .selectFrom('interactions')
    .innerJoin('users', 'users.id', 'interactions.operator_id')
    .select([
      'interactions.id',
      'interactions.client_id',
      'interactions.operator_id',
      'users.display_name as operator_name',
      'interactions.site_id',
      'interactions.flow',
      'interactions.outcome',
      'interactions.product_code',
      'interactions.work_kind',
      'interactions.customer_id',
      'interactions.events',
      'interactions.path',
      'interactions.notes',
      'interactions.started_at',
      'interactions.ended_at',
      'interactions.handle_ms',
      'interactions.acw_ms',
      'interactions.script_version',
    ])
    .where('interactions.id', '=', id)
    .executeTakeFirst();
}

export interface ReviewableRow {
  id: number;
  operator_id: number;
  operator_name: string;
  flow: Selectable<InteractionsTable>['flow'];
  outcome: Selectable<InteractionsTable>['outcome'];
  started_at: string;
  handle_ms: number;
  scorecard_status: ScorecardRow['status'] | null;
}

/** A site's contacts since `from`, newest first, with the status of the scorecard this tutor gave (if any). */
export async function listReviewables(
  db: Executor,
  siteId: number,
  from: string,
  tutorId: number,
  limit: number,
): Promise<ReviewableRow[]> {
  return db
    .selectFrom('interactions')
    .innerJoin('users', 'users.id', 'interactions.operator_id')
    .leftJoin('scorecards', (join) =>
      join.onRef('scorecards.interaction_id', '=', 'interactions.id').on('scorecards.tutor_id', '=', tutorId),
    )
    .select([
      'interactions.id',
      'interactions.operator_id',
      'users.display_name as operator_name',
      'interactions.flow',
      'interactions.outcome',
      'interactions.started_at',
      'interactions.handle_ms',
      'scorecards.status as scorecard_status',
    ])
    .where('interactions.site_id', '=', siteId)
    .where('interactions.started_at', '>=', from)
    .orderBy('interactions.started_at', 'desc')
    .limit(limit)
    .execute();
}

export interface ScorecardViewRow extends ScorecardRow {
  tutor_name: string;
  operator_name: string;
  flow: Selectable<InteractionsTable>['flow'];
  outcome: Selectable<InteractionsTable>['outcome'];
  started_at: string;
  dimensions: string;
}

function scorecardsQuery(db: Executor) {
  return db
    .selectFrom('scorecards')
    .innerJoin('users as tutor', 'tutor.id', 'scorecards.tutor_id')
    .innerJoin('users as operator', 'operator.id', 'scorecards.operator_id')
    .innerJoin('interactions', 'interactions.id', 'scorecards.interaction_id')
    .innerJoin('scorecard_templates', 'scorecard_templates.id', 'scorecards.template_id')
    .selectAll('scorecards')
    .select([
      'tutor.display_name as tutor_name',
      'operator.display_name as operator_name',
      'interactions.flow',
      'interactions.outcome',
      'interactions.started_at',
      'scorecard_templates.dimensions',
    ]);
}

export async function findScorecard(db: Executor, id: number): Promise<ScorecardViewRow | undefined> {
  return scorecardsQuery(db).where('scorecards.id', '=', id).executeTakeFirst();
}

export async function findScorecardOf(
  db: Executor,
  interactionId: number,
  tutorId: number,
): Promise<ScorecardViewRow | undefined> {
  return scorecardsQuery(db)
    .where('scorecards.interaction_id', '=', interactionId)
    .where('scorecards.tutor_id', '=', tutorId)
    .executeTakeFirst();
}

/** An operator's scorecards that were released to them (never drafts), newest first. */
export async function listReleasedScorecardsOf(
  db: Executor,
  operatorId: number,
  limit: number,
): Promise<ScorecardViewRow[]> {
  return scorecardsQuery(db)
    .where('scorecards.operator_id', '=', operatorId)
    .where('scorecards.status', 'in', ['released', 'acknowledged'])
    .orderBy('scorecards.released_at', 'desc')
    .limit(limit)
    .execute();
}

export async function insertScorecard(db: Executor, row: Insertable<ScorecardsTable>): Promise<number> {
  const { id } = await db.insertInto('scorecards').values(row).returning('id').executeTakeFirstOrThrow();
  return id;
}

export async function updateScorecard(db: Executor, id: number, set: Updateable<ScorecardsTable>): Promise<void> {
  await db.updateTable('scorecards').set(set).where('id', '=', id).execute();
}
