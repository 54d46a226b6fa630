import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileScript } from '@valore/shared/flows/compile';
import type { ScriptDefinition } from '@valore/shared/flows/definition';
import { personaOf, type Persona } from '@valore/shared/training/personas';
import { playPractice } from '@valore/shared/training/practice-play';
import { createApiClient, trpcError, type ApiClient } from '../helpers/api-client';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * "Does training pay?" for a practice set (docs/training.md, `training.cohort` with `practiceSetId`): operators play
 * their practice contacts over HTTP on a movable clock, so each one completes the set on a day of its own; the cohort
 * compares each operator's conversion in the days before and after *their* completion day (the statistics' days are
 * written by hand), leaves out those whose days after have not all passed, groups by site and by the set's author,
 * and keeps a team lead to their site. Exactly one subject (course or practice set) is asked for; operators are
 * refused; `training.cohortSubjects` lists what a planner may pick.
 */

let server: TestServer;
/** the server's clock: moved by the tests (a session outlives no move, so clients sign in again after one) */
let now = new Date('2025-06-02T08:00:00.000Z');
const ids = new Map<string, number>();
const idOf = (username: string) => ids.get(username) ?? 0;

const sign = async (username: string): Promise<ApiClient> => {
  const client = createApiClient(server.url);
  await client.login(username);
  return client;
};
const fieldsOf = (error: Awaited<ReturnType<typeof trpcError>>) =>
  (error.data?.zodError?.fieldErrors ?? {}) as Record<string, string[] | undefined>;

beforeAll(async () => {
  server = await startTestServer({ clock: { now: () => new Date(now) } });
  const users = await server.database.db.selectFrom('users').select(['id', 'username']).execute();
  for (const u of users) ids.set(u.username, u.id);
});
afterAll(async () => {
  await server?.close();
});

/** One practice contact played to its end as the console does, counted towards the assignment. */
async function practise(operator: ApiClient, assignmentId: number, seed: number): Promise<void> {
  const started = await operator.trpc.practice.start.mutate({
    requestId: randomUUID(),
    flow: 'campaign',
    personaId: 'young_digital',
    seed,
    assignmentId,
  });
  const played = playPractice(
    compileScript(started.script.definition as ScriptDefinition),
    started.input,
    personaOf(started.persona.id) as Persona,
    started.weights,
    started.seed,
  );
  await operator.trpc.practice.complete.mutate({
    requestId: randomUUID(),
    practiceId: started.practiceId,
    path: played.path,
    outcome: played.outcome ?? 'not_interested',
    consentAsked: played.consentAsked,
    objections: played.objections,
    durationMs: played.durationMs + 5_000,
  });
}

/** A day of the per-operator rollup with `handled` contacts, `value` of them with a value outcome. */
function statsDay(username: string, siteId: number, day: string, handled: number, value: number) {
  return {
    ...{ site_id: siteId, day, flow: 'campaign' as const, team_id: 0, operator_id: idOf(username) },
    ...{ handled, value_appointment: value, reached: 0, proposals: 0, value_funnel: 0, value_lead: 0 },
    ...{ realised_appointment: 0, realised_funnel: 0, realised_lead: 0, opt_outs: 0, ocs_asked: 0, ocs_solved: 0 },
    ...{ propensity_asked: 0, propensity_yes: 0, cmn_total: 0, cmn_within: 0, handle_ms: 0, acw_ms: 0 },
  };
}

let setId = 0;
let otherSetId = 0;

describe('does a practice set pay (training.cohort with practiceSetId)', () => {
  it('operators complete the set on days of their own: the count-th completed practice contact', async () => {
    const admin = await sign('admin');
    // an admin's set may span sites: operatore1 and operatore2 at site 1, operatore5 at site 2
    const made = await admin.trpc.practice.assign.mutate({
      requestId: randomUUID(),
      name: 'Obiezioni sul prezzo',
      userIds: [idOf('operatore1'), idOf('operatore2'), idOf('operatore5')],
      scripts: [{ flow: 'campaign' }],
      personaIds: ['young_digital'],
      count: 2,
      dueDate: null,
    });
    setId = made.setId;
    const assignment = (u: string) => made.assignments.find((a) => a.userId === idOf(u))?.assignmentId ?? 0;
    const [op1, op2, op5] = [await sign('operatore1'), await sign('operatore2'), await sign('operatore5')];
    // 2 June: operatore1 and operatore5 complete the set; operatore2 plays one of two
    await practise(op1, assignment('operatore1'), 11);
    await practise(op1, assignment('operatore1'), 12);
    await practise(op5, assignment('operatore5'), 13);
    await practise(op5, assignment('operatore5'), 14);
    await practise(op2, assignment('operatore2'), 15);
    // 5 June: operatore2 completes it; a third contact of operatore1 does not move their completion
    now = new Date('2025-06-05T08:00:00.000Z');
    await practise(await sign('operatore2'), assignment('operatore2'), 16);
    await practise(await sign('operatore1'), assignment('operatore1'), 17);
    // a tutor's set of site 2 only: a team lead of site 1 is not offered it
    const tutor2 = await sign('tutor2');
    const other = await tutor2.trpc.practice.assign.mutate({
      requestId: randomUUID(),
      name: 'Solo Milano',
      userIds: [idOf('operatore5')],
      scripts: [{ flow: 'campaign' }],
      personaIds: ['young_digital'],
      count: 1,
      dueDate: null,
    });
    otherSetId = other.setId;

    await server.database.db
      .insertInto('stats_operator_day')
      .values([
        statsDay('operatore1', 1, '2025-04-20', 500, 500), // before the 30 days
        statsDay('operatore1', 1, '2025-05-20', 40, 4), // before
        statsDay('operatore1', 1, '2025-06-02', 100, 100), // the completion day: in neither
        statsDay('operatore1', 1, '2025-06-10', 50, 15), // after
        statsDay('operatore2', 1, '2025-06-03', 20, 2), // operatore2's before (their completion is 5 June)
        statsDay('operatore2', 1, '2025-06-20', 30, 9), // after
        statsDay('operatore5', 2, '2025-05-25', 10, 1), // before
        statsDay('operatore5', 2, '2025-06-15', 10, 5), // after
      ])
      .execute();
  });

  it('leaves out whom the days after have not all passed yet (pending)', async () => {
    now = new Date('2025-07-04T08:00:00.000Z');
    const admin = await sign('admin');
    const cohort = await admin.trpc.training.cohort.query({ practiceSetId: setId });
    expect(cohort.pending).toBe(1);
    expect(cohort.total.operators).toBe(2);
    expect(cohort.total.before).toMatchObject({ handled: 50, value: 5 });
    expect(cohort.total.after).toMatchObject({ handled: 60, value: 20 });
  });

  it('pools every operator’s own windows, by site and by the set’s author', async () => {
    now = new Date('2025-07-10T08:00:00.000Z');
    const admin = await sign('admin');
    const author = await server.database.db
      .selectFrom('users')
      .select('display_name')
      .where('username', '=', 'admin')
      .executeTakeFirstOrThrow();
    const cohort = await admin.trpc.training.cohort.query({ practiceSetId: setId });
    expect(cohort).toMatchObject({
      courseId: null,
      subject: { kind: 'practice_set', id: setId, name: 'Obiezioni sul prezzo' },
      trainerIs: 'set_author',
      days: 30,
      pending: 0,
    });
    expect(cohort.total.operators).toBe(3);
    expect(cohort.total.before).toMatchObject({ handled: 70, value: 7, rate: 0.1 });
    expect(cohort.total.after).toMatchObject({ handled: 90, value: 29 });
    expect(cohort.total.difference?.estimate).toBeCloseTo(29 / 90 - 0.1, 12);
    expect(cohort.total.difference?.significant).toBe(true);
    expect(cohort.bySite.map((s) => [s.siteId, s.operators])).toEqual([
      [1, 2],
      [2, 1],
    ]);
    expect(cohort.byTrainer.map((t) => [t.trainer, t.operators])).toEqual([[author.display_name, 3]]);
    // a shorter window: operatore1's 20 May and operatore2's 20 June fall out
    const week = await admin.trpc.training.cohort.query({ practiceSetId: setId, days: 7, siteId: 1 });
    expect(week.total.operators).toBe(2);
    expect(week.total.before).toMatchObject({ handled: 20, value: 2 });
    expect(week.total.after).toMatchObject({ handled: 0, value: 0, rate: null });
    expect(week.total.difference).toBeNull();
  });

  it('keeps a team lead to their site; operators are refused', async () => {
    const lead = await sign('teamlead1');
    const mine = await lead.trpc.training.cohort.query({ practiceSetId: setId });
    expect(mine.total.operators).toBe(2);
    expect(mine.bySite.map((s) => s.siteId)).toEqual([1]);
    expect(mine.total.before).toMatchObject({ handled: 60, value: 6 });
    expect(mine.total.after).toMatchObject({ handled: 80, value: 24 });
    expect(await trpcError(lead.trpc.training.cohort.query({ practiceSetId: setId, siteId: 2 }))).toMatchObject({
      data: { httpStatus: 403 },
    });
    const operator = await sign('operatore1');
    expect(await trpcError(operator.trpc.training.cohort.query({ practiceSetId: setId }))).toMatchObject({
      data: { httpStatus: 403 },
    });
    expect(await trpcError(operator.trpc.training.cohortSubjects.query())).toMatchObject({
      data: { httpStatus: 403 },
    });
  });

  it('asks for exactly one subject, an existing one', async () => {
    const admin = await sign('admin');
    const course = (await admin.trpc.training.courses.query())[0];
    const neither = await trpcError(admin.trpc.training.cohort.query({ days: 30 }));
    expect(neither.data?.httpStatus).toBe(400);
    expect(fieldsOf(neither).courseId?.[0]).toContain('either a course');
    expect(fieldsOf(neither).practiceSetId).toBeDefined();
    const both = await trpcError(admin.trpc.training.cohort.query({ courseId: course?.id, practiceSetId: setId }));
    expect(both.data?.httpStatus).toBe(400);
    expect(fieldsOf(both).practiceSetId?.[0]).toContain('not both');
    expect(await trpcError(admin.trpc.training.cohort.query({ practiceSetId: 999_999 }))).toMatchObject({
      data: { httpStatus: 404 },
    });
    const byCourse = await admin.trpc.training.cohort.query({ courseId: course?.id ?? 0 });
    expect(byCourse).toMatchObject({ courseId: course?.id, subject: { kind: 'course' }, trainerIs: 'session_trainer' });
  });

  it('lists the subjects a planner may pick: every course, the practice sets of their site', async () => {
    const has = (list: { kind: string; id: number }[], id: number) =>
      list.some((s) => s.kind === 'practice_set' && s.id === id);
    const admin = await (await sign('admin')).trpc.training.cohortSubjects.query();
    expect(has(admin, setId) && has(admin, otherSetId)).toBe(true);
    expect(admin.some((s) => s.kind === 'course' && s.name === 'Assistenza al valore')).toBe(true);
    const lead1 = await (await sign('teamlead1')).trpc.training.cohortSubjects.query();
    expect([has(lead1, setId), has(lead1, otherSetId)]).toEqual([true, false]);
    const lead2 = await (await sign('teamlead2')).trpc.training.cohortSubjects.query();
    expect([has(lead2, setId), has(lead2, otherSetId)]).toEqual([true, true]);
    // newest first
    const times = admin.map((s) => s.createdAt);
    expect(times).toEqual([...times].sort().reverse());
  });
});
