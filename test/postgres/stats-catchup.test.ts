import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratePostgres, openPostgres, type OpenedPostgres } from '@valore/server/db/postgres';
import type { AppDeps } from '@valore/server/deps';
import { completeInteraction } from '@valore/server/domains/interactions/interactions.service';
import { catchUpStats } from '@valore/server/domains/stats/stats.catchup';
import { compareRollupsWithRecount } from '@valore/server/domains/stats/stats.recount';
import { completion } from '@valore/server/testing/completions';
import { createWorld, type World } from '@valore/server/testing/fixtures';
import { createTestDeps } from '@valore/server/testing/test-deps';
import { startPostgresCluster, type PostgresCluster } from '../helpers/postgres-cluster';

/**
 * The conversion rollups on PostgreSQL count every contact once (issue 21). The catch-up counts the interactions past
 * a cursor (the last id counted) and moves it: on SQLite ids are given in commit order (one writer), on PostgreSQL
 * they are not — a completion that took id 100 and commits after the one that took 101 would fall behind a cursor
 * already at 101 and never be counted.
 */
let cluster: PostgresCluster;
let store: OpenedPostgres;
let deps: AppDeps;
let world: World;

beforeAll(async () => {
  cluster = await startPostgresCluster();
  store = openPostgres(cluster.createDatabase('stats'));
  await migratePostgres(store.db);
  deps = { ...(await createTestDeps()).deps, db: store.db };
  world = await createWorld(store.db, new Date());
}, 60_000);
afterAll(async () => {
  await store?.close();
  cluster?.stop();
});

const complete = () =>
  completeInteraction(
    deps,
    world.users.operator,
    completion(
      'inbound_sales',
      world.customers.mario,
      'not_interested',
      [
        { type: 'customer.identified', customerId: world.customers.mario },
        { type: 'needs.identified', productCode: 'SIM' },
        { type: 'proposal.declined' },
      ],
      { startMs: Date.now() - 300_000, handleMs: 200_000, acwMs: 10_000 },
    ),
    null,
  );

const handled = async () => {
  const { rows } = await sql<{ n: number | null }>`SELECT SUM(handled) AS n FROM stats_site_day`.execute(store.db);
  return rows[0]?.n ?? 0;
};

describe('stats catch-up on PostgreSQL', () => {
  it('counts a contact whose transaction took a lower id but committed after a higher one', async () => {
    const first = await complete();
    await catchUpStats(store.db);
    expect(await handled()).toBe(1);

    // a completion in flight: its interaction has an id, its transaction is still open
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const insertedYet = new Promise<void>((resolve) => (inserted = resolve));
    const slow = store.db.connection().execute(async (connection) => {
      await sql`BEGIN`.execute(connection);
      await sql`INSERT INTO interactions (client_id, request_hash, operator_id, site_id, team_id, customer_id, flow,
          script_id, script_version, work_kind, source_id, campaign_id, product_code, path, events, outcome,
          outcome_details, reached, proposal_made, ocs_solved, propensity, notes, started_at, ended_at, handle_ms,
          acw_ms, created_at)
        SELECT ${crypto.randomUUID()}, request_hash, operator_id, site_id, team_id, customer_id, flow, script_id,
          script_version, work_kind, source_id, campaign_id, product_code, path, events, outcome, outcome_details,
          reached, proposal_made, ocs_solved, propensity, notes, started_at, ended_at, handle_ms, acw_ms, created_at
        FROM interactions WHERE id = ${first.interactionId}`.execute(connection);
      inserted();
      await gate;
      await sql`COMMIT`.execute(connection);
    });
    await insertedYet;
    // a later completion takes a higher id and commits first; the catch-up runs meanwhile
    await complete();
    const counting = catchUpStats(store.db);
    // the catch-up may wait for the completion in flight (it must not pass it by); let that one commit
    await new Promise((r) => setTimeout(r, 300));
    release();
    await slow;
    await counting;
    await catchUpStats(store.db);
    expect(await handled()).toBe(3);
    expect(await compareRollupsWithRecount(store.db)).toEqual([]);
  });
});
