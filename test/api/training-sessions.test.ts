import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainingSession } from '@valore/shared/schemas/training';
import { trpcError, type ApiClient, signedInClient } from '../helpers/api-client';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * Planning a session's enrolment over HTTP (`training.candidates`): who a planner may enrol in a session — the
 * active people of its site whose role the course is for — and who already is, as the training page lists them.
 * A team lead sees their own site's sessions only; operators and tutors none.
 */

let server: TestServer;
let admin: ApiClient;
let lead: ApiClient;
let lead2: ApiClient;
let tutor: ApiClient;
let session: TrainingSession;
const users = new Map<string, { id: number; role: string; siteId: number | null; active: number }>();
const idOf = (username: string) => users.get(username)?.id ?? 0;

const sign = (username: string) => signedInClient(server.url, username);

beforeAll(async () => {
  server = await startTestServer();
  admin = await sign('admin');
  lead = await sign('teamlead1');
  lead2 = await sign('teamlead2');
  tutor = await sign('tutor1');
  const rows = await server.database.db
    .selectFrom('users')
    .select(['id', 'username', 'role', 'site_id', 'active'])
    .execute();
  for (const r of rows) users.set(r.username, { id: r.id, role: r.role, siteId: r.site_id, active: r.active });
  const [course] = await lead.trpc.training.courses.query();
  if (!course) throw new Error('the demo has its course');
  session = await lead.trpc.training.createSession.mutate({
    requestId: randomUUID(),
    courseId: course.id,
    date: '2098-03-02',
    starts: '09:00',
    hours: 2,
    room: 'Aula 3',
    trainer: 'Marta Gialli',
    capacity: 2,
  });
});
afterAll(async () => {
  await server?.close();
});

describe('training.candidates', () => {
  it("lists the site's active people of the course's roles, by name, and who is enrolled", async () => {
    const course = (await lead.trpc.training.courses.query()).find((c) => c.id === session.courseId);
    const expected = [...users.values()]
      .filter(
        (u) =>
          u.active === 1 &&
          u.siteId === session.siteId &&
          (course?.targetRoles as readonly string[] | undefined)?.includes(u.role),
      )
      .map((u) => u.id)
      .sort((a, b) => a - b);
    const before = await lead.trpc.training.candidates.query({ sessionId: session.id });
    expect(before.map((c) => c.userId).sort((a, b) => a - b)).toEqual(expected);
    expect(before.every((c) => !c.enrolled && c.siteId === session.siteId)).toBe(true);
    const names = before.map((c) => c.name);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(before.some((c) => c.userId === idOf('operatore1'))).toBe(true);
    expect(before.some((c) => c.userId === idOf('teamlead1') || c.userId === idOf('admin'))).toBe(false);

    await lead.trpc.training.enrol.mutate({
      requestId: randomUUID(),
      sessionId: session.id,
      userIds: [idOf('operatore1')],
    });
    const after = await admin.trpc.training.candidates.query({ sessionId: session.id });
    expect(after.find((c) => c.userId === idOf('operatore1'))).toMatchObject({ enrolled: true, role: 'operator' });
    expect(after.filter((c) => c.enrolled)).toHaveLength(1);
  });

  it('keeps listing an enrolled person who has since gone inactive, so they can be taken off', async () => {
    const made = await admin.trpc.admin.users.create.mutate({
      username: 'candidato-uscito',
      displayName: 'Candidato Uscito',
      role: 'operator',
      siteId: session.siteId,
    });
    await lead.trpc.training.enrol.mutate({ requestId: randomUUID(), sessionId: session.id, userIds: [made.user.id] });
    await server.database.db.updateTable('users').set({ active: 0 }).where('id', '=', made.user.id).execute();
    const list = await lead.trpc.training.candidates.query({ sessionId: session.id });
    expect(list.find((c) => c.userId === made.user.id)).toMatchObject({ name: 'Candidato Uscito', enrolled: true });
  });

  it("refuses another site's team lead, operators and tutors, and answers 404 for an unknown session", async () => {
    expect((await trpcError(lead2.trpc.training.candidates.query({ sessionId: session.id }))).data?.httpStatus).toBe(
      403,
    );
    expect((await trpcError(tutor.trpc.training.candidates.query({ sessionId: session.id }))).data?.httpStatus).toBe(
      403,
    );
    expect((await trpcError(lead.trpc.training.candidates.query({ sessionId: 999_999 }))).data?.httpStatus).toBe(404);
  });
});
