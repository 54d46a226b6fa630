import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueMessage } from '@valore/server/domains/outbox/outbox.repository';
import { parseEnv } from '@valore/server/env';
import { startServer, type RunningServer } from '@valore/server/server';
import { createApiClient, trpcError } from '../helpers/api-client';
import { openLiveStream } from '../helpers/live-stream';
import { startPostgresCluster, type PostgresCluster } from '../helpers/postgres-cluster';

/**
 * Two app nodes on one PostgreSQL database (issue 21): what happens on one reaches the live streams of the other
 * through the database's LISTEN/NOTIFY — an operator's state on node A appears on a tutor's board on node B, a tutor's
 * coaching message sent on B reaches the operator's console on A. (How fast: a benchmark's figure, not a test's.)
 */
let cluster: PostgresCluster;
let nodeA: RunningServer;
let nodeB: RunningServer;

let env: ReturnType<typeof parseEnv>;

beforeAll(async () => {
  cluster = await startPostgresCluster();
  const url = cluster.createDatabase('nodes');
  env = parseEnv({
    NODE_ENV: 'production',
    PORT: '0',
    HOST: '127.0.0.1',
    VALORE_DATABASE_URL: url,
    VALORE_SEED: 'demo',
    VALORE_SESSION_SECRET: 'two-nodes-test-secret-0123456789abcdef',
    LOG_LEVEL: 'silent',
    VALORE_OFFER_DISPATCH: 'off',
    // small enough to reach in a test: the nodes' shared bucket
    VALORE_INTAKE_RATE_PER_MINUTE: '3',
  });
  nodeA = await startServer(env, { seedCustomers: 300, livingDemo: false });
  nodeB = await startServer(env);
}, 120_000);
afterAll(async () => {
  await nodeA?.close();
  await nodeB?.close();
  cluster?.stop();
});

/** operatore1 signed in on node A; tutor1's board open on node B, its snapshot received. */
async function operatorOnAWatchedOnB() {
  const operator = createApiClient(nodeA.url);
  await operator.login('operatore1');
  const tutor = createApiClient(nodeB.url);
  await tutor.login('tutor1');
  const board = await openLiveStream(nodeB.url, 'board', { cookie: tutor.cookieHeader() });
  await board.until((events) => events.some((e) => e.kind === 'snapshot'));
  return { operator, board };
}

/** Waits until the board's last event is operatore1 in `state`. */
async function boardShows(board: Awaited<ReturnType<typeof operatorOnAWatchedOnB>>['board'], state: string) {
  await board.until((events) => {
    const last = events.at(-1);
    return last?.kind === 'operator' && last.operator.username === 'operatore1' && last.operator.state === state;
  }, 5_000);
}

describe('two nodes on one PostgreSQL database', () => {
  it("shows an operator's state changed on node A on a tutor's board on node B", async () => {
    const { operator, board } = await operatorOnAWatchedOnB();
    try {
      for (const state of ['paused', 'ready', 'paused', 'ready'] as const) {
        await operator.trpc.monitor.setStatus.mutate(state === 'paused' ? { state, reason: 'break' } : { state });
        await boardShows(board, state);
      }
    } finally {
      board.close();
    }
  });

  it("delivers a coaching message sent on node B to the operator's console on node A", async () => {
    const operator = createApiClient(nodeA.url);
    await operator.login('operatore1');
    // a message reaches an operator on a contact at once (one sent while they are free waits for their next contact)
    await operator.trpc.monitor.setStatus.mutate({
      state: 'on_contact',
      flow: 'inbound_sales',
      step: 'identify',
      interactionClientId: crypto.randomUUID(),
      customerId: null,
    });
    const tutor = createApiClient(nodeB.url);
    await tutor.login('tutor1');
    const coaching = await openLiveStream(nodeA.url, 'coaching', { cookie: operator.cookieHeader() });
    try {
      await coaching.until((events) => events.length >= 1);
      const me = await operator.trpc.auth.me.query();
      await tutor.trpc.monitor.sendCoaching.mutate({
        operatorId: me.id,
        body: 'Ricorda di proporre il libretto.',
        requestId: crypto.randomUUID(),
      });
      await coaching.until((events) => JSON.stringify(events).includes('Ricorda di proporre il libretto.'), 5_000);
    } finally {
      coaching.close();
    }
  });

  it('throttles sign-in with counts both nodes share: failures on A and B add up', async () => {
    // three free failures per account and address, then a wait: two on A and one on B use them up, so the next try
    // is refused on either node (per node counts gave each node its own three, six in all)
    const guess = (node: RunningServer) => createApiClient(node.url).login('operatore2', 'not-the-password');
    for (const node of [nodeA, nodeA, nodeB]) expect((await trpcError(guess(node))).data?.code).toBe('UNAUTHORIZED');
    for (const node of [nodeB, nodeA]) {
      const refused = await trpcError(guess(node));
      expect(refused.data?.code).toBe('TOO_MANY_REQUESTS');
    }
  });

  it("holds an intake key to its rate across both nodes (the buckets are the database's)", async () => {
    const products = (node: RunningServer) =>
      fetch(`${node.url}/api/v1/products`, { headers: { authorization: 'Bearer demo-intake-key' } });
    for (const node of [nodeA, nodeB, nodeA]) expect((await products(node)).status).toBe(200);
    for (const node of [nodeB, nodeA]) {
      const refused = await products(node);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });

  it('signs in a burst of 30 operators from one address on both nodes at once (a shift start)', async () => {
    // every attempt writes the address's count: the row is locked in turn, no transaction fails another's
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) => createApiClient((i % 2 ? nodeB : nodeA).url).login(`operatore${i + 3}`)),
    );
    expect(results.filter((r) => r.status === 'rejected').map((r) => String(r.reason))).toEqual([]);
  });

  it('listens again after the database drops the listening connection', async () => {
    const { operator, board } = await operatorOnAWatchedOnB();
    try {
      // a failover, an administrator's kill: every LISTEN connection of both nodes is cut (this database's only: the
      // run's cluster also serves the other files' nodes, the multi-node test's among them)
      const cut = await sql<{ n: number }>`
        SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity
        WHERE query ILIKE 'LISTEN%' AND pid <> pg_backend_pid() AND datname = current_database()`.execute(
        nodeA.deps.db,
      );
      expect(cut.rows[0]?.n).toBe(2);
      await expect
        .poll(
          async () => {
            const r = await sql<{ n: number }>`
              SELECT count(*) AS n FROM pg_stat_activity
              WHERE query ILIKE 'LISTEN%' AND datname = current_database()`.execute(nodeA.deps.db);
            return r.rows[0]?.n;
          },
          { timeout: 10_000, interval: 200 },
        )
        .toBe(2);
      // the operator (on a contact since the test before) wraps it up, then is ready: both reach the board on B
      for (const state of ['after_call_work', 'ready'] as const) {
        await operator.trpc.monitor.setStatus.mutate(
          state === 'ready' ? { state } : { state, interactionClientId: crypto.randomUUID() },
        );
        await boardShows(board, state);
      }
    } finally {
      board.close();
    }
  });

  it("numbers a site's changes the same on both nodes, without a gap, whichever node makes them (random sequences)", async () => {
    const db = nodeA.deps.db;
    const seed = Date.now() % 100_000;
    let state = seed;
    const random = () => (state = (state * 48_271) % 2_147_483_647) / 2_147_483_647;
    const usernames = (
      await db
        .selectFrom('users')
        .select('username')
        .where('site_id', '=', 1)
        .where('role', '=', 'operator')
        .orderBy('id')
        .limit(4)
        .execute()
    ).map((u) => u.username);
    // each operator's console on one node or the other; a tutor's board on each node
    const operators = await Promise.all(
      usernames.map(async (username, i) => {
        const client = createApiClient((i % 2 ? nodeB : nodeA).url);
        await client.login(username);
        return client;
      }),
    );
    const tutors = [createApiClient(nodeA.url), createApiClient(nodeB.url)];
    await Promise.all(tutors.map((t) => t.login('tutor1')));
    const boards = await Promise.all(
      tutors.map((t, i) => openLiveStream((i ? nodeB : nodeA).url, 'board', { cookie: t.cookieHeader() })),
    );
    try {
      await Promise.all(boards.map((b) => b.until((events) => events.some((e) => e.kind === 'snapshot'))));
      // four lanes at once, one per operator, each a random run of pauses (random reasons) and returns to ready
      const reasons = ['break', 'training', 'meeting'] as const;
      await Promise.all(
        operators.map(async (operator) => {
          for (let i = 0; i < 15; i++) {
            const pause = random() < 0.6;
            const reason = reasons[Math.floor(random() * reasons.length)] ?? 'break';
            await operator.trpc.monitor.setStatus.mutate(pause ? { state: 'paused', reason } : { state: 'ready' });
          }
        }),
      );
      const last = await sql<{ seq: number }>`SELECT seq FROM board_sequences WHERE site_id = 1`.execute(db);
      const final = last.rows[0]?.seq ?? 0;
      const seen = await Promise.all(
        boards.map((b) => b.until((events) => events.some((e) => e.kind === 'operator' && e.seq === final), 10_000)),
      );
      const byNumber = seen.map((events) => {
        const from = events[0]?.seq ?? 0; // the snapshot's number
        const changes = events.flatMap((e) => (e.kind === 'operator' ? [e] : []));
        // every number after the snapshot's, once, in order, up to the site's last
        expect(
          changes.map((e) => e.seq),
          `seed ${seed}`,
        ).toEqual(Array.from({ length: final - from }, (_, i) => from + 1 + i));
        return new Map(changes.map((e) => [e.seq, [e.operator.userId, e.operator.state, e.operator.reason]]));
      });
      // the same number is the same change on both nodes
      const [onA, onB] = byNumber;
      for (const [seq, change] of onA ?? []) if (onB?.has(seq)) expect(onB.get(seq), `seed ${seed}`).toEqual(change);
      // and each board ends where the database is
      const stored = await db
        .selectFrom('operator_status')
        .innerJoin('users', 'users.id', 'operator_status.user_id')
        .select(['user_id', 'state', 'reason'])
        .where('users.username', 'in', usernames)
        .execute();
      for (const map of byNumber) {
        const ends = new Map<number, unknown[]>();
        for (const [, [userId, st, reason]] of map) ends.set(userId as number, [st, reason]);
        for (const row of stored) expect(ends.get(row.user_id), `seed ${seed}`).toEqual([row.state, row.reason]);
      }
    } finally {
      for (const b of boards) b.close();
    }
  });

  it('leaves an SMS another live node is submitting alone when a node starts (its lease is not over)', async () => {
    const db = nodeA.deps.db;
    const now = new Date();
    const id = await enqueueMessage(
      db,
      { channel: 'sms', recipient: '+393331234567', subject: null, body: 'Ciao', refType: null, refId: null },
      now,
    );
    // node B's worker claimed it and put it on the wire a moment ago: its answer is still to come
    await db
      .updateTable('outbox')
      .set({
        status: 'sending',
        next_attempt_at: new Date(now.getTime() + 5 * 60_000).toISOString(),
        submit_started_at: now.toISOString(),
      })
      .where('id', '=', id)
      .execute();
    const nodeC = await startServer(env);
    try {
      await nodeC.outbox.drain(); // after the start's recovery, which it queues behind
      const row = await db.selectFrom('outbox').select(['status']).where('id', '=', id).executeTakeFirstOrThrow();
      // a single server's start would have marked it unknown; with several nodes that is for an expired lease only
      expect(row.status).toBe('sending');
    } finally {
      await nodeC.close();
      await db.deleteFrom('outbox').where('id', '=', id).execute();
    }
  });
});
