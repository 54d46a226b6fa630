import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wilson } from '@valore/shared/metrics/two-proportion';
import type { TrainingCourse, TrainingSession } from '@valore/shared/schemas/training';
import { createApiClient, trpcError, type ApiClient, signedInClient } from '../helpers/api-client';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * Training over HTTP: an admin makes a course, a team lead plans sessions at their site, enrols people (never past a
 * session's seats, even in a burst), records attendance (completion: attended hours ≥ the course's), learners give
 * their feedback once, and the results come back per session, site, trainer and course, as a CSV, in the fixed
 * `training.report` and in the before/after conversion of the cohort. Access by role and site, bad input and
 * idempotent retries too. The demo's own course (seeded, December 2022) is checked against the source's figures.
 */

let server: TestServer;
let admin: ApiClient;
let lead: ApiClient;
let lead2: ApiClient;
let tutor: ApiClient;
const learners = new Map<string, ApiClient>();
const ids = new Map<string, number>();
/** operators made for the capacity burst (site 1) */
const extra: number[] = [];

const sign = (username: string) => signedInClient(server.url, username);
const idOf = (username: string) => ids.get(username) ?? 0;
const fieldsOf = (error: Awaited<ReturnType<typeof trpcError>>) =>
  (error.data?.zodError?.fieldErrors ?? {}) as Record<string, string[] | undefined>;
const audits = async (action: string) =>
  (await server.database.db.selectFrom('audit_log').select('id').where('action', '=', action).execute()).length;

beforeAll(async () => {
  server = await startTestServer();
  admin = await sign('admin');
  lead = await sign('teamlead1');
  lead2 = await sign('teamlead2');
  tutor = await sign('tutor1');
  for (const username of ['operatore1', 'operatore2', 'operatore3', 'operatore4', 'operatore5']) {
    learners.set(username, await sign(username));
  }
  const users = await server.database.db.selectFrom('users').select(['id', 'username']).execute();
  for (const u of users) ids.set(u.username, u.id);
  for (let i = 0; i < 8; i++) {
    const made = await admin.trpc.admin.users.create.mutate({
      username: `corso-${i}`,
      displayName: `Corsista ${i}`,
      role: 'operator',
      siteId: 1,
    });
    extra.push(made.user.id);
  }
});
afterAll(async () => {
  await server?.close();
});

const learner = (username: string) => learners.get(username) as ApiClient;

let course: TrainingCourse;
/** site 1: A (4 h, 6 Oct 2025), C (2 h, 13 Oct 2025), B (3 seats, for the burst), F (in 2099) */
let sessionA: TrainingSession;
let sessionC: TrainingSession;

const planSession = (over: Record<string, unknown> = {}) =>
  lead.trpc.training.createSession.mutate({
    requestId: randomUUID(),
    courseId: course.id,
    date: '2025-10-06',
    starts: '09:00',
    hours: 4,
    room: 'Aula 1',
    trainer: 'Paola Neri',
    capacity: 10,
    ...over,
  });

describe('courses and sessions', () => {
  it('an admin makes a course (once per request id); team leads may not', async () => {
    const input = {
      requestId: randomUUID(),
      title: 'Prova di corso',
      hours: 6,
      modules: ['Flussi', 'Consensi e privacy', 'Obiezioni'],
      targetRoles: ['operator' as const, 'tutor' as const],
    };
    const before = await audits('training.course_created');
    course = await admin.trpc.training.createCourse.mutate(input);
    expect(course).toMatchObject({
      title: 'Prova di corso',
      hours: 6,
      sessions: 0,
      targetRoles: ['operator', 'tutor'],
    });
    expect(await admin.trpc.training.createCourse.mutate(input)).toEqual(course);
    expect(await audits('training.course_created')).toBe(before + 1);
    const other = await trpcError(admin.trpc.training.createCourse.mutate({ ...input, title: 'Altro' }));
    expect(other.data?.code).toBe('CONFLICT');
    const refused = await trpcError(lead.trpc.training.createCourse.mutate({ ...input, requestId: randomUUID() }));
    expect(refused.data?.httpStatus).toBe(403);
    const listed = await lead.trpc.training.courses.query();
    expect(listed.map((c) => c.title)).toEqual(['Assistenza al valore', 'Prova di corso']);
  });

  it('a team lead plans sessions at their own site; an admin names the site', async () => {
    sessionA = await planSession();
    expect(sessionA).toMatchObject({ siteId: 1, hours: 4, room: 'Aula 1', remote: false, enrolled: 0, capacity: 10 });
    sessionC = await planSession({ date: '2025-10-13', hours: 2, room: null, remote: true, trainer: 'Marco Blu' });
    expect(sessionC).toMatchObject({ room: null, remote: true });
    const elsewhere = await trpcError(planSession({ siteId: 2 }));
    expect(elsewhere.data?.httpStatus).toBe(403);
    expect(elsewhere.data?.domainCode).toBe('FORBIDDEN_SCOPE');
    const unnamed = await trpcError(
      admin.trpc.training.createSession.mutate({
        requestId: randomUUID(),
        courseId: course.id,
        date: '2025-10-06',
        starts: '09:00',
        hours: 4,
        room: 'Aula',
        trainer: 'X',
        capacity: 5,
      }),
    );
    expect(fieldsOf(unnamed).siteId).toEqual(['Choose the site']);
    const mine = await lead.trpc.training.sessions.query({ courseId: course.id });
    expect(mine.map((s) => s.id)).toEqual([sessionA.id, sessionC.id]);
    expect(await trpcError(lead.trpc.training.sessions.query({ siteId: 2 }))).toMatchObject({
      data: { httpStatus: 403 },
    });
    const all = await admin.trpc.training.sessions.query({});
    expect(all.filter((s) => s.courseTitle === 'Assistenza al valore')).toHaveLength(12);
    const asOperator = await trpcError(learner('operatore1').trpc.training.sessions.query({}));
    expect(asOperator.data?.httpStatus).toBe(403);
  });

  it('refuses bad input with 400 and the fields', async () => {
    const noRoom = await trpcError(planSession({ room: null }));
    expect(noRoom.data?.httpStatus).toBe(400);
    expect(fieldsOf(noRoom).room?.[0]).toContain('Name the room');
    const bad = await trpcError(
      planSession({ date: '2027-02-30', starts: '25:00', hours: 1.3, capacity: 0, trainer: '' }),
    );
    expect(bad.data?.httpStatus).toBe(400);
    expect(Object.keys(fieldsOf(bad)).sort()).toEqual(['capacity', 'date', 'hours', 'starts', 'trainer']);
    const unknownKey = await trpcError(planSession({ colour: 'red' }));
    expect(unknownKey.data?.httpStatus).toBe(400);
    const noCourse = await trpcError(planSession({ courseId: 999_999 }));
    expect(fieldsOf(noCourse).courseId?.[0]).toContain('does not exist');
    const noRequestId = await trpcError(
      admin.trpc.training.createCourse.mutate({
        title: 'x',
        hours: 6,
        modules: ['m'],
        targetRoles: ['operator'],
      } as never),
    );
    expect(fieldsOf(noRequestId).requestId).toBeDefined();
    const badCourse = await trpcError(
      admin.trpc.training.createCourse.mutate({
        requestId: randomUUID(),
        title: 'x'.repeat(201),
        hours: 0,
        modules: [],
        targetRoles: ['admin' as never],
      }),
    );
    expect(Object.keys(fieldsOf(badCourse)).sort()).toEqual(['hours', 'modules', 'targetRoles', 'title']);
  });
});

describe('enrolment', () => {
  it('enrols the site’s people (once per request id), refuses strangers and admins', async () => {
    const people = ['operatore1', 'operatore2', 'operatore3', 'operatore4', 'tutor1'].map(idOf);
    const input = { requestId: randomUUID(), sessionId: sessionA.id, userIds: people };
    const before = await audits('training.enrolled');
    const first = await lead.trpc.training.enrol.mutate(input);
    expect(first).toEqual({ sessionId: sessionA.id, enrolled: people, already: [], capacity: 10, taken: 5 });
    expect(await lead.trpc.training.enrol.mutate(input)).toEqual(first);
    expect(await audits('training.enrolled')).toBe(before + 1);
    const again = await lead.trpc.training.enrol.mutate({ ...input, requestId: randomUUID() });
    expect(again).toMatchObject({ enrolled: [], already: people, taken: 5 });
    const stranger = await trpcError(
      lead.trpc.training.enrol.mutate({
        requestId: randomUUID(),
        sessionId: sessionA.id,
        userIds: [idOf('operatore5')],
      }),
    );
    expect(stranger.data?.httpStatus).toBe(400);
    expect(fieldsOf(stranger).userIds?.[0]).toContain(String(idOf('operatore5')));
    const adminLearner = await trpcError(
      admin.trpc.training.enrol.mutate({ requestId: randomUUID(), sessionId: sessionA.id, userIds: [idOf('admin')] }),
    );
    expect(fieldsOf(adminLearner).userIds).toBeDefined();
    const otherLead = await trpcError(
      lead2.trpc.training.enrol.mutate({
        requestId: randomUUID(),
        sessionId: sessionA.id,
        userIds: [idOf('operatore5')],
      }),
    );
    expect(otherLead.data?.httpStatus).toBe(403);
    const twice = await trpcError(
      lead.trpc.training.enrol.mutate({ requestId: randomUUID(), sessionId: sessionA.id, userIds: [1, 1] }),
    );
    expect(fieldsOf(twice).userIds?.[0]).toContain('at most once');
    await lead.trpc.training.enrol.mutate({
      requestId: randomUUID(),
      sessionId: sessionC.id,
      userIds: ['operatore1', 'operatore4', 'tutor1', 'operatore2'].map(idOf),
    });
    // unenrol: until the attendance is recorded
    expect(
      await lead.trpc.training.unenrol.mutate({
        requestId: randomUUID(),
        sessionId: sessionC.id,
        userId: idOf('operatore2'),
      }),
    ).toEqual({ removed: true });
    const gone = await trpcError(
      lead.trpc.training.unenrol.mutate({
        requestId: randomUUID(),
        sessionId: sessionC.id,
        userId: idOf('operatore2'),
      }),
    );
    expect(fieldsOf(gone).userId?.[0]).toContain('Not enrolled');
  });

  it('never fills a session past its seats, even with a burst of enrolments at once', async () => {
    const sessionB = await planSession({ date: '2025-10-20', capacity: 3 });
    const tooMany = await trpcError(
      lead.trpc.training.enrol.mutate({ requestId: randomUUID(), sessionId: sessionB.id, userIds: extra.slice(0, 4) }),
    );
    expect(tooMany.data?.code).toBe('CONFLICT');
    const burst = await Promise.allSettled(
      extra.map((userId, i) =>
        (i % 2 ? admin : lead).trpc.training.enrol.mutate({
          requestId: randomUUID(),
          sessionId: sessionB.id,
          userIds: [userId],
        }),
      ),
    );
    expect(burst.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    for (const r of burst.filter((r) => r.status === 'rejected')) {
      expect((r.reason as { data?: { code?: string } }).data?.code).toBe('CONFLICT');
    }
    const rows = await server.database.db
      .selectFrom('training_enrolments')
      .select('user_id')
      .where('session_id', '=', sessionB.id)
      .execute();
    expect(rows).toHaveLength(3);
    expect((await lead.trpc.training.session.query({ sessionId: sessionB.id })).enrolled).toBe(3);
  });
});

describe('attendance and completion', () => {
  it('records attendance; completion is reached when the attended hours reach the course’s', async () => {
    const a = await lead.trpc.training.recordAttendance.mutate({
      requestId: randomUUID(),
      sessionId: sessionA.id,
      entries: [
        { userId: idOf('operatore1'), attendance: 'present' },
        { userId: idOf('operatore2'), attendance: 'partial', hours: 2.5 },
        { userId: idOf('operatore3'), attendance: 'absent' },
        { userId: idOf('operatore4'), attendance: 'present' },
        { userId: idOf('tutor1'), attendance: 'present' },
      ],
    });
    expect(a).toEqual({ sessionId: sessionA.id, recorded: 5, completed: [] });
    const input = {
      requestId: randomUUID(),
      sessionId: sessionC.id,
      entries: [
        { userId: idOf('operatore1'), attendance: 'present' as const },
        { userId: idOf('operatore4'), attendance: 'partial' as const, hours: 1.5 },
        { userId: idOf('tutor1'), attendance: 'present' as const },
      ],
    };
    const before = await audits('training.attendance_recorded');
    const c = await lead.trpc.training.recordAttendance.mutate(input);
    expect(c.completed).toEqual([idOf('operatore1'), idOf('tutor1')]);
    expect(await lead.trpc.training.recordAttendance.mutate(input)).toEqual(c);
    expect(await audits('training.attendance_recorded')).toBe(before + 1);

    const detail = await lead.trpc.training.session.query({ sessionId: sessionA.id });
    const row = (name: string) => detail.learners.find((l) => l.userId === idOf(name));
    expect(row('operatore1')).toMatchObject({ attendance: 'present', hours: 4, courseHours: 6, completed: true });
    expect(row('operatore2')).toMatchObject({ attendance: 'partial', hours: 2.5, courseHours: 2.5, completed: false });
    expect(row('operatore3')).toMatchObject({ attendance: 'absent', hours: 0, completed: false });
    expect(row('operatore4')).toMatchObject({ courseHours: 5.5, completed: false });
    expect(detail.recorded).toBe(5);

    const unenrolRecorded = await trpcError(
      lead.trpc.training.unenrol.mutate({
        requestId: randomUUID(),
        sessionId: sessionA.id,
        userId: idOf('operatore3'),
      }),
    );
    expect(fieldsOf(unenrolRecorded).userId?.[0]).toContain('attendance is recorded');
  });

  it('refuses attendance that cannot be right', async () => {
    const record = (entries: unknown[], sessionId = sessionA.id) =>
      trpcError(lead.trpc.training.recordAttendance.mutate({ requestId: randomUUID(), sessionId, entries } as never));
    const tooLong = await record([{ userId: idOf('operatore2'), attendance: 'partial', hours: 4 }]);
    expect(fieldsOf(tooLong)['entries.0.hours']?.[0]).toContain('Less than');
    const notEnrolled = await record([{ userId: idOf('operatore5'), attendance: 'present' }]);
    expect(fieldsOf(notEnrolled)['entries.0.userId']?.[0]).toContain('Not enrolled');
    const noHours = await record([{ userId: idOf('operatore2'), attendance: 'partial' }]);
    expect(noHours.data?.httpStatus).toBe(400);
    expect(fieldsOf(noHours).entries).toBeDefined();
    const badKind = await record([{ userId: idOf('operatore2'), attendance: 'late' }]);
    expect(badKind.data?.httpStatus).toBe(400);
    const future = await planSession({ date: '2099-01-05' });
    await lead.trpc.training.enrol.mutate({
      requestId: randomUUID(),
      sessionId: future.id,
      userIds: [idOf('operatore2')],
    });
    const early = await record([{ userId: idOf('operatore2'), attendance: 'present' }], future.id);
    expect(fieldsOf(early).sessionId?.[0]).toContain('2099-01-05');
    const otherSite = await trpcError(
      lead2.trpc.training.recordAttendance.mutate({
        requestId: randomUUID(),
        sessionId: sessionA.id,
        entries: [{ userId: idOf('operatore1'), attendance: 'present' }],
      }),
    );
    expect(otherSite.data?.httpStatus).toBe(403);
  });

  it('shows progress per site and role, with who is still to train', async () => {
    const progress = await lead.trpc.training.progress.query({ courseId: course.id });
    expect(progress.sites).toHaveLength(1);
    const site = progress.sites[0];
    // site 1's active operators (4 of the demo, 8 made here) and its tutor
    expect(site).toMatchObject({ siteId: 1, learners: 13, trained: 2 });
    expect(site?.roles).toEqual([
      { role: 'operator', learners: 12, trained: 1 },
      { role: 'tutor', learners: 1, trained: 1 },
    ]);
    expect(site?.pending.find((p) => p.userId === idOf('operatore4'))).toMatchObject({ hours: 5.5 });
    const all = await admin.trpc.training.progress.query({ courseId: course.id });
    expect(all.sites).toHaveLength(11);
    expect(all.sites.find((s) => s.siteId === 2)).toMatchObject({ learners: 5, trained: 0 });
    expect(await trpcError(lead.trpc.training.progress.query({ courseId: course.id, siteId: 2 }))).toMatchObject({
      data: { httpStatus: 403 },
    });
  });
});

// the surveys given in this file, by hand: [usefulness, logistics, method, tutoring, teaching, planning]
const GIVEN: [string, 'A' | 'C', number[]][] = [
  ['operatore1', 'A', [5, 4, 4, 5, 5, 4]],
  ['operatore2', 'A', [4, 3, 4, 5, 5, 3]],
  ['operatore4', 'A', [3, 3, 5, 4, 5, 4]],
  ['tutor1', 'A', [5, 4, 4, 5, 4, 4]],
  ['operatore1', 'C', [4, 2, 3, 4, 5, 5]],
];
const scoresOf = (s: number[]) => ({
  usefulness: s[0] ?? 0,
  logistics: s[1] ?? 0,
  method: s[2] ?? 0,
  tutoring: s[3] ?? 0,
  teaching: s[4] ?? 0,
  planning: s[5] ?? 0,
});

describe('feedback', () => {
  it('a learner who attended gives their feedback once; the absent and strangers cannot', async () => {
    const mine = await learner('operatore1').trpc.training.mySessions.query();
    const ofCourse = mine.sessions.filter((s) => s.courseId === course.id);
    expect(ofCourse.map((s) => s.sessionId)).toEqual([sessionC.id, sessionA.id]);
    expect(ofCourse[1]).toMatchObject({ attendance: 'present', attendedHours: 4, canGiveFeedback: true });
    const before = await audits('training.feedback_submitted');
    for (const [username, session, scores] of GIVEN) {
      const client = username === 'tutor1' ? tutor : learner(username);
      const input = {
        requestId: randomUUID(),
        sessionId: (session === 'A' ? sessionA : sessionC).id,
        scores: scoresOf(scores),
        comment: 'Utile',
      };
      const answer = await client.trpc.training.submitFeedback.mutate(input);
      expect(await client.trpc.training.submitFeedback.mutate(input)).toEqual(answer);
    }
    expect(await audits('training.feedback_submitted')).toBe(before + GIVEN.length);
    const again = await trpcError(
      learner('operatore1').trpc.training.submitFeedback.mutate({
        requestId: randomUUID(),
        sessionId: sessionA.id,
        scores: scoresOf([1, 1, 1, 1, 1, 1]),
      }),
    );
    expect(again.data?.code).toBe('CONFLICT');
    expect((await learner('operatore1').trpc.training.mySessions.query()).sessions[1]).toMatchObject({
      feedbackGiven: true,
      canGiveFeedback: false,
    });
    const absent = await trpcError(
      learner('operatore3').trpc.training.submitFeedback.mutate({
        requestId: randomUUID(),
        sessionId: sessionA.id,
        scores: scoresOf([5, 5, 5, 5, 5, 5]),
      }),
    );
    expect(fieldsOf(absent).sessionId?.[0]).toContain('absent');
    const stranger = await trpcError(
      learner('operatore5').trpc.training.submitFeedback.mutate({
        requestId: randomUUID(),
        sessionId: sessionA.id,
        scores: scoresOf([5, 5, 5, 5, 5, 5]),
      }),
    );
    expect(stranger.data?.httpStatus).toBe(403);
    const bad = await trpcError(
      learner('operatore2').trpc.training.submitFeedback.mutate({
        requestId: randomUUID(),
        sessionId: sessionA.id,
        scores: { ...scoresOf([5, 5, 5, 5, 5, 5]), usefulness: 6 },
        comment: 'x'.repeat(1001),
      }),
    );
    expect(bad.data?.httpStatus).toBe(400);
    expect(Object.keys(fieldsOf(bad)).sort()).toEqual(['comment', 'scores']);
  });

  it('gives results per session, site, trainer and course, with counts and distributions', async () => {
    const bySession = await lead.trpc.training.feedbackResults.query({ courseId: course.id, groupBy: 'session' });
    expect(bySession.groups.map((g) => [g.key, g.responses])).toEqual([
      [sessionA.id, 4],
      [sessionC.id, 1],
    ]);
    // session A's usefulness: 5, 4, 3, 5 → 17 / 4 = 4.25 → 4.3
    expect(bySession.groups[0]?.dimensions.usefulness).toEqual({
      average: 4.3,
      count: 4,
      distribution: [0, 0, 1, 1, 2],
    });
    expect(bySession.groups[0]?.label).toBe('2025-10-06 09:00 · Roma Eur · Paola Neri');
    const byTrainer = await lead.trpc.training.feedbackResults.query({ courseId: course.id, groupBy: 'trainer' });
    expect(byTrainer.groups.map((g) => g.key)).toEqual(['Marco Blu', 'Paola Neri']);
    const byCourse = await admin.trpc.training.feedbackResults.query({ courseId: course.id, groupBy: 'course' });
    expect(byCourse.groups).toHaveLength(1);
    expect(byCourse.total.responses).toBe(5);
    // logistics over all five: 4 + 3 + 3 + 4 + 2 = 16 / 5 = 3.2
    expect(byCourse.total.dimensions.logistics).toEqual({ average: 3.2, count: 5, distribution: [0, 1, 2, 2, 0] });
    const bySite = await lead2.trpc.training.feedbackResults.query({ courseId: course.id, groupBy: 'site' });
    expect(bySite.groups).toEqual([]);
    expect(bySite.total.dimensions.usefulness.average).toBeNull();
  });

  it('exports the results as a CSV in the reader’s language', async () => {
    const italian = await lead.trpc.training.exportFeedbackCsv.mutate({ courseId: course.id, groupBy: 'site' });
    const lines = italian.csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('gruppo;nome;dimensione;media;risposte;voto_1;voto_2;voto_3;voto_4;voto_5');
    expect(lines).toHaveLength(1 + 2 * 6);
    expect(italian.rows).toBe(12);
    const cells = lines.slice(1).map((l) => l.split(';'));
    // site 1's planning: 4, 3, 4, 4, 5 → 20 / 5 = 4
    expect(cells.find((c) => c[0] === '1' && c[2] === 'Pianificazione e organizzazione')).toEqual([
      '1',
      'Roma Eur',
      'Pianificazione e organizzazione',
      '4',
      '5',
      '0',
      '0',
      '1',
      '3',
      '1',
    ]);
    expect(cells.find((c) => c[0] === 'Totale' && c[2] === 'Logistica')?.[3]).toBe('3,2');
    const en = await lead.trpc.training.exportFeedbackCsv.mutate({
      courseId: course.id,
      groupBy: 'site',
      language: 'en',
    });
    const enLines = en.csv.trimEnd().split('\r\n');
    expect(enLines[0]).toBe('group,name,dimension,average,responses,score_1,score_2,score_3,score_4,score_5');
    expect(enLines.find((l) => l.startsWith('Total,') && l.includes('Logistics'))).toBe(
      'Total,Prova di corso,Logistics,3.2,5,0,1,2,2,0',
    );
    expect(await audits('training.feedback_exported')).toBe(2);
  });
});

const mean = (values: number[]) => Math.round((values.reduce((a, b) => a + b, 0) * 10) / values.length) / 10;

describe('training.report (fixed)', () => {
  it('gives team leads their site and admins every site, with the averages computed by hand', async () => {
    const mine = await lead.trpc.training.report.query({ courseId: course.id });
    const all = GIVEN.map(([, , s]) => s);
    expect(mine).toEqual([
      {
        siteId: 1,
        learners: 13,
        trained: 2,
        feedback: {
          usefulness: mean(all.map((s) => s[0] ?? 0)),
          logistics: mean(all.map((s) => s[1] ?? 0)),
          method: mean(all.map((s) => s[2] ?? 0)),
          tutoring: mean(all.map((s) => s[3] ?? 0)),
          teaching: mean(all.map((s) => s[4] ?? 0)),
          planning: mean(all.map((s) => s[5] ?? 0)),
          responses: 5,
        },
      },
    ]);
    // by hand: usefulness 21/5 = 4.2, logistics 16/5 = 3.2, method 20/5 = 4, tutoring 23/5 = 4.6, teaching 24/5 = 4.8
    expect(mine[0]?.feedback).toMatchObject({
      usefulness: 4.2,
      logistics: 3.2,
      method: 4,
      tutoring: 4.6,
      teaching: 4.8,
    });
    const everywhere = await admin.trpc.training.report.query({ courseId: course.id });
    expect(everywhere.map((r) => r.siteId)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(everywhere[1]).toEqual({
      siteId: 2,
      learners: 5,
      trained: 0,
      feedback: {
        usefulness: null,
        logistics: null,
        method: null,
        tutoring: null,
        teaching: null,
        planning: null,
        responses: 0,
      },
    });
    for (const client of [learner('operatore1'), tutor]) {
      const refused = await trpcError(client.trpc.training.report.query({}));
      expect(refused.data?.httpStatus).toBe(403);
    }
    const anonymous = await trpcError(createApiClient(server.url).trpc.training.report.query({}));
    expect(anonymous.data?.httpStatus).toBe(401);
    expect(await trpcError(admin.trpc.training.report.query({ courseId: 999_999 }))).toMatchObject({
      data: { httpStatus: 404 },
    });
  });

  it('without a course: learners of any course, trained when every course of theirs is completed', async () => {
    const [site1] = await lead.trpc.training.report.query();
    // operatore1 and tutor1 completed this course: trained when they completed the demo's too
    const demo = (await lead.trpc.training.courses.query()).find((c) => c.title === 'Assistenza al valore');
    const demoProgress = await lead.trpc.training.progress.query({ courseId: demo?.id ?? 0 });
    const trainedInDemo = new Set(
      [idOf('operatore1'), idOf('tutor1')].filter((id) => !demoProgress.sites[0]?.pending.some((p) => p.userId === id)),
    );
    expect(site1).toMatchObject({ siteId: 1, learners: 13, trained: trainedInDemo.size });
    expect(site1?.feedback.responses).toBeGreaterThan(5);
  });

  it('the demo: every site’s operators and tutors trained in December 2022, the source’s averages', async () => {
    const demo = (await admin.trpc.training.courses.query()).find((c) => c.title === 'Assistenza al valore');
    expect(demo).toMatchObject({ hours: 6, targetRoles: ['operator', 'tutor'], sessions: 12 });
    const total = await admin.trpc.training.feedbackResults.query({ courseId: demo?.id ?? 0, groupBy: 'course' });
    expect(total.total.responses).toBeGreaterThan(30);
    const averages = Object.fromEntries(Object.entries(total.total.dimensions).map(([d, s]) => [d, s.average]));
    expect(averages).toEqual({
      usefulness: 4.4,
      logistics: 3.8,
      method: 4.3,
      tutoring: 4.6,
      teaching: 4.8,
      planning: 4.1,
    });
    const report = await admin.trpc.training.report.query({ courseId: demo?.id ?? 0 });
    expect(report).toHaveLength(11);
    const trained = report.reduce((n, r) => n + r.trained, 0);
    expect(trained).toBeGreaterThan(40);
    expect(trained).toBeLessThan(55);
    for (const row of report.filter((r) => r.siteId !== 1)) expect(row.learners).toBe(5);
    const sessions = await admin.trpc.training.sessions.query({ courseId: demo?.id ?? 0 });
    expect(sessions.every((s) => s.date >= '2022-12-01' && s.date <= '2022-12-31')).toBe(true);
  });
});

describe('does training pay (training.cohort)', () => {
  it('compares the completed operators’ conversion before and after their completion date', async () => {
    // operatore1 completed on 13 October 2025 (session C, Marco Blu); the days of the statistics by hand
    const zero = { reached: 0, proposals: 0, value_funnel: 0, value_lead: 0, realised_appointment: 0 };
    const zeroToo = { realised_funnel: 0, realised_lead: 0, opt_outs: 0, ocs_asked: 0, ocs_solved: 0 };
    const zeroAlso = { propensity_asked: 0, propensity_yes: 0, cmn_total: 0, cmn_within: 0, handle_ms: 0, acw_ms: 0 };
    const day = (d: string, handled: number, value: number) => ({
      ...zero,
      ...zeroToo,
      ...zeroAlso,
      site_id: 1,
      day: d,
      flow: 'campaign',
      team_id: 0,
      operator_id: idOf('operatore1'),
      handled,
      value_appointment: value,
    });
    await server.database.db
      .insertInto('stats_operator_day')
      .values([
        day('2025-09-01', 100, 100), // outside both windows
        day('2025-09-20', 30, 3), // before
        day('2025-10-10', 10, 3), // before
        day('2025-10-13', 50, 50), // the completion day: in neither
        day('2025-10-20', 40, 12), // after
        day('2025-11-12', 10, 3), // after (the 30th day)
        day('2025-11-13', 100, 0), // outside
      ])
      .execute();
    const cohort = await lead.trpc.training.cohort.query({ courseId: course.id });
    expect(cohort.days).toBe(30);
    expect(cohort.pending).toBe(0);
    expect(cohort.total.operators).toBe(1);
    expect(cohort.total.before).toMatchObject({ handled: 40, value: 6, rate: 0.15 });
    expect(cohort.total.after).toMatchObject({ handled: 50, value: 15, rate: 0.3 });
    const [low, high] = wilson(15, 50);
    expect(cohort.total.after.low).toBeCloseTo(low, 12);
    expect(cohort.total.after.high).toBeCloseTo(high, 12);
    expect(cohort.total.difference?.estimate).toBeCloseTo(0.15, 12);
    expect(cohort.bySite.map((s) => [s.siteId, s.operators])).toEqual([[1, 1]]);
    expect(cohort.byTrainer.map((t) => [t.trainer, t.operators])).toEqual([['Marco Blu', 1]]);
    const narrow = await admin.trpc.training.cohort.query({ courseId: course.id, days: 10, siteId: 1 });
    expect(narrow.total.before).toMatchObject({ handled: 10, value: 3 });
    expect(narrow.total.after).toMatchObject({ handled: 40, value: 12 });
    expect(await trpcError(lead2.trpc.training.cohort.query({ courseId: course.id, siteId: 1 }))).toMatchObject({
      data: { httpStatus: 403 },
    });
    expect(await trpcError(learner('operatore1').trpc.training.cohort.query({ courseId: course.id }))).toMatchObject({
      data: { httpStatus: 403 },
    });
    const bad = await trpcError(admin.trpc.training.cohort.query({ courseId: course.id, days: 0 }));
    expect(fieldsOf(bad).days).toBeDefined();
  });
});
