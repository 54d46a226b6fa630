import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catchUpStats } from '@valore/server/domains/stats/stats.catchup';
import { completion as realCompletion, inboundSale } from '@valore/server/testing/completions';
import { compileScript } from '@valore/shared/flows/compile';
import type { ScriptDefinition } from '@valore/shared/flows/definition';
import type { FlowId } from '@valore/shared/reference/outcomes';
import type { PracticeStartOutput } from '@valore/shared/schemas/practice';
import {
  personaOf,
  PERSONA_IDS,
  simulateReply,
  stepWeights,
  type Persona,
  type PersonaId,
} from '@valore/shared/training/personas';
import { playPractice, type PlayedPractice } from '@valore/shared/training/practice-play';
import { scorePractice } from '@valore/shared/training/practice-score';
import { trpcError, type ApiClient, signedInClient } from '../helpers/api-client';
import { startTestServer, type TestServer } from '../helpers/server';
import { db } from '../helpers/sql';

/**
 * Practice mode over HTTP (docs/training.md, "Practice mode"): an operator starts a practice contact on a published
 * script against a simulated customer, the persona answers each step, the path is completed and scored by the server;
 * tutors assign practice sets and follow progress. The invariant: practice contacts leave every real table exactly as
 * it was (row counts, the statistics' rollups, the rows of the customer-facing tables).
 */

let server: TestServer;
let operator: ApiClient;
let operator2: ApiClient;
let tutor: ApiClient;
let tutor2: ApiClient;
let lead: ApiClient;
let admin: ApiClient;
const ids: Record<string, number> = {};

const sign = (username: string) => signedInClient(server.url, username);

beforeAll(async () => {
  server = await startTestServer();
  operator = await sign('operatore1');
  operator2 = await sign('operatore2');
  tutor = await sign('tutor1');
  tutor2 = await sign('tutor2');
  lead = await sign('teamlead1');
  admin = await sign('admin');
  const users = await server.database.db
    .selectFrom('users')
    .select(['id', 'username'])
    .where('username', 'in', ['operatore1', 'operatore2', 'operatore5', 'teamlead1'])
    .execute();
  for (const u of users) ids[u.username] = u.id;
}, 60_000);
afterAll(async () => {
  await server?.close();
});

const fieldsOf = (error: Awaited<ReturnType<typeof trpcError>>) =>
  (error.data?.zodError?.fieldErrors ?? {}) as Record<string, string[] | undefined>;

const personaFor = (id: string) => personaOf(id) as Persona;
const NO_STATS = { handled: 0, reached: 0, proposals: 0, appointments: 0, funnelLinks: 0, leads: 0, optOuts: 0 };

/** Plays the started contact as the console does: the real script machine, the persona answering each step. */
function play(started: PracticeStartOutput, opts: { useRebuttal?: boolean } = {}): PlayedPractice {
  return playPractice(
    compileScript(started.script.definition as ScriptDefinition),
    started.input,
    personaFor(started.persona.id),
    started.weights,
    started.seed,
    { useRebuttal: () => opts.useRebuttal ?? true },
  );
}

function completion(started: PracticeStartOutput, played: PlayedPractice) {
  return {
    requestId: randomUUID(),
    practiceId: started.practiceId,
    path: played.path,
    outcome: played.outcome ?? 'not_interested',
    consentAsked: played.consentAsked,
    objections: played.objections,
    durationMs: played.durationMs + 5_000,
  };
}

const start = (api: ApiClient, over: Partial<{ flow: FlowId; version: string; personaId: PersonaId; seed: number }>) =>
  api.trpc.practice.start.mutate({
    requestId: randomUUID(),
    flow: 'campaign',
    personaId: 'price_sensitive_pensioner',
    ...over,
  });

describe('a practice contact', () => {
  it('lists the personas to any signed-in user', async () => {
    const personas = await lead.trpc.practice.personas.query();
    expect(personas.map((p) => p.id)).toEqual([...PERSONA_IDS]);
    expect(personas.every((p) => p.name.it && p.name.en && p.description.it && p.description.en)).toBe(true);
  });

  it('starts on the newest published version with a synthetic customer and the weights of the persona', async () => {
    const started = await start(operator, { seed: 42 });
    expect(started.script).toMatchObject({ flow: 'campaign', version: '1.0.0' });
    expect(started.script.definition.steps).toContain('consent');
    expect(started.customer).toMatchObject({ synthetic: true, phone: expect.stringMatching(/^000/) as unknown });
    expect(started.customer.email).toMatch(/@example\.invalid$/);
    expect(started.input.customer).toEqual({ id: null, hasMarketingConsent: started.customer.hasMarketingConsent });
    expect(started.input.presetProductCode).not.toBeNull();
    expect(Object.keys(started.weights.steps)).toContain('consent');
    // the same seed, persona and script: the same customer and weights
    const again = await start(operator, { seed: 42 });
    expect(again.practiceId).not.toBe(started.practiceId);
    expect(again.customer).toEqual(started.customer);
    expect(again.weights).toEqual(started.weights);
  });

  it('answers each step as the shared function does, the same every time', async () => {
    const started = await start(operator, { flow: 'inbound_sales', personaId: 'young_digital', seed: 9 });
    const options = { choices: ['proposal.accepted', 'proposal.objection', 'proposal.declined'] as const };
    const reply = await operator.trpc.practice.reply.query({
      practiceId: started.practiceId,
      step: 'proposal',
      turn: 3,
      options: { choices: [...options.choices] },
    });
    const local = simulateReply(personaFor('young_digital'), started.weights, {
      seed: 9,
      step: 'proposal',
      turn: 3,
      options: {
        choices: [...options.choices],
        presetProductCode: started.input.presetProductCode,
        preparedObjections: [],
      },
    });
    expect(reply).toEqual(local);
    expect(
      await operator.trpc.practice.reply.query({
        practiceId: started.practiceId,
        step: 'proposal',
        turn: 3,
        options: { choices: [...options.choices] },
      }),
    ).toEqual(reply);
    // another operator's practice is unknown to them
    const foreign = await trpcError(
      operator2.trpc.practice.reply.query({
        practiceId: started.practiceId,
        step: 'identify',
        turn: 0,
        options: { choices: [] },
      }),
    );
    expect(foreign.data?.httpStatus).toBe(404);
  });

  it('completes: the server replays the path and scores it as the shared score function does', async () => {
    const started = await start(operator, { flow: 'inbound_sales', personaId: 'young_digital', seed: 3 });
    const played = play(started);
    expect(played.outcome).not.toBeNull();
    const input = completion(started, played);
    const done = await operator.trpc.practice.complete.mutate(input);
    expect(done.outcome).toBe(played.outcome);
    const expected = scorePractice({
      definition: started.script.definition as ScriptDefinition,
      customerHadConsent: started.input.customer.hasMarketingConsent,
      path: played.path,
      outcome: done.outcome,
      objections: played.objections,
      durationMs: input.durationMs,
    });
    expect(done.score).toEqual(expected);
    expect(done.score.total).toBe(done.score.criteria.reduce((s, c) => s + c.points, 0));
    // a retry gets the first answer back; the same id with another body, or a second completion, is refused
    expect(await operator.trpc.practice.complete.mutate(input)).toEqual(done);
    const changed = await trpcError(
      operator.trpc.practice.complete.mutate({ ...input, durationMs: input.durationMs + 1 }),
    );
    expect(changed.data?.domainCode).toBe('IDEMPOTENCY_MISMATCH');
    const twice = await trpcError(operator.trpc.practice.complete.mutate({ ...input, requestId: randomUUID() }));
    expect(twice.data?.httpStatus).toBe(409);
    const mine = await operator.trpc.practice.mine.query({});
    expect(mine.contacts.find((c) => c.practiceId === started.practiceId)).toMatchObject({
      outcome: done.outcome,
      totalScore: done.score.total,
      endedAt: done.completedAt,
    });
  });

  it('a start retried with the same request id is the same practice contact', async () => {
    const input = { requestId: randomUUID(), flow: 'callback' as const, personaId: 'busy_professional' as const };
    const first = await operator.trpc.practice.start.mutate(input);
    const retry = await operator.trpc.practice.start.mutate(input);
    expect(retry).toEqual(first);
    const count = await server.database.db
      .selectFrom('practice_contacts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('seed', '=', first.seed)
      .where('persona_id', '=', 'busy_professional')
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
  });

  it('refuses an impossible path, a wrong outcome and a self-contradicting completion with 400 by field', async () => {
    const started = await start(operator, { seed: 11, personaId: 'young_digital' });
    const played = play(started);
    const good = completion(started, played);
    // skip the identification: the script stands at another step
    const skipped = await trpcError(
      operator.trpc.practice.complete.mutate({ ...good, path: good.path.filter((e) => e.step !== 'identify') }),
    );
    expect(skipped.data?.httpStatus).toBe(400);
    expect(skipped.data?.domainCode).toBe('REPLAY_REJECTED');
    expect(Object.keys(fieldsOf(skipped))[0]).toMatch(/^path\.\d+\.(step|choice)$/);
    const wrong = await trpcError(
      operator.trpc.practice.complete.mutate({ ...good, outcome: played.outcome === 'lead' ? 'opt_out' : 'lead' }),
    );
    expect(fieldsOf(wrong).outcome?.[0]).toContain('The path ends in');
    const unfinished = await trpcError(
      operator.trpc.practice.complete.mutate({ ...good, path: good.path.slice(0, 1) }),
    );
    expect(unfinished.data?.httpStatus).toBe(400);
    const flag = await trpcError(operator.trpc.practice.complete.mutate({ ...good, consentAsked: !good.consentAsked }));
    expect(fieldsOf(flag).consentAsked).toBeDefined();
    // nothing was kept: the real completion still goes through
    expect((await operator.trpc.practice.complete.mutate(good)).outcome).toBe(played.outcome);
  });

  it('refuses bad input with field messages, never a 500', async () => {
    const started = await start(operator, { seed: 5 });
    const entry = { step: 'dialling' as const, choice: 'contact.reached' as const, at: 1000 };
    // the schema's refusals name the input's field, their message the element ("path: …")
    const cases: [unknown, string, RegExp][] = [
      [
        { ...completion(started, play(started)), path: Array.from({ length: 201 }, () => entry) },
        'path',
        /At most 200/,
      ],
      [{ ...completion(started, play(started)), path: [{ ...entry, at: -1 }] }, 'path', /Not negative/],
      [
        { ...completion(started, play(started)), path: [{ ...entry, choice: 'needs.identified' }] },
        'path',
        /Give the product/,
      ],
      [{ ...completion(started, play(started)), durationMs: 10 * 3_600_000 }, 'durationMs', /At most 4 hours/],
      [
        { ...completion(started, play(started)), objections: [{ kind: 'Price!', rebuttalUsed: true }] },
        'objections',
        /Lower-case/,
      ],
      [{ ...completion(started, play(started)), extra: 1 }, '', /extra/],
    ];
    for (const [input, field, message] of cases) {
      const error = await trpcError(operator.trpc.practice.complete.mutate(input as never));
      expect(error.data?.httpStatus, JSON.stringify(input).slice(0, 80)).toBe(400);
      expect(error.message).toMatch(message);
      if (field) expect(Object.keys(fieldsOf(error)), field).toContain(field);
    }
    const badStarts: [unknown, string][] = [
      [{ requestId: randomUUID(), flow: 'campaign', personaId: 'robot' }, 'personaId'],
      [{ requestId: randomUUID(), flow: 'nope', personaId: 'young_digital' }, 'flow'],
      [{ requestId: randomUUID(), flow: 'campaign', personaId: 'young_digital', seed: -1 }, 'seed'],
      [{ requestId: randomUUID(), flow: 'campaign', personaId: 'young_digital', version: 'x' }, 'version'],
      [{ requestId: 'not-a-uuid', flow: 'campaign', personaId: 'young_digital' }, 'requestId'],
    ];
    for (const [input, field] of badStarts) {
      const error = await trpcError(operator.trpc.practice.start.mutate(input as never));
      expect(error.data?.httpStatus).toBe(400);
      expect(Object.keys(fieldsOf(error))).toContain(field);
    }
    const longReply = await trpcError(
      operator.trpc.practice.reply.query({
        practiceId: started.practiceId,
        step: 'identify',
        turn: 100_000,
        options: { choices: [] },
      }),
    );
    expect(longReply.data?.httpStatus).toBe(400);
  });

  it('plays published versions only: a draft is refused, an unknown version is not found', async () => {
    await lead.trpc.scripts.versions.saveDraft.mutate({
      definition: JSON.parse(
        JSON.stringify({
          ...(await lead.trpc.scripts.versions.get.query({ flow: 'inbound_sales', version: '1.0.0' })).definition,
          version: '1.5.0',
        }),
      ) as never,
    });
    const draft = await trpcError(start(operator, { flow: 'inbound_sales', version: '1.5.0' }));
    expect(draft.data?.httpStatus).toBe(400);
    expect(fieldsOf(draft).version?.[0]).toContain('published versions only');
    const unknown = await trpcError(start(operator, { flow: 'inbound_sales', version: '7.7.7' }));
    expect(unknown.data?.httpStatus).toBe(404);
    // an older published version is fine
    expect((await start(operator, { flow: 'ocs_cross_sell', version: '1.0.0' })).script.version).toBe('1.0.0');
  });

  it('is for operators and tutors: team leads and admins do not practise', async () => {
    expect((await start(tutor, { seed: 1 })).practiceId).toBeGreaterThan(0);
    for (const api of [lead, admin]) {
      const refused = await trpcError(start(api, {}));
      expect(refused.data?.httpStatus).toBe(403);
    }
  });
});

describe('practice sets', () => {
  let setId = 0;
  let assignmentId = 0;

  it('a tutor assigns a set to their site’s operators; another site’s operator is refused', async () => {
    const input = {
      requestId: randomUUID(),
      name: 'Consenso e obiezioni',
      userIds: [ids.operatore1 ?? 0, ids.operatore2 ?? 0],
      scripts: [{ flow: 'campaign' as const }, { flow: 'inbound_sales' as const, version: '1.0.0' }],
      personaIds: ['price_sensitive_pensioner' as const, 'young_digital' as const],
      count: 2,
      dueDate: '2099-03-31',
    };
    const made = await tutor.trpc.practice.assign.mutate(input);
    expect(made.assignments).toHaveLength(2);
    expect(await tutor.trpc.practice.assign.mutate(input)).toEqual(made);
    setId = made.setId;
    assignmentId = made.assignments.find((a) => a.userId === ids.operatore1)?.assignmentId ?? 0;
    const foreign = await trpcError(
      tutor.trpc.practice.assign.mutate({ ...input, requestId: randomUUID(), userIds: [ids.operatore5 ?? 0] }),
    );
    expect(foreign.data?.httpStatus).toBe(403);
    const notOperator = await trpcError(
      tutor.trpc.practice.assign.mutate({ ...input, requestId: randomUUID(), userIds: [ids.teamlead1 ?? 0] }),
    );
    expect(fieldsOf(notOperator).userIds).toBeDefined();
    const draft = await trpcError(
      tutor.trpc.practice.assign.mutate({
        ...input,
        requestId: randomUUID(),
        scripts: [{ flow: 'inbound_sales', version: '1.5.0' }],
      }),
    );
    expect(fieldsOf(draft)['scripts.0.version']).toBeDefined();
    const refused = await trpcError(operator.trpc.practice.assign.mutate({ ...input, requestId: randomUUID() }));
    expect(refused.data?.httpStatus).toBe(403);
  });

  it('the operator sees the assignment and practises towards it; tutors, team leads and admins see the progress', async () => {
    const mine = await operator.trpc.practice.mine.query({});
    expect(mine.assignments.find((a) => a.assignmentId === assignmentId)).toMatchObject({ setId, done: 0, count: 2 });
    // a persona outside the set does not count towards it
    const outside = await trpcError(
      operator.trpc.practice.start.mutate({
        requestId: randomUUID(),
        flow: 'campaign',
        personaId: 'privacy_minded',
        assignmentId,
      }),
    );
    expect(fieldsOf(outside).personaId).toBeDefined();
    const notMine = await trpcError(
      operator2.trpc.practice.start.mutate({
        requestId: randomUUID(),
        flow: 'campaign',
        personaId: 'young_digital',
        assignmentId,
      }),
    );
    expect(fieldsOf(notMine).assignmentId).toBeDefined();
    const started = await operator.trpc.practice.start.mutate({
      requestId: randomUUID(),
      flow: 'campaign',
      personaId: 'young_digital',
      seed: 21,
      assignmentId,
    });
    const done = await operator.trpc.practice.complete.mutate(completion(started, play(started)));

    const progress = await tutor.trpc.practice.progress.query({ setId });
    const row = progress.sets[0]?.operators.find((o) => o.userId === ids.operatore1);
    expect(row).toMatchObject({ done: 1, required: 2, averageScore: done.score.total });
    expect(progress.sets[0]?.operators.find((o) => o.userId === ids.operatore2)).toMatchObject({
      done: 0,
      averageScore: null,
    });
    expect((await lead.trpc.practice.progress.query({})).sets.some((s) => s.setId === setId)).toBe(true);
    expect((await admin.trpc.practice.progress.query({ siteId: 1 })).sets.some((s) => s.setId === setId)).toBe(true);
    expect((await tutor2.trpc.practice.progress.query({})).sets.some((s) => s.setId === setId)).toBe(false);
    expect((await trpcError(lead.trpc.practice.progress.query({ siteId: 2 }))).data?.httpStatus).toBe(403);
    expect(
      (await operator.trpc.practice.mine.query({})).assignments.find((a) => a.assignmentId === assignmentId)?.done,
    ).toBe(1);

    // the tutor's scorecard: their site's completed contact only
    const scorecard = {
      requestId: randomUUID(),
      practiceId: started.practiceId,
      scores: { consent: 5, objections: 3 },
      overall: 4,
      comments: 'Bene il consenso, rivedere le obiezioni.',
    };
    const saved = await tutor.trpc.practice.scorecard.mutate(scorecard);
    expect(saved).toMatchObject({ practiceId: started.practiceId, overall: 4, scores: { consent: 5, objections: 3 } });
    expect(await tutor.trpc.practice.scorecard.mutate(scorecard)).toEqual(saved);
    const other = await trpcError(tutor2.trpc.practice.scorecard.mutate({ ...scorecard, requestId: randomUUID() }));
    expect(other.data?.httpStatus).toBe(403);
    const open = await start(operator, { seed: 77 });
    const notDone = await trpcError(
      tutor.trpc.practice.scorecard.mutate({ ...scorecard, requestId: randomUUID(), practiceId: open.practiceId }),
    );
    expect(notDone.data?.httpStatus).toBe(409);
    const bad = await trpcError(
      tutor.trpc.practice.scorecard.mutate({ ...scorecard, requestId: randomUUID(), scores: { steps: 9 } }),
    );
    expect(bad.data?.httpStatus).toBe(400);
    const listed = (await operator.trpc.practice.mine.query({})).contacts.find(
      (c) => c.practiceId === started.practiceId,
    );
    expect(listed?.scorecard).toMatchObject({ overall: 4, comments: scorecard.comments });
  });
});

// ---------------------------------------------------------------- the invariant

/**
 * Tables left out of the comparison, each for a reason:
 * - practice_*: practice mode's own records (they are meant to grow);
 * - idempotency_keys: the request ids of the practice mutations (bookkeeping: a request id and its answer, no customer
 *   or contact data), committed with their effect as every mutation's are.
 * Everything else — sessions and the migration bookkeeping included — must keep its row count.
 */
const EXCLUDED = (name: string) => name.startsWith('practice_') || name === 'idempotency_keys';
/** Tables compared row by row, not only counted: the rollups and every table a real contact writes. */
const COMPARED_ROWS = (name: string) =>
  name.startsWith('stats_') ||
  [
    'interactions',
    'audit_log',
    'leads',
    'appointments',
    'appointment_slots',
    'outbox',
    'callback_requests',
    'consents',
    'funnel_links',
    'operator_status',
    'operator_status_log',
    'work_offers',
    'campaign_contacts',
    'customers',
  ].includes(name);

async function snapshot(): Promise<{ counts: Record<string, number>; rows: Record<string, string> }> {
  // every table of the store, on either engine (Kysely's introspection: sqlite_master or information_schema)
  const tables = (await server.database.db.introspection.getTables())
    .filter((t) => !t.isView)
    .map((t) => t.name)
    .filter((name) => !EXCLUDED(name))
    .sort();
  const counts: Record<string, number> = {};
  const rows: Record<string, string> = {};
  for (const name of tables) {
    counts[name] = (await db(server).get<{ n: number }>(`SELECT COUNT(*) AS n FROM "${name}"`))!.n;
    if (COMPARED_ROWS(name)) {
      const all = (await db(server).all(`SELECT * FROM "${name}"`)).map((row) => JSON.stringify(row));
      rows[name] = all.sort().join('\n');
    }
  }
  return { counts, rows };
}

describe('the invariant: practice leaves every real table unchanged', () => {
  it('100 practice contacts (every persona and flow, many outcomes) change no real table, rollup or status', async () => {
    // real contacts first, so the rollups (and the weights practice reads from them) are not empty
    const timing = { startMs: Date.now() - 600_000, stepMs: 5_000, handleMs: 60_000, acwMs: 5_000 };
    for (const customerId of [31, 32, 33])
      await operator.trpc.interactions.complete.mutate(inboundSale(customerId, 'lead', timing));
    await operator.trpc.interactions.complete.mutate(
      realCompletion(
        'inbound_sales',
        34,
        'not_interested',
        [
          { type: 'customer.identified', customerId: 34 },
          { type: 'needs.identified', productCode: 'CONTO' },
          { type: 'proposal.objection', objection: 'Costa troppo' },
          { type: 'proposal.declined' },
        ],
        timing,
      ),
    );
    // the rollups caught up with every real contact, then the background jobs stopped: only requests write from here
    await catchUpStats(server.deps.db);
    const persona = personaFor('young_digital');
    const fromStats = await start(operator, { flow: 'inbound_sales', personaId: 'young_digital', seed: 1 });
    expect(fromStats.weights).not.toEqual(
      stepWeights({ flow: 'inbound_sales', steps: [], outcomes: NO_STATS }, persona),
    );
    await server.stopBackgroundJobs();
    const before = await snapshot();
    expect(Object.keys(before.counts).length).toBeGreaterThan(40);
    expect(before.counts.interactions).toBeGreaterThan(0);
    expect(Object.keys(before.rows).filter((t) => t.startsWith('stats_')).length).toBeGreaterThanOrEqual(18);

    const flows: { flow: FlowId; version?: string }[] = [
      { flow: 'campaign' },
      { flow: 'inbound_sales' },
      { flow: 'ocs_cross_sell' },
      { flow: 'callback' },
      { flow: 'ocs_cross_sell', version: '1.0.0' },
    ];
    const outcomes = new Map<string, number>();
    const used = new Set<string>();
    for (let i = 0; i < 100; i++) {
      const api = i % 5 === 4 ? tutor : i % 2 ? operator2 : operator;
      const script = flows[i % flows.length] ?? { flow: 'campaign' };
      const personaId = PERSONA_IDS[Math.floor(i / flows.length) % PERSONA_IDS.length] ?? 'young_digital';
      const started = await start(api, { ...script, personaId, seed: 1_000 + i });
      used.add(`${started.script.flow}:${personaId}`);
      if (i % 10 === 0) {
        await api.trpc.practice.reply.query({
          practiceId: started.practiceId,
          step: 'identify',
          turn: 1,
          options: { choices: ['customer.identified', 'customer.opted_out'] },
        });
      }
      const played = play(started, { useRebuttal: i % 3 !== 0 });
      const done = await api.trpc.practice.complete.mutate(completion(started, played));
      outcomes.set(done.outcome, (outcomes.get(done.outcome) ?? 0) + 1);
    }
    await tutor.trpc.practice.assign.mutate({
      requestId: randomUUID(),
      name: 'Invariante',
      userIds: [ids.operatore1 ?? 0],
      scripts: [{ flow: 'callback' }],
      personaIds: ['busy_professional'],
      count: 3,
      dueDate: null,
    });
    await tutor.trpc.practice.progress.query({});
    await operator.trpc.practice.mine.query({});

    // the mix really is a mix
    expect(used.size).toBeGreaterThanOrEqual(15);
    expect(outcomes.size, JSON.stringify([...outcomes])).toBeGreaterThanOrEqual(5);
    // nothing for the statistics to count, and every real table as it was
    expect(await catchUpStats(server.deps.db)).toBe(0);
    const after = await snapshot();
    expect(after.counts).toEqual(before.counts);
    for (const table of Object.keys(before.rows)) expect(after.rows[table], table).toBe(before.rows[table]);
    const practised = await server.database.db
      .selectFrom('practice_contacts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('ended_at', 'is not', null)
      .executeTakeFirstOrThrow();
    expect(Number(practised.n)).toBeGreaterThanOrEqual(100);
  });
});
