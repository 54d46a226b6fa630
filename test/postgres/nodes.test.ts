import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

beforeAll(async () => {
  cluster = await startPostgresCluster();
  const url = cluster.createDatabase('nodes');
  const env = parseEnv({
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
});
