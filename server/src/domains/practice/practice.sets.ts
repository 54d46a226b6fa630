import { sql } from 'kysely';
import type { SessionUser } from '@valore/shared/schemas/auth';
import type {
  PracticeAssignInput,
  PracticeContactsInput,
  PracticeContactSummary,
  PracticeLearner,
  PracticeLearnersInput,
  PracticeMineOutput,
  PracticeProgressInput,
  PracticeProgressOutput,
  PracticeScorecardInput,
  PracticeScriptRef,
} from '@valore/shared/schemas/practice';
import type { PersonaId } from '@valore/shared/training/personas';
import type { PracticeCriterion, PracticeScore } from '@valore/shared/training/practice-score';
import type { AppDeps } from '../../deps';
import type { Executor } from '../../db/database';
import { DomainError, fieldError } from '../../errors';
import { idempotentTransaction, userCaller } from '../audit/idempotency';
import { publishedScript, type PracticeScript } from './practice.sources';

/**
 * Practice sets (docs/training.md, "Practice mode"): a tutor gives their site's operators (an admin anyone's) a set of
 * scripts and personas to practise, so many contacts by a date; operators see their own progress, tutors and team
 * leads their site's, admins every site's. Tutors may add a scorecard to a completed practice contact of their site.
 * Only practice tables and idempotency records are written.
 */

export interface AssignmentRow {
  id: number;
  scripts: PracticeScriptRef[];
  personaIds: PersonaId[];
}

export async function findAssignment(db: Executor, userId: number, assignmentId: number): Promise<AssignmentRow> {
  const row = await db
    .selectFrom('practice_assignments as a')
    .innerJoin('practice_sets as s', 's.id', 'a.set_id')
    .select(['a.id', 's.scripts', 's.persona_ids'])
    .where('a.id', '=', assignmentId)
    .where('a.user_id', '=', userId)
    .executeTakeFirst();
  if (!row) throw fieldError({ assignmentId: ['This practice assignment is not yours'] });
  return {
    id: row.id,
    scripts: JSON.parse(row.scripts) as PracticeScriptRef[],
    personaIds: JSON.parse(row.persona_ids) as PersonaId[],
  };
}

/** A contact counts towards an assignment only with one of its scripts (and versions, where named) and personas. */
export function requireAssignmentAllows(a: AssignmentRow, script: PracticeScript, personaId: PersonaId): void {
  const fields: Record<string, string[]> = {};
  if (!a.scripts.some((s) => s.flow === script.flow && (s.version === undefined || s.version === script.version))) {
    fields.flow = [`The assignment asks for ${a.scripts.map((s) => `${s.flow} ${s.version ?? ''}`.trim()).join(', ')}`];
  }
  if (!a.personaIds.includes(personaId)) fields.personaId = [`The assignment asks for ${a.personaIds.join(', ')}`];
  if (Object.keys(fields).length) throw fieldError(fields);
}

/** The site a tutor or team lead sees (their own; another is refused), or the admin's filter (null: every site). */
function siteScope(user: SessionUser, siteId: number | undefined): number | null {
  if (user.role === 'admin') return siteId ?? null;
  if (user.siteId === null) throw new DomainError('FORBIDDEN', 'FORBIDDEN_SCOPE', 'You are not attached to a site.');
  if (siteId !== undefined && siteId !== user.siteId) {
    throw new DomainError('FORBIDDEN', 'FORBIDDEN_SCOPE', 'You can see the practice of your own site only.');
  }
  return user.siteId;
}

/** Operators to assign to: active operators; a tutor's must be of the tutor's site. */
async function requireOperators(db: Executor, user: SessionUser, userIds: readonly number[]): Promise<void> {
  const rows = await db
    .selectFrom('users')
    .select(['id', 'role', 'site_id', 'active'])
    .where('id', 'in', [...userIds])
    .execute();
  const bad = userIds.filter((id) => {
    const u = rows.find((r) => r.id === id);
    return !u || u.role !== 'operator' || u.active !== 1;
  });
  if (bad.length) throw fieldError({ userIds: [`Not active operators: ${bad.join(', ')}`] });
  if (user.role !== 'admin' && rows.some((r) => r.site_id !== user.siteId)) {
    throw new DomainError(
      'FORBIDDEN',
      'FORBIDDEN_SCOPE',
      'You can assign practice to the operators of your site only.',
    );
  }
}

export async function assignPractice(deps: AppDeps, user: SessionUser, input: PracticeAssignInput) {
  const at = deps.clock.now().toISOString();
  const { response } = await idempotentTransaction(
    deps,
    { caller: userCaller(user), scope: 'practice.assign', key: input.requestId, input, at },
    async (trx) => {
      if (user.role !== 'admin' && user.siteId === null) {
        throw new DomainError('FORBIDDEN', 'FORBIDDEN_SCOPE', 'You are not attached to a site.');
      }
      await requireOperators(trx, user, input.userIds);
      for (const [i, s] of input.scripts.entries())
        await publishedScript(trx, s.flow, s.version, `scripts.${i}.version`);
      const set = await trx
        .insertInto('practice_sets')
        .values({
          name: input.name,
          site_id: user.role === 'admin' ? null : user.siteId,
          scripts: JSON.stringify(input.scripts),
          persona_ids: JSON.stringify(input.personaIds),
          count_required: input.count,
          due_date: input.dueDate,
          created_by: user.id,
          created_at: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const assignments = await trx
        .insertInto('practice_assignments')
        .values(input.userIds.map((userId) => ({ set_id: set.id, user_id: userId, assigned_at: at })))
        .returning(['id', 'user_id'])
        .execute();
      return {
        setId: set.id,
        assignments: assignments.map((a) => ({ assignmentId: a.id, userId: a.user_id })),
      };
    },
  );
  return response;
}

/** Per assignment: completed practice contacts counted towards it, their average score, the last one's time. */
const doneOf = (db: Executor) =>
  db
    .selectFrom('practice_contacts')
    .select([
      'assignment_id',
      sql<number>`COUNT(*)`.as('done'),
      sql<number | null>`AVG(total_score)`.as('average'),
      sql<string | null>`MAX(ended_at)`.as('last_at'),
    ])
    .where('ended_at', 'is not', null)
    .where('assignment_id', 'is not', null)
    .groupBy('assignment_id');

const average = (x: number | null) => (x === null ? null : Math.round(Number(x) * 10) / 10);

export async function practiceProgress(
  db: Executor,
  user: SessionUser,
  input: PracticeProgressInput,
): Promise<PracticeProgressOutput> {
  const site = siteScope(user, input.siteId);
  let q = db
    .selectFrom('practice_assignments as a')
    .innerJoin('practice_sets as s', 's.id', 'a.set_id')
    .innerJoin('users as u', 'u.id', 'a.user_id')
    .leftJoin('users as c', 'c.id', 's.created_by')
    .leftJoin(doneOf(db).as('d'), 'd.assignment_id', 'a.id')
    .select([
      'a.id as assignmentId',
      'a.user_id as userId',
      'u.display_name as name',
      'u.site_id as siteId',
      's.id as setId',
      's.name as setName',
      's.scripts',
      's.persona_ids',
      's.count_required',
      's.due_date',
      's.created_at',
      'c.display_name as createdBy',
      'd.done',
      'd.average',
      'd.last_at',
    ])
    .orderBy('s.created_at', 'desc')
    .orderBy('s.id', 'desc')
    .orderBy('u.display_name');
  if (site !== null) q = q.where('u.site_id', '=', site);
  if (input.setId !== undefined) q = q.where('s.id', '=', input.setId);
  const rows = await q.limit(5_000).execute();
  const sets = new Map<number, PracticeProgressOutput['sets'][number]>();
  for (const r of rows) {
    let set = sets.get(r.setId);
    if (!set) {
      set = {
        setId: r.setId,
        name: r.setName,
        scripts: JSON.parse(r.scripts) as PracticeScriptRef[],
        personaIds: JSON.parse(r.persona_ids) as PersonaId[],
        count: r.count_required,
        dueDate: r.due_date,
        createdAt: r.created_at,
        createdBy: r.createdBy,
        operators: [],
      };
      sets.set(r.setId, set);
    }
    set.operators.push({
      assignmentId: r.assignmentId,
      userId: r.userId,
      name: r.name,
      siteId: r.siteId,
      done: Number(r.done ?? 0),
      required: r.count_required,
      averageScore: average(r.average ?? null),
      lastAt: r.last_at ?? null,
    });
  }
  return { sets: [...sets.values()] };
}

export async function myPractice(db: Executor, user: SessionUser, limit: number): Promise<PracticeMineOutput> {
  const assignments = await db
    .selectFrom('practice_assignments as a')
    .innerJoin('practice_sets as s', 's.id', 'a.set_id')
    .leftJoin(doneOf(db).as('d'), 'd.assignment_id', 'a.id')
    .select([
      'a.id',
      'a.set_id',
      'a.assigned_at',
      's.name',
      's.scripts',
      's.persona_ids',
      's.count_required',
      's.due_date',
      'd.done',
      'd.average',
    ])
    .where('a.user_id', '=', user.id)
    .orderBy('a.assigned_at', 'desc')
    .orderBy('a.id', 'desc')
    .execute();
  const contacts = await contactsOf(db, { userId: user.id, limit });
  return {
    assignments: assignments.map((a) => ({
      assignmentId: a.id,
      setId: a.set_id,
      name: a.name,
      scripts: JSON.parse(a.scripts) as PracticeScriptRef[],
      personaIds: JSON.parse(a.persona_ids) as PersonaId[],
      count: a.count_required,
      dueDate: a.due_date,
      assignedAt: a.assigned_at,
      done: Number(a.done ?? 0),
      averageScore: average(a.average ?? null),
    })),
    contacts,
  };
}

/** An operator's practice contacts with their scores and scorecards, latest first (optionally of one set). */
async function contactsOf(
  db: Executor,
  filter: { userId: number; setId?: number; limit: number },
): Promise<PracticeContactSummary[]> {
  let q = db
    .selectFrom('practice_contacts as p')
    .leftJoin('practice_scorecards as sc', 'sc.practice_id', 'p.id')
    .leftJoin('users as t', 't.id', 'sc.tutor_id')
    .select([
      'p.id',
      'p.user_id',
      'p.flow',
      'p.script_version',
      'p.persona_id',
      'p.seed',
      'p.assignment_id',
      'p.started_at',
      'p.ended_at',
      'p.outcome',
      'p.total_score',
      'p.score',
      'sc.id as scorecardId',
      'sc.tutor_id',
      't.display_name as tutorName',
      'sc.scores',
      'sc.overall',
      'sc.comments',
      'sc.saved_at',
    ])
    .where('p.user_id', '=', filter.userId);
  if (filter.setId !== undefined) {
    const setId = filter.setId;
    q = q.where('p.assignment_id', 'in', (sub) =>
      sub.selectFrom('practice_assignments').select('id').where('set_id', '=', setId),
    );
  }
  const contacts = await q.orderBy('p.started_at', 'desc').orderBy('p.id', 'desc').limit(filter.limit).execute();
  return contacts.map((c) => ({
    practiceId: c.id,
    userId: c.user_id,
    flow: c.flow,
    version: c.script_version,
    personaId: c.persona_id as PersonaId,
    seed: c.seed,
    assignmentId: c.assignment_id,
    startedAt: c.started_at,
    endedAt: c.ended_at,
    outcome: c.outcome,
    totalScore: c.total_score,
    score: c.score === null ? null : (JSON.parse(c.score) as PracticeScore),
    scorecard:
      c.scorecardId === null
        ? null
        : {
            scorecardId: c.scorecardId,
            practiceId: c.id,
            tutorId: c.tutor_id ?? 0,
            tutorName: c.tutorName ?? '',
            scores: JSON.parse(c.scores ?? '{}') as Partial<Record<PracticeCriterion, number>>,
            overall: c.overall ?? 0,
            comments: c.comments ?? null,
            savedAt: c.saved_at ?? '',
          },
  }));
}

/** The active operators the caller may assign practice to: a tutor's (or team lead's) site, an admin's any. */
export async function practiceLearners(
  db: Executor,
  user: SessionUser,
  input: PracticeLearnersInput,
): Promise<PracticeLearner[]> {
  const site = siteScope(user, input.siteId);
  let q = db
    .selectFrom('users')
    .select(['id', 'display_name', 'site_id'])
    .where('role', '=', 'operator')
    .where('active', '=', 1)
    .where('site_id', 'is not', null);
  if (site !== null) q = q.where('site_id', '=', site);
  const rows = await q.orderBy('display_name').orderBy('id').execute();
  return rows.map((r) => ({ userId: r.id, name: r.display_name, siteId: r.site_id ?? 0 }));
}

/** An operator's practice contacts for their tutor (own site's operators) or an admin, to read and score them. */
export async function operatorPracticeContacts(
  db: Executor,
  user: SessionUser,
  input: PracticeContactsInput,
): Promise<PracticeContactSummary[]> {
  const operator = await db
    .selectFrom('users')
    .select(['id', 'role', 'site_id'])
    .where('id', '=', input.userId)
    .executeTakeFirst();
  if (!operator || operator.role !== 'operator') {
    throw new DomainError('NOT_FOUND', 'NOT_FOUND', `There is no operator ${input.userId}.`);
  }
  if (user.role !== 'admin' && (user.siteId === null || operator.site_id !== user.siteId)) {
    throw new DomainError('FORBIDDEN', 'FORBIDDEN_SCOPE', 'You can see the practice of your own site only.');
  }
  return contactsOf(db, { userId: operator.id, setId: input.setId, limit: input.limit });
}

/** A tutor's scorecard of a completed practice contact of their site (an admin's of any); saving again replaces it. */
export async function saveScorecard(deps: AppDeps, user: SessionUser, input: PracticeScorecardInput) {
  const at = deps.clock.now().toISOString();
  const { response } = await idempotentTransaction(
    deps,
    { caller: userCaller(user), scope: 'practice.scorecard', key: input.requestId, input, at },
    async (trx) => {
      const contact = await trx
        .selectFrom('practice_contacts')
        .select(['id', 'user_id', 'site_id', 'ended_at'])
        .where('id', '=', input.practiceId)
        .executeTakeFirst();
      if (!contact)
        throw new DomainError('NOT_FOUND', 'NOT_FOUND', `There is no practice contact ${input.practiceId}.`);
      if (user.role !== 'admin' && (user.siteId === null || contact.site_id !== user.siteId)) {
        throw new DomainError('FORBIDDEN', 'FORBIDDEN_SCOPE', 'You can score the practice of your own site only.');
      }
      if (contact.user_id === user.id) {
        throw new DomainError('FORBIDDEN', 'FORBIDDEN_SCOPE', 'A practice contact is scored by someone else.');
      }
      if (contact.ended_at === null) {
        throw new DomainError('CONFLICT', 'VALIDATION', 'The practice contact is not completed yet.');
      }
      const values = {
        practice_id: contact.id,
        tutor_id: user.id,
        scores: JSON.stringify(input.scores),
        overall: input.overall,
        comments: input.comments,
        saved_at: at,
      };
      const row = await trx
        .insertInto('practice_scorecards')
        .values(values)
        .onConflict((oc) => oc.column('practice_id').doUpdateSet(values))
        .returning('id')
        .executeTakeFirstOrThrow();
      return {
        scorecardId: row.id,
        practiceId: contact.id,
        tutorId: user.id,
        tutorName: user.displayName,
        scores: input.scores,
        overall: input.overall,
        comments: input.comments,
        savedAt: at,
      };
    },
  );
  return response;
}
