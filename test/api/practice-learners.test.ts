import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileScript } from '@valore/shared/flows/compile';
import type { ScriptDefinition } from '@valore/shared/flows/definition';
import { personaOf, type Persona } from '@valore/shared/training/personas';
import { playPractice } from '@valore/shared/training/practice-play';
import { trpcError, type ApiClient, signedInClient } from '../helpers/api-client';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * What a tutor's practice screen reads besides the sets' progress (docs/api.md, `practice.learners`,
 * `practice.contacts`): the operators they may assign practice to, and one operator's practice contacts to score.
 * Both keep to the caller's site as `practice.assign` and `practice.scorecard` do.
 */

let server: TestServer;
let operator: ApiClient;
let tutor: ApiClient;
let tutor2: ApiClient;
let lead: ApiClient;
let admin: ApiClient;
const users: Record<string, { id: number; siteId: number | null; name: string }> = {};

const sign = (username: string) => signedInClient(server.url, username);

beforeAll(async () => {
  server = await startTestServer();
  operator = await sign('operatore1');
  tutor = await sign('tutor1');
  tutor2 = await sign('tutor2');
  lead = await sign('teamlead1');
  admin = await sign('admin');
  const rows = await server.database.db
    .selectFrom('users')
    .select(['id', 'username', 'site_id', 'display_name'])
    .where('username', 'in', ['operatore1', 'operatore5', 'tutor1'])
    .execute();
  for (const u of rows) users[u.username] = { id: u.id, siteId: u.site_id, name: u.display_name };
});
afterAll(async () => {
  await server?.close();
});

describe('practice.learners', () => {
  it('lists a tutor’s own site’s active operators, by name; an admin’s every site’s or one', async () => {
    const mine = await tutor.trpc.practice.learners.query({});
    const site = users.tutor1?.siteId;
    expect(mine.length).toBeGreaterThan(1);
    expect(mine.every((l) => l.siteId === site)).toBe(true);
    expect(mine).toContainEqual({ userId: users.operatore1?.id, name: users.operatore1?.name, siteId: site });
    expect(mine.some((l) => l.userId === users.tutor1?.id)).toBe(false);
    expect(mine.map((l) => l.name)).toEqual([...mine.map((l) => l.name)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(await lead.trpc.practice.learners.query({})).toEqual(mine);

    const all = await admin.trpc.practice.learners.query({});
    expect(all.some((l) => l.userId === users.operatore5?.id)).toBe(true);
    expect(await admin.trpc.practice.learners.query({ siteId: site ?? 0 })).toEqual(mine);
  });

  it('refuses another site and people who do not assign practice', async () => {
    const other = await trpcError(tutor.trpc.practice.learners.query({ siteId: users.operatore5?.siteId ?? 0 }));
    expect(other.data?.httpStatus).toBe(403);
    expect((await trpcError(operator.trpc.practice.learners.query({}))).data?.httpStatus).toBe(403);
  });
});

describe('practice.contacts', () => {
  it('gives a tutor an operator’s practice contacts, optionally of one set, to score them', async () => {
    const operatorId = users.operatore1?.id ?? 0;
    const set = await tutor.trpc.practice.assign.mutate({
      requestId: randomUUID(),
      name: 'Da valutare',
      userIds: [operatorId],
      scripts: [{ flow: 'campaign' }],
      personaIds: ['young_digital'],
      count: 1,
      dueDate: null,
    });
    const started = await operator.trpc.practice.start.mutate({
      requestId: randomUUID(),
      flow: 'campaign',
      personaId: 'young_digital',
      seed: 5,
      assignmentId: set.assignments[0]?.assignmentId,
    });
    const played = playPractice(
      compileScript(started.script.definition as ScriptDefinition),
      started.input,
      personaOf(started.persona.id) as Persona,
      started.weights,
      started.seed,
      { useRebuttal: () => true },
    );
    const done = await operator.trpc.practice.complete.mutate({
      requestId: randomUUID(),
      practiceId: started.practiceId,
      path: played.path,
      outcome: played.outcome ?? 'not_interested',
      consentAsked: played.consentAsked,
      objections: played.objections,
      durationMs: played.durationMs + 5_000,
    });
    // an unassigned contact is listed for the operator, not for the set
    await operator.trpc.practice.start.mutate({
      requestId: randomUUID(),
      flow: 'campaign',
      personaId: 'young_digital',
    });

    const ofSet = await tutor.trpc.practice.contacts.query({ userId: operatorId, setId: set.setId });
    expect(ofSet).toHaveLength(1);
    expect(ofSet[0]).toMatchObject({ practiceId: started.practiceId, totalScore: done.score.total, scorecard: null });
    const every = await tutor.trpc.practice.contacts.query({ userId: operatorId });
    expect(every.length).toBeGreaterThanOrEqual(2);
    expect(every).toEqual((await operator.trpc.practice.mine.query({})).contacts);

    await tutor.trpc.practice.scorecard.mutate({
      requestId: randomUUID(),
      practiceId: started.practiceId,
      scores: { steps: 4, consent: 5 },
      overall: 4,
      comments: 'Bene',
    });
    const scored = await admin.trpc.practice.contacts.query({ userId: operatorId, setId: set.setId });
    expect(scored[0]?.scorecard).toMatchObject({ overall: 4, scores: { steps: 4, consent: 5 }, comments: 'Bene' });
  });

  it('keeps to the tutor’s site and to operators', async () => {
    const foreign = await trpcError(tutor2.trpc.practice.contacts.query({ userId: users.operatore1?.id ?? 0 }));
    expect(foreign.data?.httpStatus).toBe(403);
    const notOperator = await trpcError(tutor.trpc.practice.contacts.query({ userId: users.tutor1?.id ?? 0 }));
    expect(notOperator.data?.httpStatus).toBe(404);
    const lead2 = await trpcError(lead.trpc.practice.contacts.query({ userId: users.operatore1?.id ?? 0 }));
    expect(lead2.data?.httpStatus).toBe(403);
  });
});
